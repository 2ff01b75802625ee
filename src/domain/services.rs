//! What aggregates may ask of the rest of the ledger while handling a command.
//!
//! Implemented by the ledger (over the event store and the views) in production and over maps
//! in tests, so domain code stays free of storage.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::common::{OdsCode, OrganisationKind};

/// What a command may need to know about an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationFacts {
    pub ods_code: OdsCode,
    pub kind: OrganisationKind,
    pub response_window_days: u32,
}

/// What a command may need to know about an activity.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityFacts {
    pub id: Uuid,
    pub lead_organisation: OdsCode,
    pub partner_organisations: Vec<OdsCode>,
    pub planned_on: NaiveDate,
    pub cancelled: bool,
}

/// What a command may need to know about an input item.
#[derive(Debug, Clone, PartialEq)]
pub struct InputItemFacts {
    pub id: Uuid,
    pub organisation: OdsCode,
    /// The partner the item is currently referred to, if its latest decision is a referral.
    pub referred_to: Option<OdsCode>,
    pub raised_on: NaiveDate,
    /// Withdrawn as recorded in error or as a duplicate (and not reinstated).
    pub withdrawn: bool,
}

/// What a command may need to know about a board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardFacts {
    pub id: Uuid,
    pub organisation: OdsCode,
    pub dissolved_on: Option<NaiveDate>,
}

/// What a command may need to know about a participant.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantFacts {
    pub id: Uuid,
    pub organisation: OdsCode,
    pub erased: bool,
}

/// What a command may need to know about an appointment.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentFacts {
    pub id: Uuid,
    pub board_id: Uuid,
    pub participant_id: Uuid,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    /// The last day served, once ended.
    pub ended_on: Option<NaiveDate>,
}

impl AppointmentFacts {
    /// Whether the person held the seat on `day`.
    pub fn held_on(&self, day: NaiveDate) -> bool {
        self.term_start <= day && day <= self.term_end && self.ended_on.is_none_or(|e| day <= e)
    }
}

/// A lookup failed for a reason other than "not found" (the store could not answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the ledger could not be read")]
pub struct LookupFailed;

/// Read access to other aggregates and to today's date, for business rules that span aggregates.
#[async_trait]
pub trait Lookups: Send + Sync {
    /// Today's date, against which "not in the future" rules are checked.
    fn today(&self) -> NaiveDate;
    async fn organisation(&self, code: &OdsCode)
        -> Result<Option<OrganisationFacts>, LookupFailed>;
    async fn activity(&self, id: Uuid) -> Result<Option<ActivityFacts>, LookupFailed>;
    async fn input_item(&self, id: Uuid) -> Result<Option<InputItemFacts>, LookupFailed>;
    async fn board(&self, id: Uuid) -> Result<Option<BoardFacts>, LookupFailed>;
    async fn participant(&self, id: Uuid) -> Result<Option<ParticipantFacts>, LookupFailed>;
    async fn appointment(&self, id: Uuid) -> Result<Option<AppointmentFacts>, LookupFailed>;
    /// Every appointment (current or past) of `participant` on `board`.
    async fn appointments_of(
        &self,
        participant: Uuid,
        board: Uuid,
    ) -> Result<Vec<AppointmentFacts>, LookupFailed>;
    /// Whether the action exists (for decisions citing it).
    async fn action_exists(&self, id: Uuid) -> Result<bool, LookupFailed>;
}

/// The services every aggregate receives.
pub type Services = Arc<dyn Lookups>;
