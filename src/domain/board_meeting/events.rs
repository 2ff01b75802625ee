//! Events of the `BoardMeeting` aggregate.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::common::{Happened, OdsCode};
use crate::domain::correction::{changed_fields, Correction};

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

/// The corrected citations of one decision taken at the meeting, named by its id; each list
/// present replaces the recorded one whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionCitations {
    pub decision_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cited_input_items: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cited_actions: Option<Vec<Uuid>>,
}

/// Recorded facts of a board meeting that an amendment replaces: each field present is the
/// corrected value, each absent one stays as it was. `scheduled_for` is the day in force: after
/// a postponement, the day it was moved to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<NaiveDate>,
    /// The day the papers went out, once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub papers_issued_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_on: Option<NaiveDate>,
    /// The whole corrected list of appointments whose holders attended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attended: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorate: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionCitations>,
}

impl MeetingChanges {
    /// The API names of the fields this changes, in order.
    pub fn fields(&self) -> Vec<&'static str> {
        let decision = self.decision.as_ref();
        changed_fields([
            ("scheduledFor", self.scheduled_for.is_some()),
            ("papersIssuedOn", self.papers_issued_on.is_some()),
            ("heldOn", self.held_on.is_some()),
            ("attendedAppointmentIds", self.attended.is_some()),
            ("quorate", self.quorate.is_some()),
            (
                "decision.citedInputItemIds",
                decision.is_some_and(|d| d.cited_input_items.is_some()),
            ),
            (
                "decision.citedActionIds",
                decision.is_some_and(|d| d.cited_actions.is_some()),
            ),
        ])
    }
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
    /// Recorded facts were put right; what they said before stays in the log.
    MeetingAmended {
        changes: MeetingChanges,
        correction: Correction,
    },
}

impl Happened for BoardMeetingEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::MeetingScheduled { scheduled_for, .. } => Some(*scheduled_for),
            Self::PapersIssued { issued_on } => Some(*issued_on),
            Self::MeetingHeld { held_on, .. } => Some(*held_on),
            // The meeting's day is the meeting's own record; a correction changes what the
            // record says about the past and happens on no day of its own.
            Self::DecisionRecorded(_) | Self::MeetingAmended { .. } => None,
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
            Self::MeetingAmended { .. } => "MeetingAmended",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
