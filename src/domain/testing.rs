//! In-memory [`Lookups`] for aggregate tests, with a fixed "today" of 2026-06-30.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::common::{OdsCode, OrganisationKind};
use crate::domain::correction::{Correction, CorrectionCategory};
use crate::domain::services::{
    ActivityFacts, AppointmentFacts, BoardFacts, InputItemFacts, LookupFailed, Lookups,
    OrganisationFacts, ParticipantFacts, Services,
};

/// The date every fake considers to be today.
pub fn today() -> NaiveDate {
    day("2026-06-30")
}

/// A date from `YYYY-MM-DD` text; panics on bad input (tests only).
pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date must be YYYY-MM-DD")
}

/// A correction's reason.
pub fn because(category: CorrectionCategory, detail: &str) -> Correction {
    Correction {
        category,
        detail: detail.to_owned(),
    }
}

/// An ODS code from text; panics on bad input (tests only).
pub fn ods(code: &str) -> OdsCode {
    OdsCode::parse("odsCode", code).expect("test ODS code must be valid")
}

/// Lookups answered from maps filled by a builder.
#[derive(Debug, Clone, Default)]
pub struct FakeLookups {
    organisations: HashMap<OdsCode, OrganisationFacts>,
    activities: HashMap<Uuid, ActivityFacts>,
    input_items: HashMap<Uuid, InputItemFacts>,
    boards: HashMap<Uuid, BoardFacts>,
    participants: HashMap<Uuid, ParticipantFacts>,
    appointments: HashMap<Uuid, AppointmentFacts>,
    actions: Vec<Uuid>,
    failing: bool,
}

impl FakeLookups {
    /// Knows nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a registered organisation with the default 60-day response window.
    pub fn with_organisation(mut self, code: &str) -> Self {
        let ods_code = ods(code);
        let facts = OrganisationFacts {
            ods_code: ods_code.clone(),
            kind: OrganisationKind::NhsTrust,
            response_window_days: 60,
        };
        self.organisations.insert(ods_code, facts);
        self
    }

    /// Adds a registered integrated care board.
    pub fn with_icb(mut self, code: &str) -> Self {
        let ods_code = ods(code);
        let facts = OrganisationFacts {
            ods_code: ods_code.clone(),
            kind: OrganisationKind::IntegratedCareBoard,
            response_window_days: 60,
        };
        self.organisations.insert(ods_code, facts);
        self
    }

    /// Adds an activity.
    pub fn with_activity(mut self, facts: ActivityFacts) -> Self {
        self.activities.insert(facts.id, facts);
        self
    }

    /// Adds an input item.
    pub fn with_input_item(mut self, facts: InputItemFacts) -> Self {
        self.input_items.insert(facts.id, facts);
        self
    }

    /// Adds a board.
    pub fn with_board(mut self, facts: BoardFacts) -> Self {
        self.boards.insert(facts.id, facts);
        self
    }

    /// Adds a participant.
    pub fn with_participant(mut self, facts: ParticipantFacts) -> Self {
        self.participants.insert(facts.id, facts);
        self
    }

    /// Adds an appointment.
    pub fn with_appointment(mut self, facts: AppointmentFacts) -> Self {
        self.appointments.insert(facts.id, facts);
        self
    }

    /// Adds an action, known only by its id.
    pub fn with_action(mut self, id: Uuid) -> Self {
        self.actions.push(id);
        self
    }

    /// Makes every lookup fail as if the store could not be read.
    pub fn failing(mut self) -> Self {
        self.failing = true;
        self
    }

    /// The services to hand to a `TestFramework`.
    pub fn build(self) -> Services {
        Arc::new(self)
    }

    fn answer<T: Clone>(&self, found: Option<&T>) -> Result<Option<T>, LookupFailed> {
        if self.failing {
            return Err(LookupFailed);
        }
        Ok(found.cloned())
    }
}

#[async_trait]
impl Lookups for FakeLookups {
    fn today(&self) -> NaiveDate {
        today()
    }

    async fn organisation(
        &self,
        code: &OdsCode,
    ) -> Result<Option<OrganisationFacts>, LookupFailed> {
        self.answer(self.organisations.get(code))
    }

    async fn activity(&self, id: Uuid) -> Result<Option<ActivityFacts>, LookupFailed> {
        self.answer(self.activities.get(&id))
    }

    async fn input_item(&self, id: Uuid) -> Result<Option<InputItemFacts>, LookupFailed> {
        self.answer(self.input_items.get(&id))
    }

    async fn board(&self, id: Uuid) -> Result<Option<BoardFacts>, LookupFailed> {
        self.answer(self.boards.get(&id))
    }

    async fn participant(&self, id: Uuid) -> Result<Option<ParticipantFacts>, LookupFailed> {
        self.answer(self.participants.get(&id))
    }

    async fn appointment(&self, id: Uuid) -> Result<Option<AppointmentFacts>, LookupFailed> {
        self.answer(self.appointments.get(&id))
    }

    async fn appointments_of(
        &self,
        participant: Uuid,
        board: Uuid,
    ) -> Result<Vec<AppointmentFacts>, LookupFailed> {
        if self.failing {
            return Err(LookupFailed);
        }
        let mut found: Vec<AppointmentFacts> = self
            .appointments
            .values()
            .filter(|a| a.participant_id == participant && a.board_id == board)
            .cloned()
            .collect();
        found.sort_by_key(|a| (a.term_start, a.id));
        Ok(found)
    }

    async fn action_exists(&self, id: Uuid) -> Result<bool, LookupFailed> {
        if self.failing {
            return Err(LookupFailed);
        }
        Ok(self.actions.contains(&id))
    }
}
