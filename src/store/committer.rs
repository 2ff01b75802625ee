//! Group commit: commands that commit at the same moment share one transaction and one round
//! trip, the way mature event stores batch their writes.
//!
//! Each command's events (with their hash chain) and idempotency receipt are prepared by the
//! store as before and handed to one committer task per database. It takes whatever is waiting
//! (up to [`MAX_GROUP`] commands), writes it all in one transaction (on PostgreSQL one
//! statement: the events, the receipts and the wake-up notification together), and answers
//! each command with its log position. A group that fails (two commands racing on one stream,
//! or a reused idempotency key) is written again one command at a time, so each command gets
//! exactly the answer it would have had alone.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use sqlx::Row;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument as _;

use super::error::StoreError;
use super::{Db, LogPosition};
use crate::telemetry::metrics::{COMMIT_BATCH, COMMIT_SECONDS, COMMIT_WAIT_SECONDS};

/// Most commands written in one transaction.
pub const MAX_GROUP: usize = 256;

/// One event, ready to write.
#[derive(Debug, Clone)]
pub struct PreparedEvent {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
    pub metadata: String,
    pub recorded_at: DateTime<Utc>,
    /// `recorded_at` as the hash covers it (and as SQLite stores it).
    pub recorded_text: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The idempotency receipt written with a command's events.
#[derive(Debug, Clone)]
pub struct PreparedReceipt {
    pub subject: String,
    pub key: String,
    pub request_hash: String,
}

/// One command's writes: its events, in order, and its receipt if it carried a key.
#[derive(Debug, Clone)]
pub struct PreparedCommit {
    pub events: Vec<PreparedEvent>,
    pub receipt: Option<PreparedReceipt>,
}

struct Pending {
    commit: PreparedCommit,
    reply: oneshot::Sender<Result<LogPosition, StoreError>>,
    /// The command's span: the batch's span is the first one's child, and linked to the rest.
    span: tracing::Span,
}

/// The committer of one database.
pub struct Committer {
    queue: mpsc::UnboundedSender<Pending>,
}

/// Who is writing: the payload of the notification a commit sends other replicas, so that the
/// writing replica can ignore its own.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a>(pub &'a str);

impl Origin<'_> {
    /// A writer no replica takes for itself: every replica wakes.
    pub const UNKNOWN: Origin<'static> = Origin("");
}

impl Committer {
    /// Starts the committer task for `db`, writing for the replica `replica`; it ends when the
    /// last handle is dropped.
    pub fn start(db: Db, replica: Arc<str>) -> Arc<Self> {
        let (queue, waiting) = mpsc::unbounded_channel();
        tokio::spawn(run(db, replica, waiting));
        Arc::new(Self { queue })
    }

    /// Writes `commit` with whatever else is waiting; answers with its last event's position.
    pub async fn commit(&self, commit: PreparedCommit) -> Result<LogPosition, StoreError> {
        let (reply, answer) = oneshot::channel();
        let handed_in = Instant::now();
        self.queue
            .send(Pending {
                commit,
                reply,
                span: tracing::Span::current(),
            })
            .map_err(|_| StoreError::Stopped)?;
        let answered = answer.await.map_err(|_| StoreError::Stopped)?;
        metrics::histogram!(COMMIT_WAIT_SECONDS).record(handed_in.elapsed().as_secs_f64());
        answered
    }
}

