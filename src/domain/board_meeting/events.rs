//! Events of the `BoardMeeting` aggregate.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::common::{Happened, OdsCode};

/// A decision taken at a meeting (principle 3: does it cite patient input?).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardDecision {
    pub decision_id: Uuid,
    pub title: String,
    pub summary: String,
    pub cited_input_items: Vec<Uuid>,
    pub cited_actions: Vec<Uuid>,
    pub patient_members_present: bool,
    pub patient_members_voted: bool,
}

/// Something that happened to a board meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BoardMeetingEvent {
    MeetingScheduled {
        meeting_id: Uuid,
        board_id: Uuid,
        organisation: OdsCode,
        scheduled_for: NaiveDate,
    },
    PapersIssued {
        issued_on: NaiveDate,
    },
    /// Held, with the appointments whose holders attended.
    MeetingHeld {
        held_on: NaiveDate,
        attended: Vec<Uuid>,
        quorate: bool,
    },
    DecisionRecorded(BoardDecision),
    /// Moved to a later day, decided on `postponed_on`.
    MeetingPostponed {
        scheduled_for: NaiveDate,
        postponed_on: NaiveDate,
        reason: String,
    },
    /// Called off.
    MeetingCancelled {
        cancelled_on: NaiveDate,
        reason: String,
    },
}

impl Happened for BoardMeetingEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::MeetingScheduled { scheduled_for, .. } => Some(*scheduled_for),
            Self::PapersIssued { issued_on } => Some(*issued_on),
            Self::MeetingHeld { held_on, .. } => Some(*held_on),
            // The meeting's day is the meeting's own record.
            Self::DecisionRecorded(_) => None,
            Self::MeetingPostponed { postponed_on, .. } => Some(*postponed_on),
            Self::MeetingCancelled { cancelled_on, .. } => Some(*cancelled_on),
        }
    }
}

impl DomainEvent for BoardMeetingEvent {
    fn event_type(&self) -> String {
        match self {
            Self::MeetingScheduled { .. } => "MeetingScheduled",
            Self::PapersIssued { .. } => "PapersIssued",
            Self::MeetingHeld { .. } => "MeetingHeld",
            Self::DecisionRecorded(_) => "DecisionRecorded",
            Self::MeetingPostponed { .. } => "MeetingPostponed",
            Self::MeetingCancelled { .. } => "MeetingCancelled",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
