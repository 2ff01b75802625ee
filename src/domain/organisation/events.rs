//! Events of the `Organisation` aggregate.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::domain::common::{Happened, OdsCode, OrganisationKind};

/// Something that happened to an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OrganisationEvent {
    /// The organisation joined the ledger.
    OrganisationRegistered {
        ods_code: OdsCode,
        name: String,
        kind: OrganisationKind,
        /// The integrated care system it belongs to, by the ICB's ODS code.
        ics: Option<OdsCode>,
        response_window_days: u32,
    },
    /// The number of days input may wait for a decision before it is overdue changed.
    ResponseWindowSet { days: u32 },
    /// The organisation's public page was turned on (`published`) or off.
    PublicPageSet { published: bool },
    /// A theme was added to the list the organisation codes its input with.
    ThemeAdded { name: String },
    /// A theme was renamed: input recorded under the old name counts under the new.
    ThemeRenamed { from: String, to: String },
    /// Themes were merged into another: input recorded under them counts under `into`.
    ThemesMerged { from: Vec<String>, into: String },
}

impl Happened for OrganisationEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::OrganisationRegistered { .. }
            | Self::ResponseWindowSet { .. }
            | Self::PublicPageSet { .. }
            | Self::ThemeAdded { .. }
            | Self::ThemeRenamed { .. }
            | Self::ThemesMerged { .. } => None,
        }
    }
}

impl DomainEvent for OrganisationEvent {
    fn event_type(&self) -> String {
        match self {
            Self::OrganisationRegistered { .. } => "OrganisationRegistered",
            Self::ResponseWindowSet { .. } => "ResponseWindowSet",
            Self::PublicPageSet { .. } => "PublicPageSet",
            Self::ThemeAdded { .. } => "ThemeAdded",
            Self::ThemeRenamed { .. } => "ThemeRenamed",
            Self::ThemesMerged { .. } => "ThemesMerged",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
