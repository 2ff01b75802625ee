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

use super::cache::{Held, StreamCache};
use super::committer::{self, Committer, PreparedCommit, PreparedEvent, PreparedReceipt};
use super::hash::{chain_hash, HashedFields, GENESIS_HASH};
use super::sealing::{holds_plain_personal_data, Sealer};
use super::{Db, LogPosition};

/// Metadata keys the store consumes itself rather than writing into the event's metadata.
/// Sent on PostgreSQL by every transaction that appends to the log, delivered at commit.
pub const LOG_CHANNEL: &str = "pl_log";

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
    /// The committer task is gone (the service is stopping).
    #[error("the store is stopping")]
    Stopped,
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
    static CAPTURED: RefCell<Captured>;
}

/// What the store did while a command ran.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    /// What it committed.
    pub commit: Option<CommitInfo>,
    /// Whether the command's stream came from held state without reading the log (see
    /// [`LedgerStore::trusting_held_state`]): a refusal or conflict may then be the held
    /// state's doing, and the command is worth running once more.
    pub held_unread: bool,
    /// Set by the caller: the command creates its stream under an id just made for it, so it
    /// is decided on the empty state without reading the log (should the stream exist after
    /// all, the log's unique sequence refuses the commit, and `held_unread` says so).
    pub assume_new: bool,
}

/// Runs `f` and returns what the store did while it ran (cqrs-es's `execute` returns nothing,
/// yet a mutation must answer with the log position it produced). With `assume_new`, the
/// stream the command loads is taken to be new (see [`Captured::assume_new`]).
pub async fn with_commit_capture<F: Future>(assume_new: bool, f: F) -> (F::Output, Captured) {
    let captured = Captured {
        assume_new,
        ..Captured::default()
    };
    CAPTURED
        .scope(RefCell::new(captured), async move {
            let output = f.await;
            (output, CAPTURED.with(RefCell::take))
        })
        .await
}

/// Notes in the current capture scope, if any, what the store did.
fn capture(note: impl FnOnce(&mut Captured)) {
    let _ = CAPTURED.try_with(|cell| note(&mut cell.borrow_mut()));
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

    /// How many events of the stream it reflects.
    pub fn version(&self) -> i64 {
        self.version
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
    /// Recently used streams' state; none for sealed streams.
    cache: Option<Arc<StreamCache<A>>>,
    /// The database's group committer; without one, each commit is written alone.
    committer: Option<Arc<Committer>>,
    /// Whether commands use a held state as it is, without asking the log for later events.
    trust_held: bool,
    _aggregate: PhantomData<fn() -> A>,
}

impl<A> Clone for LedgerStore<A> {
    /// Another handle on the same store, sharing its cache.
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            sealer: self.sealer.clone(),
            cache: self.cache.clone(),
            committer: self.committer.clone(),
            trust_held: self.trust_held,
            _aggregate: PhantomData,
        }
    }
}

