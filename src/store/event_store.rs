//! The cqrs-es event store over our own `events` table: global position, commit-order
//! transaction id on PostgreSQL, metadata, hash chain, and idempotency receipts written in the
//! same transaction as the events they answer for.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use cqrs_es::{
    Aggregate, AggregateContext, AggregateError, DomainEvent, EventEnvelope, EventStore,
};
use sqlx::Row;

use super::hash::{chain_hash, HashedFields, GENESIS_HASH};
use super::sealing::{holds_plain_personal_data, Sealer};
use super::{Db, LogPosition};

/// Metadata keys the store consumes itself rather than writing into the event's metadata.
/// Sent on PostgreSQL by every transaction that appends to the log, delivered at commit.
pub const LOG_CHANNEL: &str = "pl_log";
const LOG_NOTIFY: &str = "SELECT pg_notify('pl_log', '')";

pub mod keys {
    /// The client-supplied idempotency key.
    pub const IDEMPOTENCY_KEY: &str = "idempotency.key";
    /// A hash of the request the key was first used for.
    pub const REQUEST_HASH: &str = "idempotency.request_hash";
    /// The actor subject, also written to the event metadata.
    pub const ACTOR_SUBJECT: &str = "actor.subject";
}

/// Failures of the store that are not conflicts on the stream itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another request with the same idempotency key committed first.
    #[error("idempotency key already used")]
    DuplicateIdempotencyKey,
    /// The database refused or failed.
    #[error("database failure: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored event could not be read back.
    #[error("stored event could not be decoded: {0}")]
    Decode(#[from] serde_json::Error),
    /// Personal fields could not be sealed or opened (the message holds no personal data).
    #[error("personal data could not be sealed or opened: {0}")]
    Sealing(String),
    /// An event still held plain personal data when it was about to be written.
    #[error("refused to write an event holding unsealed personal data")]
    Unsealed,
}

/// What one commit wrote: where its last event sits in the log.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub last: LogPosition,
    pub events: usize,
}

tokio::task_local! {
    static LAST_COMMIT: RefCell<Option<CommitInfo>>;
}

/// Runs `f` and returns what the store committed while it ran (cqrs-es's `execute` returns
/// nothing, yet a mutation must answer with the log position it produced).
pub async fn with_commit_capture<F: Future>(f: F) -> (F::Output, Option<CommitInfo>) {
    LAST_COMMIT
        .scope(RefCell::new(None), async move {
            let output = f.await;
            (output, take_last_commit())
        })
        .await
}

/// Takes the commit recorded in the current capture scope, if any.
pub fn take_last_commit() -> Option<CommitInfo> {
    LAST_COMMIT
        .try_with(|cell| cell.borrow_mut().take())
        .ok()
        .flatten()
}

/// The loaded state of one aggregate, with what the next commit needs to chain onto it.
pub struct LedgerContext<A> {
    aggregate_id: String,
    aggregate: A,
    version: i64,
    last_hash: String,
}

impl<A: Aggregate> AggregateContext<A> for LedgerContext<A> {
    fn aggregate(&mut self) -> &mut A {
        &mut self.aggregate
    }
}

impl<A> LedgerContext<A> {
    /// The loaded aggregate, read-only.
    pub fn state(&self) -> &A {
        &self.aggregate
    }

    /// The loaded aggregate.
    pub fn into_state(self) -> A {
        self.aggregate
    }
}

/// The event store for aggregate `A`.
pub struct LedgerStore<A> {
    db: Db,
    sealer: Option<Arc<dyn Sealer>>,
    _aggregate: PhantomData<fn() -> A>,
}

impl<A> LedgerStore<A> {
    /// A store over `db`.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            sealer: None,
            _aggregate: PhantomData,
        }
    }

    /// A store over `db` that seals personal fields with `sealer`.
    pub fn with_sealer(db: Db, sealer: Arc<dyn Sealer>) -> Self {
        Self {
            db,
            sealer: Some(sealer),
            _aggregate: PhantomData,
        }
    }
}

fn to_aggregate_error<E: std::error::Error>(error: StoreError) -> AggregateError<E> {
    match error {
        StoreError::Database(e) => AggregateError::DatabaseConnectionError(Box::new(e)),
        StoreError::Decode(e) => AggregateError::DeserializationError(Box::new(e)),
        other => AggregateError::UnexpectedError(Box::new(other)),
    }
}

