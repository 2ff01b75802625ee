//! The `Participant` aggregate: its state, rules and how events change it.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{activity_is_ours, check_details, input_item_is_ours};
use super::{
    ConsentPurpose, ErasureReason, ParticipantCommand, ParticipantError, ParticipantEvent,
    PersonalDetails,
};
use crate::check_fields;
use crate::domain::common::OdsCode;
use crate::domain::rules::{not_before, not_in_future};
use crate::domain::sealed::Sealed;
use crate::domain::services::Services;

const AFTER_REGISTERED: &str = "the participant was registered";

/// Where a participant's record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParticipantStatus {
    /// Registered; details may be read while the person's key exists.
    Active,
    /// The person's key was destroyed; nothing more may be recorded.
    Erased,
}

/// A participant as their events left them; empty until registered.
///
/// Holds personal details in memory only: it must never be snapshotted as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    registered: Option<Registered>,
    /// The latest details as the events carried them; `Erased` once the person is erased.
    details: Option<Sealed<PersonalDetails>>,
    /// Every consent recorded, oldest first; the last per purpose is current.
    consents: Vec<(ConsentPurpose, bool, NaiveDate)>,
    activities: Vec<Uuid>,
    input_items: Vec<Uuid>,
    erased_on: Option<NaiveDate>,
}

/// What registration established.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Registered {
    id: Uuid,
    organisation: OdsCode,
    registered_on: NaiveDate,
}

impl Participant {
    /// The participant's id, once registered.
    pub fn id(&self) -> Option<Uuid> {
        self.registered.as_ref().map(|r| r.id)
    }

    /// The organisation holding the record, once registered.
    pub fn organisation(&self) -> Option<&OdsCode> {
        self.registered.as_ref().map(|r| &r.organisation)
    }

    /// The date of registration, once registered.
    pub fn registered_on(&self) -> Option<NaiveDate> {
        self.registered.as_ref().map(|r| r.registered_on)
    }

    /// Where the record stands; `None` before registration.
    pub fn status(&self) -> Option<ParticipantStatus> {
        self.registered.as_ref()?;
        Some(if self.is_erased() {
            ParticipantStatus::Erased
        } else {
            ParticipantStatus::Active
        })
    }

    /// The current details, once registered: `Erased` after erasure.
    pub fn details(&self) -> Option<&Sealed<PersonalDetails>> {
        self.details.as_ref()
    }

    /// Whether the person's data has been erased.
    pub fn is_erased(&self) -> bool {
        self.erased_on.is_some()
    }

    /// The date the data was erased, if it was.
    pub fn erased_on(&self) -> Option<NaiveDate> {
        self.erased_on
    }

    /// The latest consent recorded for `purpose`, if any.
    pub fn consent(&self, purpose: ConsentPurpose) -> Option<bool> {
        self.consents
            .iter()
            .rev()
            .find(|(p, _, _)| *p == purpose)
            .map(|(_, given, _)| *given)
    }

    /// Every consent recorded as (purpose, given, date), oldest first.
    pub fn consent_history(&self) -> &[(ConsentPurpose, bool, NaiveDate)] {
        &self.consents
    }

    /// The activities the participant is linked to, in linking order.
    pub fn activities(&self) -> &[Uuid] {
        &self.activities
    }

    /// The input items the participant is linked to, in linking order.
    pub fn input_items(&self) -> &[Uuid] {
        &self.input_items
    }

    /// The registration of a participant that has not been erased.
    fn active(&self) -> Result<&Registered, ParticipantError> {
        if self.is_erased() {
            return Err(ParticipantError::Erased);
        }
        self.registered.as_ref().ok_or(ParticipantError::NotFound)
    }

    /// Refuses a dated command dated in the future or before registration; returns the
    /// registration it applies to.
    fn dated(
        &self,
        field: &'static str,
        date: NaiveDate,
        today: NaiveDate,
    ) -> Result<&Registered, ParticipantError> {
        let registered = self.active()?;
        not_in_future(field, date, today)?;
        not_before(field, date, registered.registered_on, AFTER_REGISTERED)?;
        Ok(registered)
    }

