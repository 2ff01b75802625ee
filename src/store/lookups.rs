//! [`Lookups`] answered from the event log itself, so cross-aggregate rules see every committed
//! write, never a lagging projection.

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
    ActivityFacts, InputItemFacts, LookupFailed, Lookups, OrganisationFacts,
};

/// Lookups over the event store.
#[derive(Clone)]
pub struct StoreLookups {
    db: Db,
}

impl StoreLookups {
    /// Lookups reading from `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// The owner organisation of an action, if it exists.
    pub async fn action_owner(&self, id: Uuid) -> Result<Option<OdsCode>, LookupFailed> {
        let context = LedgerStore::<Action>::new(self.db.clone())
            .load(&id.to_string())
            .await
            .map_err(|_| LookupFailed)?;
        Ok(context.state().owner().cloned())
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
        let context = LedgerStore::<Organisation>::new(self.db.clone())
            .load(code.as_str())
            .await
            .map_err(|_| LookupFailed)?;
        Ok(context.state().facts())
    }

    async fn activity(&self, id: Uuid) -> Result<Option<ActivityFacts>, LookupFailed> {
        let context = LedgerStore::<Activity>::new(self.db.clone())
            .load(&id.to_string())
            .await
            .map_err(|_| LookupFailed)?;
        Ok(context.state().facts())
    }

    async fn input_item(&self, id: Uuid) -> Result<Option<InputItemFacts>, LookupFailed> {
        let context = LedgerStore::<InputItem>::new(self.db.clone())
            .load(&id.to_string())
            .await
            .map_err(|_| LookupFailed)?;
        Ok(context.state().facts())
    }
}
