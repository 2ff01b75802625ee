//! Commands of the `Organisation` aggregate.

use crate::domain::common::OrganisationKind;

/// Something a user asks of an organisation.
#[derive(Debug, Clone, PartialEq)]
pub enum OrganisationCommand {
    /// Joins the ledger with the default response window of 60 days.
    Register {
        ods_code: String,
        name: String,
        kind: OrganisationKind,
        /// The ODS code of the integrated care board the organisation belongs to, if any.
        ics: Option<String>,
    },
    /// Sets how many days (1 to 365) input may wait for a decision before it is overdue.
    SetResponseWindow { days: u32 },
    /// Turns the organisation's public "you said, we did" page on or off.
    SetPublicPage { published: bool },
    /// Adds a theme to the organisation's list.
    AddTheme { name: String },
    /// Renames a theme on the list.
    RenameTheme { from: String, to: String },
    /// Merges themes on the list into another on it.
    MergeThemes { from: Vec<String>, into: String },
}
