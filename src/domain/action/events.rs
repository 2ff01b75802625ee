//! Events of the `Action` aggregate.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::common::{Happened, OdsCode};
use crate::domain::correction::Correction;

crate::changes! {
    /// Recorded facts of an action that an amendment replaces.
    pub struct ActionChanges {
        title: String => "title",
        owner_organisation: OdsCode => "ownerOrganisation",
        owner_role: String => "ownerRole",
        decision_forum: String => "decisionForum",
        proposed_on: NaiveDate => "proposedOn",
        agreed_on: NaiveDate => "agreedOn",
        completed_on: NaiveDate => "completedOn",
        outcome: String => "outcome",
        evidence: String => "evidence",
    }
}

/// Something that happened to an action committed in response to input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ActionEvent {
    ActionProposed {
        action_id: Uuid,
        title: String,
        owner_organisation: OdsCode,
        /// The role within the owner organisation answerable for it (for example "Head of Patient Experience").
        owner_role: String,
        decision_forum: String,
        due_on: NaiveDate,
        input_items: Vec<Uuid>,
        proposed_on: NaiveDate,
    },
    ActionAgreed {
        agreed_on: NaiveDate,
    },
    ProgressRecorded {
        recorded_on: NaiveDate,
        note: String,
    },
    ActionCompleted {
        completed_on: NaiveDate,
        outcome: String,
        evidence: String,
    },
    ActionAbandoned {
        abandoned_on: NaiveDate,
        reason: String,
    },
    DueDateChanged {
        changed_on: NaiveDate,
        due_on: NaiveDate,
        reason: String,
    },
    /// The action answers `input_item_id` too, from `linked_on`.
    InputItemLinked {
        input_item_id: Uuid,
        linked_on: NaiveDate,
    },
    /// A link made in error was undone: the action never answered the item, as of any date.
    InputItemUnlinked {
        input_item_id: Uuid,
        correction: Correction,
    },
    /// Recorded facts were put right; what they said before stays in the log.
    ActionAmended {
        changes: ActionChanges,
        correction: Correction,
    },
}

impl Happened for ActionEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::ActionProposed { proposed_on, .. } => Some(*proposed_on),
            Self::ActionAgreed { agreed_on } => Some(*agreed_on),
            Self::ProgressRecorded { recorded_on, .. } => Some(*recorded_on),
            Self::ActionCompleted { completed_on, .. } => Some(*completed_on),
            Self::ActionAbandoned { abandoned_on, .. } => Some(*abandoned_on),
            Self::DueDateChanged { changed_on, .. } => Some(*changed_on),
            Self::InputItemLinked { linked_on, .. } => Some(*linked_on),
            Self::InputItemUnlinked { .. } | Self::ActionAmended { .. } => None,
        }
    }
}

impl DomainEvent for ActionEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ActionProposed { .. } => "ActionProposed",
            Self::ActionAgreed { .. } => "ActionAgreed",
            Self::ProgressRecorded { .. } => "ProgressRecorded",
            Self::ActionCompleted { .. } => "ActionCompleted",
            Self::ActionAbandoned { .. } => "ActionAbandoned",
            Self::DueDateChanged { .. } => "DueDateChanged",
            Self::InputItemLinked { .. } => "InputItemLinked",
            Self::InputItemUnlinked { .. } => "InputItemUnlinked",
            Self::ActionAmended { .. } => "ActionAmended",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
