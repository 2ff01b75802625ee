//! Events of the `InputItem` aggregate.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::common::{
    DecisionOutcome, FeedbackChannel, Happened, InputKind, OdsCode, RaisedBy,
};
use crate::domain::correction::{changed_fields, Correction};

/// Recorded facts of an input item that an amendment replaces: each field present is the
/// corrected value, each absent one stays as it was.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputItemChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<InputKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub themes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raised_by: Option<RaisedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raised_on: Option<NaiveDate>,
}

impl InputItemChanges {
    /// The API names of the fields this changes, in order.
    pub fn fields(&self) -> Vec<&'static str> {
        changed_fields([
            ("kind", self.kind.is_some()),
            ("summary", self.summary.is_some()),
            ("themes", self.themes.is_some()),
            ("raisedBy", self.raised_by.is_some()),
            ("raisedOn", self.raised_on.is_some()),
        ])
    }
}

/// A decision on an input item, as recorded; revisions add a new one and never replace it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: DecisionOutcome,
    /// The reason (declined), explanation (already in place) or note (accepted, referred).
    pub reason: String,
    /// The partner organisation that owns the response, when referred.
    pub referred_to: Option<OdsCode>,
    pub decided_on: NaiveDate,
    /// The organisation that took the decision (the owner, or the partner it was referred to).
    pub decided_by: OdsCode,
}

/// Something that happened to one piece of input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InputItemEvent {
    InputItemRecorded {
        input_item_id: Uuid,
        activity_id: Uuid,
        /// The activity's lead organisation, which owns the response.
        organisation: OdsCode,
        kind: InputKind,
        summary: String,
        themes: Vec<String>,
        raised_by: RaisedBy,
        raised_on: NaiveDate,
    },
    InputItemDecided(Decision),
    /// A later decision replacing the current one; the earlier stays in history.
    DecisionRevised {
        decision: Decision,
        why: String,
    },
    /// Participants were told what happened to this item.
    FeedbackGiven {
        given_on: NaiveDate,
        channel: FeedbackChannel,
        summary: String,
    },
    /// Recorded facts were put right; what they said before stays in the log.
    InputItemAmended {
        changes: InputItemChanges,
        correction: Correction,
    },
    /// The item was recorded in error, or repeats `duplicate_of`: it counts in nothing, as of
    /// any date, until reinstated.
    InputItemWithdrawn {
        correction: Correction,
        duplicate_of: Option<Uuid>,
        /// Whether the item had a decision, withdrawn with it.
        decision_withdrawn: bool,
    },
    /// A withdrawal was undone: the item counts again as it stood before.
    InputItemReinstated {
        correction: Correction,
    },
}

impl Happened for InputItemEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::InputItemRecorded { raised_on, .. } => Some(*raised_on),
            Self::InputItemDecided(decision) => Some(decision.decided_on),
            Self::DecisionRevised { decision, .. } => Some(decision.decided_on),
            Self::FeedbackGiven { given_on, .. } => Some(*given_on),
            // Corrections change what the record says about the past; they happen on no day
            // of their own.
            Self::InputItemAmended { .. }
            | Self::InputItemWithdrawn { .. }
            | Self::InputItemReinstated { .. } => None,
        }
    }
}

impl DomainEvent for InputItemEvent {
    fn event_type(&self) -> String {
        match self {
            Self::InputItemRecorded { .. } => "InputItemRecorded",
            Self::InputItemDecided(_) => "InputItemDecided",
            Self::DecisionRevised { .. } => "DecisionRevised",
            Self::FeedbackGiven { .. } => "FeedbackGiven",
            Self::InputItemAmended { .. } => "InputItemAmended",
            Self::InputItemWithdrawn { .. } => "InputItemWithdrawn",
            Self::InputItemReinstated { .. } => "InputItemReinstated",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
