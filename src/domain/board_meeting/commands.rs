//! Commands of the `BoardMeeting` aggregate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::MeetingChanges;
use crate::domain::correction::Correction;

/// Something a user asks of a board meeting.
#[derive(Debug, Clone, PartialEq)]
pub enum BoardMeetingCommand {
    /// Schedules a meeting of a board that is not dissolved.
    Schedule {
        meeting_id: Uuid,
        board_id: Uuid,
        scheduled_for: NaiveDate,
    },
    /// Records the day the meeting papers went out.
    RecordPapersIssued { issued_on: NaiveDate },
    /// Records that the meeting was held, with the appointments whose holders attended.
    RecordHeld {
        held_on: NaiveDate,
        attended: Vec<Uuid>,
        quorate: bool,
    },
    /// Records a decision taken at the held meeting and the patient input it cites.
    RecordDecision {
        decision_id: Uuid,
        title: String,
        summary: String,
        cited_input_items: Vec<Uuid>,
        cited_actions: Vec<Uuid>,
        patient_members_present: bool,
        patient_members_voted: bool,
    },
    /// Moves a meeting not yet held to a later day, with the reason.
    Postpone {
        scheduled_for: NaiveDate,
        postponed_on: NaiveDate,
        reason: String,
    },
    /// Calls off a meeting not yet held, with the reason.
    Cancel {
        cancelled_on: NaiveDate,
        reason: String,
    },
    /// Puts recorded facts right: each field in `changes` replaces the recorded one.
    Amend {
        changes: MeetingChanges,
        correction: Correction,
    },
}
