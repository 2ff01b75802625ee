//! The event store of each aggregate over our own `events` table: global position,
//! commit-order transaction id on PostgreSQL, metadata, hash chain, and idempotency receipts
//! written in the same transaction as the events they answer for.
//!
//! It offers the two steps of cqrs-es's `EventStore` that a command needs, loading a stream's
//! state ([`LedgerStore::load_for_command`]) and appending what the command decided after it
//! ([`LedgerStore::commit_command`]), with what cqrs-es's trait cannot say: whether the state
//! came from memory unread, and where the commit landed in the log. The application layer
//! (the ledger) runs the aggregate's `handle` between the two.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use cqrs_es::{Aggregate, DomainEvent};
use sqlx::Row;

use super::committer::{self, Committer, PreparedCommit, PreparedEvent, PreparedReceipt};
use super::error::StoreError;
use super::hash::{chain_hash, HashedFields, GENESIS_HASH};
use super::sealing::{holds_plain_personal_data, Sealer};
use super::{Db, LogPosition};
use crate::cache::{Caching, Held, StreamCache};

/// Sent on PostgreSQL by every transaction that appends to the log, delivered at commit.
pub const LOG_CHANNEL: &str = "pl_log";

/// Metadata keys the store consumes itself rather than writing into the event's metadata.
pub mod keys {
    /// The client-supplied idempotency key.
    pub const IDEMPOTENCY_KEY: &str = "idempotency.key";
    /// A hash of the request the key was first used for.
    pub const REQUEST_HASH: &str = "idempotency.request_hash";
    /// The actor subject, also written to the event metadata.
    pub const ACTOR_SUBJECT: &str = "actor.subject";
}

/// What one commit wrote: where its last event sits in the log.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub last: LogPosition,
    pub events: usize,
}

/// The loaded state of one aggregate, with what the next commit needs to chain onto it.
pub struct LedgerContext<A> {
    aggregate_id: String,
    aggregate: A,
    version: i64,
    last_hash: String,
    /// Taken from held state (or assumed new) without reading the log.
    held_unread: bool,
}

impl<A> LedgerContext<A> {
    /// The loaded aggregate, read-only.
    pub fn state(&self) -> &A {
        &self.aggregate
    }

    /// The loaded aggregate, for a command to decide on (its events are applied to it as the
    /// command writes them).
    pub fn state_mut(&mut self) -> &mut A {
        &mut self.aggregate
    }

    /// Whether the state came from held memory (or was assumed new) without reading the log
    /// (see [`LedgerStore::trusting_held_state`]): a refusal or conflict may then be the held
    /// state's doing, and the command is worth running once more on a fresh load.
    pub fn held_unread(&self) -> bool {
        self.held_unread
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
    /// A store over `db`, holding recently used streams' state unless `caching` is off.
    pub fn new(db: Db, caching: Caching) -> Self {
        Self {
            db,
            sealer: None,
            cache: (caching == Caching::On).then(|| Arc::new(StreamCache::new(caching))),
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
    /// [`LedgerContext::held_unread`]). It saves a round trip on every command to a recently used
    /// stream. Lookups for other aggregates' rules have no such check: they use a held state
    /// only when [`crate::cache::SeenVersions`] says it is the log's.
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

/// The canonical text form of `recorded_at` that the hash covers.
pub fn format_recorded_at(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

struct StoredRow {
    sequence: i64,
    payload: String,
    hash: String,
}

impl<A: Aggregate> LedgerStore<A> {
    /// The stream's events after `after`, in order.
    async fn rows(&self, aggregate_id: &str, after: i64) -> Result<Vec<StoredRow>, StoreError> {
        const SQL: &str = "SELECT sequence, payload, hash FROM events \
                           WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3 \
                           ORDER BY sequence";
        let rows = on_db!(&self.db, pool => {
            sqlx::query(SQL).bind(A::TYPE).bind(aggregate_id).bind(after).fetch_all(pool).await?
                .into_iter()
                .map(|r| StoredRow { sequence: r.get(0), payload: r.get(1), hash: r.get(2) })
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
        self.load_from(aggregate_id, false, false).await
    }

    /// Loads the aggregate for a command to decide on: as [`Self::load`], but on a store
    /// [trusting held state](Self::trusting_held_state) the held state as it is, and with
    /// `new_record` (the command creates its stream under an id just made for it) the empty
    /// state if none is held, without reading the log. Should the stream exist after all, the
    /// log's unique sequence refuses the commit, and [`LedgerContext::held_unread`] says so.
    pub async fn load_for_command(
        &self,
        aggregate_id: &str,
        new_record: bool,
    ) -> Result<LedgerContext<A>, StoreError> {
        self.load_from(aggregate_id, self.trust_held, new_record)
            .await
    }

    /// [`Self::load`], or with `trust_held` the held state as it is (or with `assume_new` too,
    /// the empty state if none is held), without reading the log.
    async fn load_from(
        &self,
        aggregate_id: &str,
        trust_held: bool,
        assume_new: bool,
    ) -> Result<LedgerContext<A>, StoreError> {
        let held = self.cache.as_ref().and_then(|c| c.take(aggregate_id));
        let held_unread = trust_held && (held.is_some() || assume_new);
        let mut context = match held {
            Some(held) => LedgerContext {
                aggregate_id: aggregate_id.to_owned(),
                aggregate: held.aggregate,
                version: held.version,
                last_hash: held.last_hash,
                held_unread,
            },
            None => LedgerContext {
                aggregate_id: aggregate_id.to_owned(),
                aggregate: A::default(),
                version: 0,
                last_hash: GENESIS_HASH.to_owned(),
                held_unread,
            },
        };
        if !held_unread {
            for row in self.rows(aggregate_id, context.version).await? {
                let event = self.decode(aggregate_id, &row).await?;
                context.aggregate.apply(event);
                context.version = row.sequence;
                context.last_hash = row.hash;
            }
        }
        Ok(context)
    }

    /// Appends the events a command decided on `context` (whose state they were already
    /// applied to as the command wrote them) with the request's `metadata`, through the
    /// committer, and holds the state after them for the next command. Answers with where they
    /// landed in the log, or `None` when there were none. A stream appended to since `context`
    /// was loaded refuses them with [`StoreError::Conflict`]; the state is then not held.
    pub async fn commit_command(
        &self,
        events: Vec<A::Event>,
        mut context: LedgerContext<A>,
        metadata: HashMap<String, String>,
    ) -> Result<Option<CommitInfo>, StoreError> {
        match self.append(&events, &context, metadata).await {
            Ok(committed) => {
                let info = committed.map(|(info, last_hash)| {
                    context.version += events.len() as i64;
                    context.last_hash = last_hash;
                    info
                });
                self.remember(context);
                Ok(info)
            }
            Err(error) if is_stream_conflict(&error) => Err(StoreError::Conflict),
            Err(error) => Err(error),
        }
    }

    /// Writes `events` after `context`; answers with what was written and the hash the next
    /// event chains to, or `None` when there were no events.
    async fn append(
        &self,
        events: &[A::Event],
        context: &LedgerContext<A>,
        mut metadata: HashMap<String, String>,
    ) -> Result<Option<(CommitInfo, String)>, StoreError> {
        if events.is_empty() {
            return Ok(None);
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
        Ok(Some((info, prev_hash)))
    }
}

fn is_stream_conflict(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
}
