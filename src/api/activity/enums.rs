//! GraphQL enums only activities use.

use async_graphql::Enum;

use crate::domain::common;
use crate::projections::views::activity::ActivityDoc;

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

impl ActivityStatus {
    /// Where `doc` is in its lifecycle.
    pub fn of(doc: &ActivityDoc) -> Self {
        if doc.cancelled.is_some() {
            Self::Cancelled
        } else if doc.report.is_some() {
            Self::ReportPublished
        } else if doc.held.is_some() {
            Self::Held
        } else {
            Self::Planned
        }
    }
}
