//! Commands of the `Action` aggregate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::events::ActionChanges;
use crate::domain::correction::Correction;

/// Something a user asks of an action.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionCommand {
    /// Proposes an action, answering input items owned by (or referred to) the owner, or none
    /// when it starts from elsewhere (they can be linked later).
    Propose {
        action_id: Uuid,
        title: String,
        /// The ODS code of the organisation answerable for the action.
        owner_organisation: String,
        owner_role: String,
        decision_forum: String,
        due_on: NaiveDate,
        input_items: Vec<Uuid>,
        proposed_on: NaiveDate,
    },
    /// Records that the decision forum agreed the action.
    Agree { agreed_on: NaiveDate },
    /// Notes progress on an agreed, open action.
    RecordProgress {
        recorded_on: NaiveDate,
        note: String,
    },
    /// Closes an agreed action as done, with its outcome and the evidence for it.
    Complete {
        completed_on: NaiveDate,
        outcome: String,
        evidence: String,
    },
    /// Closes an open action as not going ahead, with the reason.
    Abandon {
        abandoned_on: NaiveDate,
        reason: String,
    },
    /// Moves the due date of an open action, with the reason.
    ChangeDueDate {
        changed_on: NaiveDate,
        due_on: NaiveDate,
        reason: String,
    },
    /// Ties an input item to the action from `linked_on`: an action decided on elsewhere (even
    /// before the input was raised) that answers it.
    LinkInputItem {
        input_item_id: Uuid,
        linked_on: NaiveDate,
    },
    /// Undoes a link made in error: the action never answered that item.
    UnlinkInputItem {
        input_item_id: Uuid,
        correction: Correction,
    },
    /// Puts right recorded facts: only the fields given change.
    Amend {
        changes: ActionChanges,
        correction: Correction,
    },
}
