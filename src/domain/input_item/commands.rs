//! Commands of the `InputItem` aggregate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::events::InputItemChanges;
use crate::domain::common::{DecisionOutcome, FeedbackChannel, InputKind, RaisedBy};
use crate::domain::correction::Correction;
use crate::domain::feedback::FeedbackChanges;

/// Something a user asks of an input item.
#[derive(Debug, Clone, PartialEq)]
pub enum InputItemCommand {
    /// Records input raised at an activity; the activity's lead organisation owns the response.
    Record {
        input_item_id: Uuid,
        activity_id: Uuid,
        kind: InputKind,
        summary: String,
        themes: Vec<String>,
        raised_by: RaisedBy,
        raised_on: NaiveDate,
    },
    /// Records the first decision on the item.
    Decide {
        outcome: DecisionOutcome,
        reason: String,
        /// The partner organisation's ODS code; only for a REFERRED outcome.
        referred_to: Option<String>,
        decided_on: NaiveDate,
        /// The ODS code of the deciding organisation.
        decided_by: String,
    },
    /// Records a later decision in place of the current one, saying why.
    ReviseDecision {
        outcome: DecisionOutcome,
        reason: String,
        /// The partner organisation's ODS code; only for a REFERRED outcome.
        referred_to: Option<String>,
        decided_on: NaiveDate,
        /// The ODS code of the deciding organisation.
        decided_by: String,
        why: String,
    },
    /// Records that participants were told what happened to this item.
    RecordFeedback {
        given_on: NaiveDate,
        channel: FeedbackChannel,
        summary: String,
    },
    /// Puts recorded facts right: each field in `changes` replaces the recorded one.
    Amend {
        changes: InputItemChanges,
        correction: Correction,
    },
    /// Withdraws an item recorded in error, or a duplicate of `duplicate_of`; an item with a
    /// decision only with `with_decision`.
    Withdraw {
        correction: Correction,
        duplicate_of: Option<Uuid>,
        with_decision: bool,
    },
    /// Undoes a withdrawal.
    Reinstate { correction: Correction },
    /// Puts right the feedback at `index` (in the order recorded).
    AmendFeedback {
        index: usize,
        changes: FeedbackChanges,
        correction: Correction,
    },
}