async fn run(db: Db, replica: Arc<str>, mut waiting: mpsc::UnboundedReceiver<Pending>) {
    let origin = Origin(&replica);
    while let Some(first) = waiting.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match waiting.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let commits: Vec<&PreparedCommit> = group.iter().map(|p| &p.commit).collect();
        tracing::trace!(commands = commits.len(), "group commit");
        metrics::histogram!(COMMIT_BATCH).record(commits.len() as f64);
        let span = tracing::info_span!(
            parent: &group[0].span,
            "commit batch",
            commands = commits.len(),
            events = commits.iter().map(|c| c.events.len()).sum::<usize>(),
        );
        for other in &group[1..] {
            crate::telemetry::traces::link(&span, &other.span);
        }
        let started = Instant::now();
        let written = write(&db, &commits, origin).instrument(span).await;
        metrics::histogram!(COMMIT_SECONDS).record(started.elapsed().as_secs_f64());
        match written {
            Ok(positions) => {
                for (pending, position) in group.into_iter().zip(positions) {
                    let _ = pending.reply.send(Ok(position));
                }
            }
            Err(error) if group.len() == 1 => {
                if let Some(pending) = group.pop() {
                    let _ = pending.reply.send(Err(error));
                }
            }
            Err(_) => {
                tracing::debug!(
                    commands = group.len(),
                    "a group commit failed; writing its commands one at a time"
                );
                for pending in group {
                    let alone = write(&db, &[&pending.commit], origin)
                        .await
                        .map(|positions| positions[0]);
                    let _ = pending.reply.send(alone);
                }
            }
        }
    }
}

/// Writes `commits` in one transaction, all or nothing; answers with each one's last position.
pub async fn write(
    db: &Db,
    commits: &[&PreparedCommit],
    origin: Origin<'_>,
) -> Result<Vec<LogPosition>, StoreError> {
    match db {
        Db::Postgres(pool) => write_postgres(pool, commits, origin).await,
        Db::Sqlite(pool) => write_sqlite(pool, commits).await,
    }
}

/// Maps a unique violation of the receipts' key to a reused idempotency key; any other error
/// stays as it is (a unique violation on the stream is a conflict).
fn classify(error: sqlx::Error, receipts_constraint: Option<&str>) -> StoreError {
    if let sqlx::Error::Database(e) = &error {
        if e.is_unique_violation()
            && (receipts_constraint.is_none() || e.constraint() == receipts_constraint)
        {
            return StoreError::DuplicateIdempotencyKey;
        }
    }
    StoreError::Database(error)
}

/// One statement: every event, every receipt (pointing at its command's last event), and the
/// notification that wakes other replicas' projectors, in one implicit transaction.
const POSTGRES_GROUP: &str = "\
WITH e AS (
    INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                        payload, metadata, recorded_at, prev_hash, hash)
    SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                         $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::text[])
    RETURNING aggregate_type, aggregate_id, sequence, position, transaction_id
), r AS (
    INSERT INTO command_receipts (actor_subject, idempotency_key, request_hash, aggregate_type,
                                  aggregate_id, log_tx, log_position, recorded_at)
    SELECT u.subject, u.key, u.request_hash, u.aggregate_type, u.aggregate_id,
           e.transaction_id::text::bigint, e.position, u.recorded_at
    FROM UNNEST($11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::bigint[],
                $17::timestamptz[])
         AS u(subject, key, request_hash, aggregate_type, aggregate_id, sequence, recorded_at)
    JOIN e ON e.aggregate_type = u.aggregate_type AND e.aggregate_id = u.aggregate_id
          AND e.sequence = u.sequence
)
SELECT e.aggregate_type, e.aggregate_id, e.sequence, e.position, e.transaction_id::text
FROM e CROSS JOIN (SELECT pg_notify('pl_log', $18)) AS wake";

