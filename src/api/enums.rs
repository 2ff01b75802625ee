//! GraphQL enums mirroring the domain's vocabularies (the domain stays free of GraphQL).

use async_graphql::{Enum, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use crate::domain::common;
use crate::domain::verdict;

/// What kind of body an organisation is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::OrganisationKind")]
pub enum OrganisationKind {
    IntegratedCareBoard,
    NhsTrust,
    GpPractice,
    PrimaryCareNetwork,
    Healthwatch,
    Vcse,
    LocalAuthority,
    Other,
}

/// The kind of an engagement or co-production activity.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::ActivityKind")]
pub enum ActivityKind {
    FocusGroup,
    CoDesignWorkshop,
    PatientPanel,
    PpgMeeting,
    Survey,
    ListeningEvent,
    PublicConsultation,
    Other,
}

/// The six principles of patient partnership.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::Principle")]
pub enum Principle {
    Equals,
    Informed,
    SharedDecisions,
    Inequalities,
    SeekingInput,
    JoiningServices,
}

/// Formats information was offered in.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::AccessibleFormat")]
pub enum AccessibleFormat {
    EasyRead,
    LargePrint,
    Braille,
    Audio,
    BritishSignLanguage,
    Translation,
    Other,
}

/// Who raised an input item (a category, never a name).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::RaisedBy")]
pub enum RaisedBy {
    Patient,
    Carer,
    Public,
    Group,
}

/// What sort of input an item is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::InputKind")]
pub enum InputKind {
    Recommendation,
    Concern,
    Idea,
    Experience,
}

/// The decision on an input item.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::DecisionOutcome")]
pub enum DecisionOutcome {
    Accepted,
    Declined,
    AlreadyInPlace,
    Referred,
}

/// How participants were told.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::FeedbackChannel")]
pub enum FeedbackChannel {
    Meeting,
    Email,
    Letter,
    Newsletter,
    Website,
    SocialMedia,
    Phone,
    Other,
}

/// Was the input genuinely acted on?
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "verdict::InputVerdict")]
pub enum InputVerdict {
    Unanswered,
    Overdue,
    Declined,
    AlreadyInPlace,
    Referred,
    Planned,
    Stalled,
    ActedOn,
}

/// Something about an item's handling that undermines the verdict.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "verdict::VerdictWarning")]
pub enum VerdictWarning {
    DecidedBeforeInput,
    NoOutcomeEvidence,
    LateResponse,
    NoLinkedAction,
}

/// Where an activity is in its lifecycle.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ActivityStatus {
    Planned,
    Held,
    ReportPublished,
    Cancelled,
}

/// Where an action is in its lifecycle.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ActionStatus {
    Proposed,
    Agreed,
    InProgress,
    Completed,
    Abandoned,
}

/// A calendar date, `YYYY-MM-DD`: the day something happened or is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom("expected a real calendar date written YYYY-MM-DD")
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// Checked during validation, so the error names the argument at fault.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}
