//! What a view is: for one aggregate type, its document, how each event changes it, its rows and
//! tables, and what a written document touches in the caches of answers built from the views.
//! Each view is a file under `views/`; the list there drives everything that goes over them.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::write::{Rows, Table};
use crate::domain::common::Happened;

/// The document of one aggregate's records as the views hold it, and how it is kept.
pub trait View:
    Clone + std::fmt::Debug + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// The aggregate whose streams it follows.
    type Aggregate: cqrs_es::Aggregate<Event = Self::Event>;
    /// The aggregate's events, as stored in the log.
    type Event: DeserializeOwned + Happened;
    /// The aggregate type, as the log names its streams.
    const AGGREGATE: &'static str = <Self::Aggregate as cqrs_es::Aggregate>::TYPE;
    /// The tables it writes: the documents' own table first, then any of rows it owns.
    const TABLES: &'static [&'static Table];
    /// The key column of its own table.
    const KEY: &'static str = "id";
    /// What its own table answers for the log position that created a row.
    const CREATED: &'static str = "log_position";
    /// Aggregate types whose streams belong to the same record (same id, same organisation).
    const ALSO: &'static [&'static str] = &[];
    /// The columns of its own table naming the organisations a record belongs to: its owner,
    /// and another that may also read it (or `NULL`).
    const OWNERS: &'static str = "organisation, NULL";

    /// The document after `event`, given the one before (none before its first event).
    fn apply(
        doc: Option<Self>,
        id: &str,
        event: Self::Event,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder>;

    /// Adds the document's rows to a batch, created at log position `created`; the document
    /// is then written, as far as it knows.
    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()>;

    /// Notes what the written document touches, for the kept answers (see `kept`): nothing,
    /// unless answers are built from it.
    fn touches(&self, _touched: &mut HashSet<Dep>) {}

    /// The day the event stored as `payload` happened, where it says.
    fn happened_on(payload: &str) -> Option<NaiveDate> {
        serde_json::from_str::<Self::Event>(payload)
            .ok()?
            .happened_on()
    }
}

/// What a kept answer depends on, and what a written document touches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dep {
    /// Input items owned by or referred to an organisation.
    ItemsOf(String),
    /// Any input item (an answer over every organisation).
    AnyItem,
    /// One record: an input item, action or activity by id, an organisation by code.
    Record(String),
    /// The activities an organisation leads (one planned, changed or put on its public page).
    ActivitiesOf(String),
}

/// An event applied to a document that does not exist yet (or the wrong way round) means the
/// log and the projection disagree: the projector stops rather than guess.
#[derive(Debug, thiserror::Error)]
#[error("{event} for {aggregate} {id} arrived before the record was created")]
pub struct OutOfOrder {
    pub event: &'static str,
    pub aggregate: &'static str,
    pub id: String,
}

/// An [`OutOfOrder`] failure.
pub fn missing<T>(event: &'static str, aggregate: &'static str, id: &str) -> Result<T, OutOfOrder> {
    Err(OutOfOrder {
        event,
        aggregate,
        id: id.to_owned(),
    })
}
