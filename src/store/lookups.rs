//! [`Lookups`] for cross-aggregate rules. Aggregates are answered from the event log itself, so
//! rules see every committed write; boards, appointments and participants' status come from the
//! views, which every mutation waits for before it answers (a rule can miss a write only while
//! that write's own request is still in flight).

use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::{Db, LedgerStore};
use crate::domain::action::Action;
use crate::domain::activity::Activity;
use crate::domain::common::OdsCode;
use crate::domain::input_item::InputItem;
use crate::domain::organisation::Organisation;
use crate::domain::services::{
    ActivityFacts, AppointmentFacts, BoardFacts, InputItemFacts, LookupFailed, Lookups,
    OrganisationFacts, ParticipantFacts,
};
use crate::projections::{board_read, read};

/// Lookups over the event store.
#[derive(Clone)]
pub struct StoreLookups {
    db: Db,
    organisations: LedgerStore<Organisation>,
    activities: LedgerStore<Activity>,
    input_items: LedgerStore<InputItem>,
    actions: LedgerStore<Action>,
}

/// Loads stream `id` from `store`, answers with what `facts` reads of it, and holds the
/// state for the next lookup.
async fn facts_of<A: cqrs_es::Aggregate, T>(
    store: &LedgerStore<A>,
    id: &str,
    facts: impl FnOnce(&A) -> T,
) -> Result<T, LookupFailed> {
    let context = store.load(id).await.map_err(|_| LookupFailed)?;
    let answer = facts(context.state());
    store.remember(context);
    Ok(answer)
}

impl StoreLookups {
    /// Lookups reading from `db`, each kind of stream with its own held states.
    pub fn new(db: Db) -> Self {
        Self {
            organisations: LedgerStore::new(db.clone()),
            activities: LedgerStore::new(db.clone()),
            input_items: LedgerStore::new(db.clone()),
            actions: LedgerStore::new(db.clone()),
            db,
        }
    }

    /// The owner organisation of an action, if it exists.
    pub async fn action_owner(&self, id: Uuid) -> Result<Option<OdsCode>, LookupFailed> {
        facts_of(&self.actions, &id.to_string(), |a| a.owner().cloned()).await
    }
}

#[async_trait]
impl Lookups for StoreLookups {
    fn today(&self) -> NaiveDate {
        Utc::now().date_naive()
    }

    async fn organisation(
        &self,
        code: &OdsCode,
    ) -> Result<Option<OrganisationFacts>, LookupFailed> {
        facts_of(&self.organisations, code.as_str(), Organisation::facts).await
    }

    async fn activity(&self, id: Uuid) -> Result<Option<ActivityFacts>, LookupFailed> {
        facts_of(&self.activities, &id.to_string(), Activity::facts).await
    }

    async fn board(&self, id: Uuid) -> Result<Option<BoardFacts>, LookupFailed> {
        let doc = board_read::board(&self.db, id)
            .await
            .map_err(|_| LookupFailed)?;
        Ok(doc.map(|b| BoardFacts {
            id: b.id,
            organisation: b.organisation,
            dissolved_on: b.dissolved_on,
        }))
    }

    async fn participant(&self, id: Uuid) -> Result<Option<ParticipantFacts>, LookupFailed> {
        // The projected record, which holds no personal data: no key is needed to check a rule.
        let doc = read::participant(&self.db, id)
            .await
            .map_err(|_| LookupFailed)?;
        Ok(doc.map(|(p, _)| ParticipantFacts {
            id: p.id,
            organisation: p.organisation,
            erased: p.erasure.is_some(),
        }))
    }

    async fn appointment(&self, id: Uuid) -> Result<Option<AppointmentFacts>, LookupFailed> {
        let doc = board_read::appointment(&self.db, id)
            .await
            .map_err(|_| LookupFailed)?;
        Ok(doc.map(|a| a.facts()))
    }

    async fn appointments_of(
        &self,
        participant: Uuid,
        board: Uuid,
    ) -> Result<Vec<AppointmentFacts>, LookupFailed> {
        let docs = board_read::appointments_of(&self.db, participant)
            .await
            .map_err(|_| LookupFailed)?;
        Ok(docs
            .into_iter()
            .filter(|a| a.board_id == board)
            .map(|a| a.facts())
            .collect())
    }

    async fn action_exists(&self, id: Uuid) -> Result<bool, LookupFailed> {
        Ok(self.action_owner(id).await?.is_some())
    }

    async fn input_item(&self, id: Uuid) -> Result<Option<InputItemFacts>, LookupFailed> {
        facts_of(&self.input_items, &id.to_string(), InputItem::facts).await
    }
}
