//! [`Lookups`] for cross-aggregate rules, and for the API's checks of what a caller may name.
//! Aggregates are answered from the event log itself (or from a held state known to be the
//! log's, see [`SeenVersions`]), so rules see every committed write; boards, appointments and
//! participants' status come from the views, which every mutation waits for before it answers
//! (a rule can miss a write only while that write's own request is still in flight).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use crate::cache::{Caching, SeenVersions};
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
use crate::store::{stream_key, Db, LedgerStore};

/// Lookups over the event store and the views.
#[derive(Clone)]
pub struct LedgerLookups {
    db: Db,
    organisations: LedgerStore<Organisation>,
    activities: LedgerStore<Activity>,
    input_items: LedgerStore<InputItem>,
    actions: LedgerStore<Action>,
    /// What this replica knows of the log's streams, when it runs the projector.
    seen: Option<Arc<SeenVersions>>,
}

impl LedgerLookups {
    /// Lookups reading from `db`, each kind of stream with its own held states (unless
    /// `caching` is off).
    pub fn new(db: Db, caching: Caching) -> Self {
        Self {
            organisations: LedgerStore::new(db.clone(), caching),
            activities: LedgerStore::new(db.clone(), caching),
            input_items: LedgerStore::new(db.clone(), caching),
            actions: LedgerStore::new(db.clone(), caching),
            db,
            seen: None,
        }
    }

    /// These lookups, answering from held states that `seen` says are the log's, without a
    /// read (see [`SeenVersions`]).
    pub fn trusting(mut self, seen: Arc<SeenVersions>) -> Self {
        self.seen = Some(seen);
        self
    }

    /// The stores the lookups read, whose held states commands may share.
    pub fn stores(
        &self,
    ) -> (
        LedgerStore<Organisation>,
        LedgerStore<Activity>,
        LedgerStore<InputItem>,
        LedgerStore<Action>,
    ) {
        (
            self.organisations.clone(),
            self.activities.clone(),
            self.input_items.clone(),
            self.actions.clone(),
        )
    }

    /// What `facts` reads of stream `id` of `store`: from its held state when that is known to
    /// be the log's, else loaded (only the events after the held state are read) and held for
    /// the next lookup.
    async fn facts_of<A: cqrs_es::Aggregate, T>(
        &self,
        store: &LedgerStore<A>,
        id: &str,
        facts: impl Fn(&A) -> T,
    ) -> Result<T, LookupFailed> {
        let key = stream_key(A::TYPE, id);
        if let Some(seen) = &self.seen {
            let held = store.peek(id, |version| seen.is_current(&key, version), &facts);
            if let Some(answer) = held {
                return Ok(answer);
            }
        }
        // Asked before the read, so a read begun before this replica took the projector on
        // notes nothing.
        let epoch = self
            .seen
            .as_ref()
            .and_then(|seen| Some((seen, seen.epoch()?)));
        let context = store.load(id).await.map_err(|_| LookupFailed)?;
        let answer = facts(context.state());
        if let Some((seen, epoch)) = epoch {
            seen.read_from_log(epoch, &key, context.version());
        }
        store.remember(context);
        Ok(answer)
    }

    /// The owner organisation of an action, if it exists.
    pub async fn action_owner(&self, id: Uuid) -> Result<Option<OdsCode>, LookupFailed> {
        self.facts_of(&self.actions, &id.to_string(), |a| a.owner().cloned())
            .await
    }
}

#[async_trait]
impl Lookups for LedgerLookups {
    fn today(&self) -> NaiveDate {
        Utc::now().date_naive()
    }

    async fn organisation(
        &self,
        code: &OdsCode,
    ) -> Result<Option<OrganisationFacts>, LookupFailed> {
        self.facts_of(&self.organisations, code.as_str(), Organisation::facts)
            .await
    }

    async fn activity(&self, id: Uuid) -> Result<Option<ActivityFacts>, LookupFailed> {
        self.facts_of(&self.activities, &id.to_string(), Activity::facts)
            .await
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
        self.facts_of(&self.input_items, &id.to_string(), InputItem::facts)
            .await
    }
}
