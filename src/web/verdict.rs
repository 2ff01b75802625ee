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

/// Where an item stands, in the plain words of the people who raised it: "Done", "Not going
/// ahead, because ...", "In progress", "Waiting for a decision", "Overdue for a decision".
/// `reason` is the decision's; `referred_to` names the partner now answering it.
pub fn in_plain_words(verdict: Verdict, reason: &str, referred_to: Option<&str>) -> String {
    let because = |what: &str| {
        if reason.is_empty() {
            what.to_owned()
        } else {
            format!("{what}, because {reason}")
        }
    };
    match verdict {
        Verdict::ActedOn => "Done".to_owned(),
        Verdict::Planned | Verdict::Stalled => "In progress".to_owned(),
        Verdict::Declined => because("Not going ahead"),
        Verdict::AlreadyInPlace => because("Already in place"),
        Verdict::Referred => format!(
            "Passed to {} to answer",
            referred_to.unwrap_or("a partner organisation")
        ),
        Verdict::Unanswered => "Waiting for a decision".to_owned(),
        Verdict::Overdue => "Overdue for a decision".to_owned(),
        Verdict::Withdrawn => "Withdrawn".to_owned(),
    }
}
