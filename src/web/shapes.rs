//! Parts of the API's answers that several pages read alike.

use serde::Deserialize;

/// Something that happened on a day, in words (`DatedNote`): a report, a cancellation,
/// progress, an abandonment.
#[derive(Debug, Clone, Deserialize)]
pub struct DatedNote {
    pub on: String,
    pub text: String,
}

/// A move to a later day, with why (`Postponement`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Postponement {
    pub from: String,
    pub to: String,
    pub postponed_on: String,
    pub reason: String,
}