/// The canonical text form of `recorded_at` that the hash covers.
pub fn format_recorded_at(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

struct StoredRow {
    sequence: i64,
    payload: String,
    metadata: String,
    hash: String,
}

impl<A: Aggregate> LedgerStore<A> {
    async fn rows(&self, aggregate_id: &str) -> Result<Vec<StoredRow>, StoreError> {
        const SQL: &str = "SELECT sequence, payload, metadata, hash FROM events \
                           WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence";
        let rows = on_db!(&self.db, pool => {
            sqlx::query(SQL).bind(A::TYPE).bind(aggregate_id).fetch_all(pool).await?
                .into_iter()
                .map(|r| StoredRow { sequence: r.get(0), payload: r.get(1), metadata: r.get(2), hash: r.get(3) })
                .collect::<Vec<_>>()
        });
        Ok(rows)
    }

    async fn decode(&self, aggregate_id: &str, row: &StoredRow) -> Result<A::Event, StoreError> {
        match &self.sealer {
            None => Ok(serde_json::from_str(&row.payload)?),
            Some(sealer) => {
                let mut value: serde_json::Value = serde_json::from_str(&row.payload)?;
                sealer
                    .open(A::TYPE, aggregate_id, row.sequence, &mut value)
                    .await?;
                Ok(serde_json::from_value(value)?)
            }
        }
    }

    async fn encode(
        &self,
        aggregate_id: &str,
        sequence: i64,
        event: &A::Event,
    ) -> Result<String, StoreError> {
        let payload = match &self.sealer {
            None => serde_json::to_string(event)?,
            Some(sealer) => {
                let mut value = serde_json::to_value(event)?;
                sealer
                    .seal(A::TYPE, aggregate_id, sequence, &mut value)
                    .await?;
                value.to_string()
            }
        };
        if holds_plain_personal_data(&payload) {
            return Err(StoreError::Unsealed);
        }
        Ok(payload)
    }

    /// Loads the aggregate by replaying its stream.
    pub async fn load(&self, aggregate_id: &str) -> Result<LedgerContext<A>, StoreError> {
        let mut context = LedgerContext {
            aggregate_id: aggregate_id.to_owned(),
            aggregate: A::default(),
            version: 0,
            last_hash: GENESIS_HASH.to_owned(),
        };
        for row in self.rows(aggregate_id).await? {
            let event = self.decode(aggregate_id, &row).await?;
            context.aggregate.apply(event);
            context.version = row.sequence;
            context.last_hash = row.hash;
        }
        Ok(context)
    }

    async fn append(
        &self,
        events: &[A::Event],
        context: &LedgerContext<A>,
        mut metadata: HashMap<String, String>,
    ) -> Result<(Vec<EventEnvelope<A>>, Option<CommitInfo>), StoreError> {
        if events.is_empty() {
            return Ok((Vec::new(), None));
        }
        let idempotency_key = metadata.remove(keys::IDEMPOTENCY_KEY);
        let request_hash = metadata.remove(keys::REQUEST_HASH).unwrap_or_default();
        let subject = metadata
            .get(keys::ACTOR_SUBJECT)
            .cloned()
            .unwrap_or_default();
        let stored_metadata: BTreeMap<_, _> = metadata.iter().collect();
        let metadata_text = serde_json::to_string(&stored_metadata)?;
        let recorded_at = Utc::now().trunc_subsecs(6);
        let recorded_text = format_recorded_at(&recorded_at);

        let mut prev_hash = context.last_hash.clone();
        let mut prepared = Vec::with_capacity(events.len());
        for (offset, event) in events.iter().enumerate() {
            let sequence = context.version + 1 + offset as i64;
            let payload = self.encode(&context.aggregate_id, sequence, event).await?;
            let event_type = event.event_type();
            let event_version = event.event_version();
            let hash = chain_hash(&HashedFields {
                prev_hash: &prev_hash,
                aggregate_type: A::TYPE,
                aggregate_id: &context.aggregate_id,
                sequence,
                event_type: &event_type,
                event_version: &event_version,
                recorded_at: &recorded_text,
                metadata: &metadata_text,
                payload: &payload,
            });
            prepared.push((
                sequence,
                event_type,
                event_version,
                payload,
                prev_hash,
                hash.clone(),
            ));
            prev_hash = hash;
        }

        // The same statements on both backends; they differ in how `recorded_at` is bound and
        // in PostgreSQL also returning the writing transaction, for commit-order reading.
        macro_rules! write_in_transaction {
            ($pool:expr, $returning:literal, $recorded_at:expr, $read_tx:expr, $notify:expr) => {{
                let mut tx = $pool.begin().await?;
                let mut last = LogPosition::default();
                for (sequence, event_type, event_version, payload, prev, hash) in &prepared {
                    let row = sqlx::query(concat!(
                        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, \
                         event_version, payload, metadata, recorded_at, prev_hash, hash) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ",
                        $returning
                    ))
                    .bind(A::TYPE)
                    .bind(&context.aggregate_id)
                    .bind(sequence)
                    .bind(event_type)
                    .bind(event_version)
                    .bind(payload)
                    .bind(&metadata_text)
                    .bind($recorded_at)
                    .bind(prev)
                    .bind(hash)
                    .fetch_one(&mut *tx)
                    .await?;
                    last = LogPosition { tx: $read_tx(&row), position: row.get(0) };
                }
                if let Some(key) = &idempotency_key {
                    let inserted = sqlx::query(
                        "INSERT INTO command_receipts (actor_subject, idempotency_key, request_hash, \
                         aggregate_type, aggregate_id, log_tx, log_position, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&subject)
                    .bind(key)
                    .bind(&request_hash)
                    .bind(A::TYPE)
                    .bind(&context.aggregate_id)
                    .bind(last.tx)
                    .bind(last.position)
                    .bind($recorded_at)
                    .execute(&mut *tx)
                    .await;
                    match inserted {
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                            return Err(StoreError::DuplicateIdempotencyKey)
                        }
                        other => other?,
                    };
                }
                // Other replicas' projectors wake on this once the transaction commits.
                if let Some(notify) = $notify {
                    sqlx::query(notify).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                last
            }};
        }
        let last = match &self.db {
            Db::Postgres(pool) => write_in_transaction!(
                pool,
                "position, transaction_id::text",
                recorded_at,
                |row: &sqlx::postgres::PgRow| row
                    .get::<String, _>(1)
                    .parse::<i64>()
                    .unwrap_or(i64::MAX),
                Some(LOG_NOTIFY)
            ),
            Db::Sqlite(pool) => {
                write_in_transaction!(
                    pool,
                    "position",
                    &recorded_text,
                    |_: &sqlx::sqlite::SqliteRow| 0,
                    None::<&str>
                )
            }
        };

        let envelopes = prepared
            .iter()
            .zip(events)
            .map(|((sequence, ..), event)| EventEnvelope {
                aggregate_id: context.aggregate_id.clone(),
                sequence: *sequence as usize,
                payload: event.clone(),
                metadata: metadata.clone(),
            })
            .collect();
        let info = CommitInfo {
            aggregate_type: A::TYPE,
            aggregate_id: context.aggregate_id.clone(),
            last,
            events: events.len(),
        };
        Ok((envelopes, Some(info)))
    }
}

fn is_stream_conflict(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
}

impl<A: Aggregate> EventStore<A> for LedgerStore<A> {
    type AC = LedgerContext<A>;

    async fn load_events(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        let rows = self.rows(aggregate_id).await.map_err(to_aggregate_error)?;
        let mut envelopes = Vec::with_capacity(rows.len());
        for row in rows {
            let payload = self
                .decode(aggregate_id, &row)
                .await
                .map_err(to_aggregate_error)?;
            let metadata =
                serde_json::from_str(&row.metadata).map_err(|e| to_aggregate_error(e.into()))?;
            envelopes.push(EventEnvelope {
                aggregate_id: aggregate_id.to_owned(),
                sequence: row.sequence as usize,
                payload,
                metadata,
            });
        }
        Ok(envelopes)
    }

    async fn load_aggregate(
        &self,
        aggregate_id: &str,
    ) -> Result<Self::AC, AggregateError<A::Error>> {
        self.load(aggregate_id).await.map_err(to_aggregate_error)
    }

    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: Self::AC,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        match self.append(&events, &context, metadata).await {
            Ok((envelopes, info)) => {
                if let Some(info) = info {
                    let _ = LAST_COMMIT.try_with(|cell| *cell.borrow_mut() = Some(info));
                }
                Ok(envelopes)
            }
            Err(error) if is_stream_conflict(&error) => Err(AggregateError::AggregateConflict),
            Err(error) => Err(to_aggregate_error(error)),
        }
    }
}
