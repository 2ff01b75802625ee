//! Corrections as the views show them: each correcting event's reason, kept with the record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::correction::{Correction, CorrectionCategory};

/// A correction of a record, with its reason: what the history shows beside the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionDoc {
    /// What the correction did.
    pub action: CorrectionAction,
    pub category: CorrectionCategory,
    pub detail: String,
    /// The fields an amendment changed, as the API names them (for an unlinking, the input
    /// item's id).
    #[serde(default)]
    pub fields: Vec<String>,
    pub recorded_at: DateTime<Utc>,
}

/// What a correction did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CorrectionAction {
    Amended,
    Withdrawn,
    Reinstated,
    /// A link to an input item made in error was undone.
    Unlinked,
}

impl CorrectionDoc {
    /// The correction `correction`, which did `action` to `fields`, recorded `at`.
    pub fn new(
        action: CorrectionAction,
        correction: Correction,
        fields: Vec<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            action,
            category: correction.category,
            detail: correction.detail,
            fields,
            recorded_at: at,
        }
    }

    /// An amendment of `fields` (as [`fields()`](crate::domain::board::BoardChanges::fields)
    /// of a record's changes name them), recorded `at`.
    pub fn amended(fields: Vec<&'static str>, correction: Correction, at: DateTime<Utc>) -> Self {
        let fields = fields.into_iter().map(str::to_owned).collect();
        Self::new(CorrectionAction::Amended, correction, fields, at)
    }
}
