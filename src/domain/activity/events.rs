//! Events of the `Activity` aggregate.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::common::{
    AccessibleFormat, ActivityKind, Attendance, DemographicSnapshot, FeedbackChannel, Happened,
    OdsCode, Principle,
};
use crate::domain::correction::Correction;
use crate::domain::feedback::FeedbackChanges;

crate::changes! {
    /// Recorded facts of an activity that an amendment replaces.
    pub struct ActivityChanges {
        kind: ActivityKind => "kind",
        title: String => "title",
        topic: String => "topic",
        principles: Vec<Principle> => "principles",
        partner_organisations: Vec<OdsCode> => "partnerOrganisations",
        planned_on: NaiveDate => "plannedOn",
        held_on: NaiveDate => "heldOn",
        attendance: Attendance => "attendance",
        demographics: DemographicSnapshot => "demographics",
    }
}

crate::changes! {
    /// What an amendment of one publication of information replaces.
    pub struct PublicationChanges {
        published_on: NaiveDate => "publishedOn",
        accessible_formats: Vec<AccessibleFormat> => "accessibleFormats",
    }
}

/// Something that happened to an engagement or co-production activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ActivityEvent {
    ActivityPlanned {
        activity_id: Uuid,
        kind: ActivityKind,
        title: String,
        topic: String,
        lead_organisation: OdsCode,
        partner_organisations: Vec<OdsCode>,
        principles: Vec<Principle>,
        planned_on: NaiveDate,
    },
    /// Information about the activity reached participants (principle 2).
    InformationPublished {
        published_on: NaiveDate,
        accessible_formats: Vec<AccessibleFormat>,
    },
    ActivityHeld {
        held_on: NaiveDate,
        attendance: Attendance,
        demographics: DemographicSnapshot,
    },
    ReportPublished {
        published_on: NaiveDate,
        summary: String,
    },
    /// The activity was moved to a later date (`planned_on`), decided on `postponed_on`.
    ActivityPostponed {
        planned_on: NaiveDate,
        postponed_on: NaiveDate,
        reason: String,
    },
    ActivityCancelled {
        cancelled_on: NaiveDate,
        reason: String,
    },
    /// Participants were told what happened to the input of this activity, covering all its items.
    ActivityFeedbackGiven {
        given_on: NaiveDate,
        channel: FeedbackChannel,
        summary: String,
    },
    /// An officer chose to show the activity, and what came of its input, on the public page.
    ActivityPublished {},
    /// The activity was taken off the public page.
    ActivityUnpublished { reason: String },
    /// Recorded facts were put right; what they said before stays in the log.
    ActivityAmended {
        changes: ActivityChanges,
        correction: Correction,
    },
    /// The publication of information at `index` (in the order recorded) was put right.
    InformationAmended {
        index: usize,
        changes: PublicationChanges,
        correction: Correction,
    },
    /// The feedback at `index` (in the order recorded) was put right.
    ActivityFeedbackAmended {
        index: usize,
        changes: FeedbackChanges,
        correction: Correction,
    },
}

impl Happened for ActivityEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::ActivityPlanned { planned_on, .. } => Some(*planned_on),
            Self::InformationPublished { published_on, .. } => Some(*published_on),
            Self::ActivityHeld { held_on, .. } => Some(*held_on),
            Self::ReportPublished { published_on, .. } => Some(*published_on),
            Self::ActivityPostponed { postponed_on, .. } => Some(*postponed_on),
            Self::ActivityCancelled { cancelled_on, .. } => Some(*cancelled_on),
            Self::ActivityFeedbackGiven { given_on, .. } => Some(*given_on),
            // Corrections change what the record says about the past, on no day of their own;
            // showing it to the public changes nothing that happened.
            Self::ActivityPublished {}
            | Self::ActivityUnpublished { .. }
            | Self::ActivityAmended { .. }
            | Self::InformationAmended { .. }
            | Self::ActivityFeedbackAmended { .. } => None,
        }
    }
}

impl DomainEvent for ActivityEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ActivityPlanned { .. } => "ActivityPlanned",
            Self::InformationPublished { .. } => "InformationPublished",
            Self::ActivityHeld { .. } => "ActivityHeld",
            Self::ReportPublished { .. } => "ReportPublished",
            Self::ActivityPostponed { .. } => "ActivityPostponed",
            Self::ActivityCancelled { .. } => "ActivityCancelled",
            Self::ActivityFeedbackGiven { .. } => "ActivityFeedbackGiven",
            Self::ActivityPublished {} => "ActivityPublished",
            Self::ActivityUnpublished { .. } => "ActivityUnpublished",
            Self::ActivityAmended { .. } => "ActivityAmended",
            Self::InformationAmended { .. } => "InformationAmended",
            Self::ActivityFeedbackAmended { .. } => "ActivityFeedbackAmended",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
