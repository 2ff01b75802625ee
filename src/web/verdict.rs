//! Verdicts as the pages show them: a tag in words, coloured, and never by colour alone.

pub use crate::domain::verdict::InputVerdict as Verdict;

/// How a page shows a verdict.
pub trait VerdictTag {
    /// The verdict in words.
    fn label(self) -> &'static str;
    /// The design system's tag colour for it.
    fn tag_class(self) -> &'static str;
}

impl VerdictTag for Verdict {
    fn label(self) -> &'static str {
        match self {
            Self::Unanswered => "Waiting for a decision",
            Self::Overdue => "Overdue for a decision",
            Self::Declined => "Declined",
            Self::AlreadyInPlace => "Already in place",
            Self::Referred => "Referred to a partner",
            Self::Planned => "Planned",
            Self::Stalled => "Stalled",
            Self::ActedOn => "Acted on",
            Self::Withdrawn => "Withdrawn",
        }
    }

    fn tag_class(self) -> &'static str {
        match self {
            Self::Unanswered => "nhsuk-tag--grey",
            Self::Overdue => "nhsuk-tag--red",
            Self::Declined => "nhsuk-tag--pink",
            Self::AlreadyInPlace => "nhsuk-tag--aqua-green",
            Self::Referred => "nhsuk-tag--purple",
            Self::Planned => "nhsuk-tag--blue",
            Self::Stalled => "nhsuk-tag--orange",
            Self::ActedOn => "nhsuk-tag--green",
            Self::Withdrawn => "nhsuk-tag--white",
        }
    }
}
