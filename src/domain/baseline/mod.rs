//! The population an organisation serves (principle 4's baseline), uploaded from CSV; each
//! upload replaces the one before, which stays in the log.

pub mod csv;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

pub use csv::{CsvError, CsvErrors, Dimension, Shares};

use crate::domain::common::OdsCode;
use crate::domain::services::{LookupFailed, Services};
use crate::domain::{Refusal, RefusalKind};

/// Replace the organisation's baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum BaselineCommand {
    Upload {
        organisation: String,
        shares: Shares,
        uploaded_on: NaiveDate,
    },
}

/// A baseline was uploaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BaselineEvent {
    BaselineUploaded {
        organisation: OdsCode,
        shares: Shares,
        uploaded_on: NaiveDate,
    },
}

impl DomainEvent for BaselineEvent {
    fn event_type(&self) -> String {
        "BaselineUploaded".to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BaselineError {
    #[error("{0}")]
    Invalid(crate::domain::common::FieldError),
    #[error("organisation: organisation not found")]
    OrganisationNotFound,
    #[error("the ledger could not be read")]
    Lookup(LookupFailed),
}

impl Refusal for BaselineError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) => RefusalKind::Validation,
            Self::OrganisationNotFound => RefusalKind::NotFound,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}

/// An organisation's population baseline.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PopulationBaseline {
    shares: Option<Shares>,
    uploaded_on: Option<NaiveDate>,
}

impl PopulationBaseline {
    /// The baseline in force, if one was uploaded.
    pub fn shares(&self) -> Option<&Shares> {
        self.shares.as_ref()
    }

    /// When it was uploaded.
    pub fn uploaded_on(&self) -> Option<NaiveDate> {
        self.uploaded_on
    }
}

impl Aggregate for PopulationBaseline {
    const TYPE: &'static str = "PopulationBaseline";
    type Command = BaselineCommand;
    type Event = BaselineEvent;
    type Error = BaselineError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let BaselineCommand::Upload {
            organisation,
            shares,
            uploaded_on,
        } = command;
        let organisation =
            OdsCode::parse("organisation", &organisation).map_err(BaselineError::Invalid)?;
        let uploaded_on =
            crate::domain::rules::not_in_future("uploadedOn", uploaded_on, services.today())
                .map_err(BaselineError::Invalid)?;
        if services
            .organisation(&organisation)
            .await
            .map_err(BaselineError::Lookup)?
            .is_none()
        {
            return Err(BaselineError::OrganisationNotFound);
        }
        sink.write(
            BaselineEvent::BaselineUploaded {
                organisation,
                shares,
                uploaded_on,
            },
            self,
        )
        .await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let BaselineEvent::BaselineUploaded {
            shares,
            uploaded_on,
            ..
        } = event;
        self.shares = Some(shares);
        self.uploaded_on = Some(uploaded_on);
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;
    use crate::domain::testing::{day, ods, FakeLookups};

    fn shares() -> Shares {
        csv::parse("dimension,category,count\nsex,female,51\nsex,male,49\n").expect("valid")
    }

    fn upload(org: &str, on: &str) -> BaselineCommand {
        BaselineCommand::Upload {
            organisation: org.to_owned(),
            shares: shares(),
            uploaded_on: day(on),
        }
    }

    #[test]
    fn uploads_a_baseline() {
        TestFramework::<PopulationBaseline>::with(
            FakeLookups::new().with_organisation("QMJ").build(),
        )
        .given_no_previous_events()
        .when(upload("qmj", "2026-06-01"))
        .then_expect_events(vec![BaselineEvent::BaselineUploaded {
            organisation: ods("QMJ"),
            shares: shares(),
            uploaded_on: day("2026-06-01"),
        }]);
    }

    #[test]
    fn refuses_an_unknown_organisation_or_a_future_date() {
        TestFramework::<PopulationBaseline>::with(FakeLookups::new().build())
            .given_no_previous_events()
            .when(upload("QMJ", "2026-06-01"))
            .then_expect_error(BaselineError::OrganisationNotFound);
        TestFramework::<PopulationBaseline>::with(
            FakeLookups::new().with_organisation("QMJ").build(),
        )
        .given_no_previous_events()
        .when(upload("QMJ", "2026-07-01"))
        .then_expect_error_message("uploadedOn: must not be in the future");
    }
}