    async fn register(
        &self,
        participant_id: Uuid,
        organisation: &str,
        details: PersonalDetails,
        registered_on: NaiveDate,
        services: &Services,
    ) -> Result<ParticipantEvent, ParticipantError> {
        if self.is_erased() {
            return Err(ParticipantError::Erased);
        }
        if self.registered.is_some() {
            return Err(ParticipantError::AlreadyRegistered);
        }
        check_fields! {
            organisation = OdsCode::parse("organisation", organisation);
            details = check_details(details);
            _registered = not_in_future("registeredOn", registered_on, services.today());
        }
        if services.organisation(&organisation).await?.is_none() {
            return Err(ParticipantError::OrganisationNotFound);
        }
        Ok(ParticipantEvent::ParticipantRegistered {
            participant_id,
            organisation,
            details: Sealed::Plain(details),
            registered_on,
        })
    }

    async fn link_to_activity(
        &self,
        activity_id: Uuid,
        services: &Services,
    ) -> Result<ParticipantEvent, ParticipantError> {
        let registered = self.active()?;
        if self.activities.contains(&activity_id) {
            return Err(ParticipantError::ActivityAlreadyLinked);
        }
        activity_is_ours(services, &registered.organisation, activity_id).await?;
        Ok(ParticipantEvent::LinkedToActivity { activity_id })
    }

    async fn link_to_input_item(
        &self,
        input_item_id: Uuid,
        services: &Services,
    ) -> Result<ParticipantEvent, ParticipantError> {
        let registered = self.active()?;
        if self.input_items.contains(&input_item_id) {
            return Err(ParticipantError::InputItemAlreadyLinked);
        }
        input_item_is_ours(services, &registered.organisation, input_item_id).await?;
        Ok(ParticipantEvent::LinkedToInputItem { input_item_id })
    }

    fn erase(
        &self,
        reason: ErasureReason,
        requested_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<ParticipantEvent, ParticipantError> {
        self.dated("requestedOn", requested_on, today)?;
        Ok(ParticipantEvent::ParticipantErased {
            reason,
            requested_on,
            erased_on: today,
        })
    }
}

impl Aggregate for Participant {
    const TYPE: &'static str = "Participant";
    type Command = ParticipantCommand;
    type Event = ParticipantEvent;
    type Error = ParticipantError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let today = services.today();
        let event = match command {
            ParticipantCommand::Register {
                participant_id,
                organisation,
                details,
                registered_on,
            } => {
                self.register(
                    participant_id,
                    &organisation,
                    details,
                    registered_on,
                    services,
                )
                .await?
            }
            ParticipantCommand::UpdateDetails {
                details,
                updated_on,
            } => {
                self.dated("updatedOn", updated_on, today)?;
                ParticipantEvent::DetailsUpdated {
                    details: Sealed::Plain(check_details(details)?),
                    updated_on,
                }
            }
            ParticipantCommand::RecordConsent { purpose, given, on } => {
                self.dated("on", on, today)?;
                ParticipantEvent::ConsentRecorded { purpose, given, on }
            }
            ParticipantCommand::LinkToActivity { activity_id } => {
                self.link_to_activity(activity_id, services).await?
            }
            ParticipantCommand::LinkToInputItem { input_item_id } => {
                self.link_to_input_item(input_item_id, services).await?
            }
            ParticipantCommand::Erase {
                reason,
                requested_on,
            } => self.erase(reason, requested_on, today)?,
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ParticipantEvent::ParticipantRegistered {
                participant_id,
                organisation,
                details,
                registered_on,
            } => {
                self.registered = Some(Registered {
                    id: participant_id,
                    organisation,
                    registered_on,
                });
                self.details = Some(details);
            }
            ParticipantEvent::DetailsUpdated { details, .. } => self.details = Some(details),
            ParticipantEvent::ConsentRecorded { purpose, given, on } => {
                self.consents.push((purpose, given, on));
            }
            ParticipantEvent::LinkedToActivity { activity_id } => {
                self.activities.push(activity_id);
            }
            ParticipantEvent::LinkedToInputItem { input_item_id } => {
                self.input_items.push(input_item_id);
            }
            ParticipantEvent::ParticipantErased { erased_on, .. } => {
                self.erased_on = Some(erased_on);
                self.details = Some(Sealed::Erased);
            }
        }
    }
}