async fn write_postgres(
    pool: &sqlx::PgPool,
    commits: &[&PreparedCommit],
    origin: Origin<'_>,
) -> Result<Vec<LogPosition>, StoreError> {
    let events: Vec<&PreparedEvent> = commits.iter().flat_map(|c| &c.events).collect();
    // Each column's values borrowed from the events, not copied: they are copied once, into
    // the statement's arguments.
    let column = |f: for<'e> fn(&'e PreparedEvent) -> &'e str| {
        events.iter().map(|e| f(e)).collect::<Vec<&str>>()
    };
    // Each receipt, with its command's last event.
    let receipts: Vec<(&PreparedReceipt, &PreparedEvent)> = commits
        .iter()
        .filter_map(|c| c.receipt.as_ref().zip(c.events.last()))
        .collect();
    let receipt_column = |f: for<'e> fn(&'e PreparedReceipt, &'e PreparedEvent) -> &'e str| {
        receipts.iter().map(|(r, e)| f(r, e)).collect::<Vec<&str>>()
    };
    let rows = sqlx::query(POSTGRES_GROUP)
        .bind(column(|e| e.aggregate_type))
        .bind(column(|e| &e.aggregate_id))
        .bind(events.iter().map(|e| e.sequence).collect::<Vec<_>>())
        .bind(column(|e| &e.event_type))
        .bind(column(|e| &e.event_version))
        .bind(column(|e| &e.payload))
        .bind(column(|e| &e.metadata))
        .bind(events.iter().map(|e| e.recorded_at).collect::<Vec<_>>())
        .bind(column(|e| &e.prev_hash))
        .bind(column(|e| &e.hash))
        .bind(receipt_column(|r, _| &r.subject))
        .bind(receipt_column(|r, _| &r.key))
        .bind(receipt_column(|r, _| &r.request_hash))
        .bind(receipt_column(|_, e| e.aggregate_type))
        .bind(receipt_column(|_, e| &e.aggregate_id))
        .bind(receipts.iter().map(|(_, e)| e.sequence).collect::<Vec<_>>())
        .bind(
            receipts
                .iter()
                .map(|(_, e)| e.recorded_at)
                .collect::<Vec<_>>(),
        )
        .bind(origin.0)
        .fetch_all(pool)
        .await
        .map_err(|e| classify(e, Some("command_receipts_pkey")))?;
    let mut written: HashMap<(String, String, i64), LogPosition> = HashMap::new();
    for row in rows {
        let tx: String = row.get(4);
        written.insert(
            (row.get(0), row.get(1), row.get(2)),
            LogPosition {
                tx: tx.parse().unwrap_or(i64::MAX),
                position: row.get(3),
            },
        );
    }
    last_positions(commits, &written)
}

async fn write_sqlite(
    pool: &sqlx::SqlitePool,
    commits: &[&PreparedCommit],
) -> Result<Vec<LogPosition>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut written = HashMap::new();
    for commit in commits {
        for e in &commit.events {
            let position: i64 = sqlx::query_scalar(
                "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, \
                 event_version, payload, metadata, recorded_at, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING position",
            )
            .bind(e.aggregate_type)
            .bind(&e.aggregate_id)
            .bind(e.sequence)
            .bind(&e.event_type)
            .bind(&e.event_version)
            .bind(&e.payload)
            .bind(&e.metadata)
            .bind(&e.recorded_text)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .fetch_one(&mut *tx)
            .await?;
            written.insert(
                (
                    e.aggregate_type.to_owned(),
                    e.aggregate_id.clone(),
                    e.sequence,
                ),
                LogPosition { tx: 0, position },
            );
        }
        if let (Some(receipt), Some(last)) = (&commit.receipt, commit.events.last()) {
            let position = written[&(
                last.aggregate_type.to_owned(),
                last.aggregate_id.clone(),
                last.sequence,
            )];
            sqlx::query(
                "INSERT INTO command_receipts (actor_subject, idempotency_key, request_hash, \
                 aggregate_type, aggregate_id, log_tx, log_position, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&receipt.subject)
            .bind(&receipt.key)
            .bind(&receipt.request_hash)
            .bind(last.aggregate_type)
            .bind(&last.aggregate_id)
            .bind(position.tx)
            .bind(position.position)
            .bind(&last.recorded_text)
            .execute(&mut *tx)
            .await
            .map_err(|e| classify(e, None))?;
        }
    }
    tx.commit().await?;
    last_positions(commits, &written)
}

fn last_positions(
    commits: &[&PreparedCommit],
    written: &HashMap<(String, String, i64), LogPosition>,
) -> Result<Vec<LogPosition>, StoreError> {
    commits
        .iter()
        .map(|c| {
            let last = c
                .events
                .last()
                .ok_or(StoreError::Database(sqlx::Error::RowNotFound))?;
            written
                .get(&(
                    last.aggregate_type.to_owned(),
                    last.aggregate_id.clone(),
                    last.sequence,
                ))
                .copied()
                .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
        })
        .collect()
}
