//! Commands of the `Activity` aggregate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::events::{ActivityChanges, PublicationChanges};
use crate::domain::common::{
    AccessibleFormat, ActivityKind, Attendance, DemographicSnapshot, FeedbackChannel, Principle,
};
use crate::domain::correction::Correction;
use crate::domain::feedback::FeedbackChanges;

/// Something a user asks of an activity.
#[derive(Debug, Clone, PartialEq)]
pub enum ActivityCommand {
    /// Creates the activity, led by one registered organisation with optional partners.
    Plan {
        activity_id: Uuid,
        kind: ActivityKind,
        title: String,
        topic: String,
        lead_organisation: String,
        partner_organisations: Vec<String>,
        principles: Vec<Principle>,
        planned_on: NaiveDate,
    },
    /// Records that information reached participants; may be recorded more than once.
    RecordInformationPublished {
        published_on: NaiveDate,
        accessible_formats: Vec<AccessibleFormat>,
    },
    /// Records that the activity took place, with attendance and demographics at the time.
    RecordHeld {
        held_on: NaiveDate,
        attendance: Attendance,
        demographics: DemographicSnapshot,
        /// Confirms that a held date before the planned date is intended.
        before_planned_date: bool,
    },
    /// Publishes a report of a held activity.
    PublishReport {
        published_on: NaiveDate,
        summary: String,
    },
    /// Moves an activity that has not been held to a later date, with the reason.
    Postpone {
        planned_on: NaiveDate,
        postponed_on: NaiveDate,
        reason: String,
    },
    /// Cancels an activity that has not been held.
    Cancel {
        cancelled_on: NaiveDate,
        reason: String,
    },
    /// Records that participants were told what happened to the activity's input.
    GiveFeedback {
        given_on: NaiveDate,
        channel: FeedbackChannel,
        summary: String,
    },
    /// Shows the activity, and what came of its input, on its organisation's public page.
    Publish,
    /// Takes the activity off the public page again, with the reason.
    Unpublish { reason: String },
    /// Puts recorded facts right; partners come as sent, to be checked like a plan's.
    Amend {
        changes: ActivityChanges,
        partner_organisations: Option<Vec<String>>,
        correction: Correction,
    },
    /// Puts right the publication of information at `index` (in the order recorded).
    AmendInformation {
        index: usize,
        changes: PublicationChanges,
        correction: Correction,
    },
    /// Puts right the feedback at `index` (in the order recorded).
    AmendFeedback {
        index: usize,
        changes: FeedbackChanges,
        correction: Correction,
    },
}
