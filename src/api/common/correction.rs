//! What every correcting mutation takes and every corrected record shows: the reason for a
//! correction, and the corrections made.

use async_graphql::{Enum, InputObject, SimpleObject, ID};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::enums::{Date, FeedbackChannel};
use crate::domain::correction;
use crate::domain::feedback::FeedbackChanges;
use crate::projections::docs::{CorrectionAction as Action, CorrectionDoc, WithdrawnDoc};

/// Why a record was corrected, in a word.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize)]
#[graphql(remote = "correction::CorrectionCategory")]
pub enum CorrectionCategory {
    /// A slip of the keyboard.
    Typo,
    /// A date was entered wrongly.
    WrongDate,
    /// A detail other than a date was entered wrongly (a count, a kind, an owner).
    WrongDetail,
    /// What was recorded was right then; more has come to light since.
    LateInformation,
    /// The record repeats another.
    Duplicate,
    /// The record should never have been made.
    RecordedInError,
    Other,
}

/// Why a record is being corrected: a category, and in words what was wrong.
#[derive(InputObject, Serialize, Clone)]
pub struct CorrectionInput {
    category: CorrectionCategory,
    /// What was wrong and how it came to light (required, up to 4,000 characters). Shown in
    /// the record's history to everyone who can read the record: no personal details.
    detail: String,
}

impl From<CorrectionInput> for correction::Correction {
    /// The reason as given; the aggregate checks it.
    fn from(input: CorrectionInput) -> Self {
        Self {
            category: input.category.into(),
            detail: input.detail,
        }
    }
}

/// Put right one piece of feedback: which (its place in the record's `feedback`, from 0), the
/// fields that were wrong, and why.
#[derive(InputObject, Serialize)]
pub struct FeedbackAmendment {
    /// Its place in the record's `feedback` list: 0 for the first.
    index: u32,
    /// Not in the future, nor before what it followed (the input raised, the activity held).
    given_on: Option<Date>,
    channel: Option<FeedbackChannel>,
    summary: Option<String>,
}

impl FeedbackAmendment {
    /// The place and the changes, as the aggregate takes them.
    pub fn split(self) -> (usize, FeedbackChanges) {
        let changes = FeedbackChanges {
            given_on: self.given_on.map(|d| d.0),
            channel: self.channel.map(Into::into),
            summary: self.summary,
        };
        (self.index as usize, changes)
    }
}

/// What a correction did to its record.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "Action")]
pub enum CorrectionAction {
    Amended,
    Withdrawn,
    Reinstated,
    /// A link to an input item made in error was undone (`fields` names the item).
    Unlinked,
}

/// A correction of a record, with its reason; what the record said before is in its
/// `fieldHistory`, and `recordedAsOf` a moment before `recordedAt` answers as it did then.
#[derive(SimpleObject)]
pub struct Correction {
    action: CorrectionAction,
    category: CorrectionCategory,
    detail: String,
    /// The fields an amendment changed, as this API names them.
    fields: Vec<String>,
    recorded_at: DateTime<Utc>,
}

impl From<&CorrectionDoc> for Correction {
    fn from(doc: &CorrectionDoc) -> Self {
        Self {
            action: doc.action.into(),
            category: doc.category.into(),
            detail: doc.detail.clone(),
            fields: doc.fields.clone(),
            recorded_at: doc.recorded_at,
        }
    }
}

/// Why a record was withdrawn; it is shown, and counts in nothing, until reinstated.
#[derive(SimpleObject)]
pub struct Withdrawal {
    category: CorrectionCategory,
    detail: String,
    /// The record this one repeats, for a duplicate.
    duplicate_of: Option<ID>,
    /// Whether its decision was withdrawn with it.
    decision_withdrawn: bool,
    recorded_at: DateTime<Utc>,
}

impl From<&WithdrawnDoc> for Withdrawal {
    fn from(doc: &WithdrawnDoc) -> Self {
        Self {
            category: doc.category.into(),
            detail: doc.detail.clone(),
            duplicate_of: doc.duplicate_of.map(ID::from),
            decision_withdrawn: doc.decision_withdrawn,
            recorded_at: doc.recorded_at,
        }
    }
}

/// The reason a correcting event gave, as its revision shows it.
#[derive(SimpleObject)]
pub struct Reason {
    category: CorrectionCategory,
    detail: String,
}

impl From<correction::Correction> for Reason {
    fn from(c: correction::Correction) -> Self {
        Self {
            category: c.category.into(),
            detail: c.detail,
        }
    }
}
