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
}

impl Happened for OrganisationEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::OrganisationRegistered { .. } | Self::ResponseWindowSet { .. } => None,
        }
    }
}

impl DomainEvent for OrganisationEvent {
    fn event_type(&self) -> String {
        match self {
            Self::OrganisationRegistered { .. } => "OrganisationRegistered",
            Self::ResponseWindowSet { .. } => "ResponseWindowSet",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