impl<A> LedgerStore<A> {
    /// A store over `db`.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            sealer: None,
            cache: Some(Arc::default()),
            committer: None,
            trust_held: false,
            _aggregate: PhantomData,
        }
    }

    /// This store, committing through `committer` together with the other stores that share it.
    pub fn committing_through(mut self, committer: Arc<Committer>) -> Self {
        self.committer = Some(committer);
        self
    }

    /// This store, letting commands decide on a held state without reading the log first.
    ///
    /// Safe because a command can only append at the version it decided on: the log's unique
    /// (stream, sequence) refuses a commit on a state another writer (another replica) has
    /// moved past, and the caller runs the command again on a fresh load (see
    /// [`Captured::held_unread`]). It saves a round trip on every command to a recently used
    /// stream. Lookups for other aggregates' rules have no such check: they use a held state
    /// only when [`super::SeenVersions`] says it is the log's.
    pub fn trusting_held_state(mut self) -> Self {
        self.trust_held = true;
        self
    }

    /// A store over `db` that seals personal fields with `sealer` (and holds no state).
    pub fn with_sealer(db: Db, sealer: Arc<dyn Sealer>) -> Self {
        Self {
            db,
            sealer: Some(sealer),
            cache: None,
            committer: None,
            trust_held: false,
            _aggregate: PhantomData,
        }
    }

    /// What `read` reads of stream `id`'s held state, without reading the log, if it is held
    /// and `current` says its version is the log's.
    pub fn peek<T>(
        &self,
        id: &str,
        current: impl FnOnce(i64) -> bool,
        read: impl FnOnce(&A) -> T,
    ) -> Option<T> {
        self.cache.as_ref()?.peek(id, current, read)
    }

    /// Holds a loaded stream's state for the next load (after a read-only use of it).
    pub fn remember(&self, context: LedgerContext<A>) {
        if let Some(cache) = &self.cache {
            cache.put(
                context.aggregate_id,
                Held {
                    version: context.version,
                    last_hash: context.last_hash,
                    aggregate: context.aggregate,
                },
            );
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
    /// The stream's events after `after`, in order.
    async fn rows(&self, aggregate_id: &str, after: i64) -> Result<Vec<StoredRow>, StoreError> {
        const SQL: &str = "SELECT sequence, payload, metadata, hash FROM events \
                           WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3 \
                           ORDER BY sequence";
        let rows = on_db!(&self.db, pool => {
            sqlx::query(SQL).bind(A::TYPE).bind(aggregate_id).bind(after).fetch_all(pool).await?
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

    /// Loads the aggregate: the state held from an earlier load, if any, brought up to date
    /// with the events after it; else the whole stream replayed.
    pub async fn load(&self, aggregate_id: &str) -> Result<LedgerContext<A>, StoreError> {
        Ok(self.load_from(aggregate_id, false, false).await?.0)
    }

    /// [`Self::load`], or with `trust_held` the held state as it is (or with `assume_new` too,
    /// the empty state if none is held), without reading the log; answers too whether it was so.
    async fn load_from(
        &self,
        aggregate_id: &str,
        trust_held: bool,
        assume_new: bool,
    ) -> Result<(LedgerContext<A>, bool), StoreError> {
        let held = self.cache.as_ref().and_then(|c| c.take(aggregate_id));
        let unread = trust_held && (held.is_some() || assume_new);
        let mut context = match held {
            Some(held) => LedgerContext {
                aggregate_id: aggregate_id.to_owned(),
                aggregate: held.aggregate,
                version: held.version,
                last_hash: held.last_hash,
            },
            None => LedgerContext {
                aggregate_id: aggregate_id.to_owned(),
                aggregate: A::default(),
                version: 0,
                last_hash: GENESIS_HASH.to_owned(),
            },
        };
        if !unread {
            for row in self.rows(aggregate_id, context.version).await? {
                let event = self.decode(aggregate_id, &row).await?;
                context.aggregate.apply(event);
                context.version = row.sequence;
                context.last_hash = row.hash;
            }
        }
        Ok((context, unread))
    }

    async fn append(
        &self,
        events: &[A::Event],
        context: &LedgerContext<A>,
        mut metadata: HashMap<String, String>,
    ) -> Result<(Vec<EventEnvelope<A>>, Option<(CommitInfo, String)>), StoreError> {
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
            prepared.push(PreparedEvent {
                aggregate_type: A::TYPE,
                aggregate_id: context.aggregate_id.clone(),
                sequence,
                event_type,
                event_version,
                payload,
                metadata: metadata_text.clone(),
                recorded_at,
                recorded_text: recorded_text.clone(),
                prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
                hash,
            });
        }

        let commit = PreparedCommit {
            events: prepared,
            receipt: idempotency_key.map(|key| PreparedReceipt {
                subject,
                key,
                request_hash,
            }),
        };
        let envelopes = commit
            .events
            .iter()
            .zip(events)
            .map(|(written, event)| EventEnvelope {
                aggregate_id: context.aggregate_id.clone(),
                sequence: written.sequence as usize,
                payload: event.clone(),
                metadata: metadata.clone(),
            })
            .collect();
        let last = match &self.committer {
            Some(committer) => committer.commit(commit).await?,
            None => committer::write(&self.db, &[&commit], committer::Origin::UNKNOWN).await?[0],
        };

        let info = CommitInfo {
            aggregate_type: A::TYPE,
            aggregate_id: context.aggregate_id.clone(),
            last,
            events: events.len(),
        };
        Ok((envelopes, Some((info, prev_hash))))
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
        let rows = self
            .rows(aggregate_id, 0)
            .await
            .map_err(to_aggregate_error)?;
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
        let assume_new = CAPTURED
            .try_with(|c| c.borrow().assume_new)
            .unwrap_or(false);
        let (context, unread) = self
            .load_from(aggregate_id, self.trust_held, assume_new)
            .await
            .map_err(to_aggregate_error)?;
        if unread {
            capture(|c| c.held_unread = true);
        }
        Ok(context)
    }

    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: Self::AC,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        match self.append(&events, &context, metadata).await {
            Ok((envelopes, committed)) => {
                let mut context = context;
                if let Some((info, last_hash)) = committed {
                    capture(|c| c.commit = Some(info));
                    // The sink applied each event to the context's aggregate as it was
                    // written, so it now holds the state after them.
                    context.version += events.len() as i64;
                    context.last_hash = last_hash;
                }
                self.remember(context);
                Ok(envelopes)
            }
            Err(error) if is_stream_conflict(&error) => Err(AggregateError::AggregateConflict),
            Err(error) => Err(to_aggregate_error(error)),
        }
    }
}
