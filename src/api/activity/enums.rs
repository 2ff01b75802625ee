//! GraphQL enums only activities use.

use async_graphql::Enum;

use crate::domain::common;

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

/// Where an activity is in its lifecycle.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ActivityStatus {
    Planned,
    Held,
    ReportPublished,
    Cancelled,
}
