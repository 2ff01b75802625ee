//! Reading the global log in commit order.
//!
//! On PostgreSQL, positions come from a sequence and concurrent transactions can commit out of
//! position order, so reading "position > checkpoint" could pass over a row that commits late.
//! Each row carries its writing transaction id (xid8); we read in (transaction, position)
//! order and only from transactions older than every transaction still running, so nothing
//! can later appear behind the checkpoint. SQLite has one writer, so position order is commit
//! order.

use async_graphql::futures_util::Stream;
use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::store::{Db, LogPosition};

/// One event as read from the log: every stored column.
#[derive(Debug, Clone)]
pub struct LoggedEvent {
    pub at: LogPosition,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
    pub metadata: String,
    pub recorded_at: DateTime<Utc>,
    pub prev_hash: String,
    pub hash: String,
}

/// One event as the views need it: where it is in the log, whose it is and what it says,
/// without the metadata and hashes that only the audit reads (about half of a stored row).
#[derive(Debug, Clone)]
pub struct ViewEvent {
    pub at: LogPosition,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub payload: String,
    pub recorded_at: DateTime<Utc>,
}

/// A row of either backend's log, read column by column.
pub trait LogRow {
    fn text(&self, column: usize) -> Result<String, sqlx::Error>;
    fn int(&self, column: usize) -> Result<i64, sqlx::Error>;
    fn time(&self, column: usize) -> Result<DateTime<Utc>, sqlx::Error>;
    /// The event's position, from a row of `SELECT <tx as text>, position, ...`.
    fn position(&self) -> Result<LogPosition, sqlx::Error>;
}

macro_rules! log_row {
    ($($row:ty),*) => {$(
        impl LogRow for $row {
            fn text(&self, column: usize) -> Result<String, sqlx::Error> {
                self.try_get(column)
            }
            fn int(&self, column: usize) -> Result<i64, sqlx::Error> {
                self.try_get(column)
            }
            fn time(&self, column: usize) -> Result<DateTime<Utc>, sqlx::Error> {
                self.try_get(column)
            }
            fn position(&self) -> Result<LogPosition, sqlx::Error> {
                Ok(LogPosition {
                    tx: self.try_get::<&str, _>(0)?.parse().unwrap_or(i64::MAX),
                    position: self.try_get(1)?,
                })
            }
        }
    )*};
}
log_row!(sqlx::postgres::PgRow, sqlx::sqlite::SqliteRow);

/// An event decoded from a row of `SELECT <tx as text>, position, <its columns>`.
pub trait FromLog: Sized + Send + Unpin + 'static {
    /// The columns after the position, in the order [`FromLog::decode`] reads them.
    const COLUMNS: &'static str;

    fn decode(row: &impl LogRow) -> Result<Self, sqlx::Error>;
}

impl FromLog for LoggedEvent {
    const COLUMNS: &'static str = EVENT_COLUMNS;

    fn decode(row: &impl LogRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            at: row.position()?,
            aggregate_type: row.text(2)?,
            aggregate_id: row.text(3)?,
            sequence: row.int(4)?,
            event_type: row.text(5)?,
            event_version: row.text(6)?,
            payload: row.text(7)?,
            metadata: row.text(8)?,
            recorded_at: row.time(9)?,
            prev_hash: row.text(10)?,
            hash: row.text(11)?,
        })
    }
}

impl FromLog for ViewEvent {
    const COLUMNS: &'static str = "aggregate_type, aggregate_id, sequence, payload, recorded_at";

    fn decode(row: &impl LogRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            at: row.position()?,
            aggregate_type: row.text(2)?,
            aggregate_id: row.text(3)?,
            sequence: row.int(4)?,
            payload: row.text(5)?,
            recorded_at: row.time(6)?,
        })
    }
}

/// The stored columns after the position, in the order [`decode_event`] reads them.
pub const EVENT_COLUMNS: &str =
    "aggregate_type, aggregate_id, sequence, event_type, event_version, \
                       payload, metadata, recorded_at, prev_hash, hash";

/// The writing transaction as text: PostgreSQL's xid8, or 0 on SQLite's single writer.
fn tx_column(db: &Db) -> &'static str {
    match db {
        Db::Postgres(_) => "transaction_id::text",
        Db::Sqlite(_) => "'0'",
    }
}

/// One event from a row of `SELECT <tx as text>, position, <every stored column>`.
pub fn decode_event(row: &impl LogRow) -> Result<LoggedEvent, sqlx::Error> {
    LoggedEvent::decode(row)
}

/// Sends the whole log committed so far, in commit order, to `to`, `batch` events at a time,
/// the last batch short (perhaps empty); a failure is sent in place of a batch, and ends it.
///
/// It is one query read as it streams, as a plain read of the log is, rather than a query per
/// batch: on PostgreSQL each of those would be planned afresh, and without fresh statistics
/// (just after a bulk load, say) the planner sorts every remaining event for each batch rather
/// than follow the index. It stops at the first event of a transaction that a running one
/// could still precede, as [`read_log_after`] does.
pub async fn send_whole_log(db: &Db, batch: usize, to: LogBatches) {
    use async_graphql::futures_util::StreamExt;
    let tx = tx_column(db);
    match db {
        Db::Postgres(pool) => {
            let horizon: Result<String, _> =
                sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
                    .fetch_one(pool)
                    .await;
            let horizon = match horizon {
                Ok(horizon) => horizon.parse().unwrap_or(i64::MAX),
                Err(error) => {
                    let _ = to.send(Err(error)).await;
                    return;
                }
            };
            let sql = format!(
                "SELECT {tx}, position, {} FROM events \
                 ORDER BY events.transaction_id, events.position",
                ViewEvent::COLUMNS
            );
            let events = sqlx::query(&sql)
                .fetch(pool)
                .map(|row| row.and_then(|row| ViewEvent::decode(&row)));
            send_in_batches(events, horizon, batch, to).await;
        }
        Db::Sqlite(pool) => {
            // One writer: every event read is committed.
            let sql = format!(
                "SELECT {tx}, position, {} FROM events ORDER BY position",
                ViewEvent::COLUMNS
            );
            let events = sqlx::query(&sql)
                .fetch(pool)
                .map(|row| row.and_then(|row| ViewEvent::decode(&row)));
            send_in_batches(events, i64::MAX, batch, to).await;
        }
    }
}

/// Where [`send_whole_log`] sends its batches.
pub type LogBatches = tokio::sync::mpsc::Sender<Result<Vec<ViewEvent>, sqlx::Error>>;

/// Sends `events` to `to`, `batch` at a time, up to the first of a transaction at or past
/// `horizon`; the last batch is short (perhaps empty), or a failure in its place.
async fn send_in_batches(
    events: impl Stream<Item = Result<ViewEvent, sqlx::Error>>,
    horizon: i64,
    batch: usize,
    to: LogBatches,
) {
    use async_graphql::futures_util::TryStreamExt;
    let batch = batch.max(1);
    let mut events = std::pin::pin!(events);
    let mut next = Vec::with_capacity(batch);
    loop {
        match events.try_next().await {
            Ok(Some(event)) if event.at.tx < horizon => {
                next.push(event);
                if next.len() == batch {
                    let full = std::mem::replace(&mut next, Vec::with_capacity(batch));
                    if to.send(Ok(full)).await.is_err() {
                        return;
                    }
                }
            }
            // The end of the log, or of what is surely committed.
            Ok(_) => break,
            Err(error) => {
                let _ = to.send(Err(error)).await;
                return;
            }
        }
    }
    let _ = to.send(Ok(next)).await;
}

/// Up to `limit` events after `after`, in commit order, none of which a running transaction
/// could still precede.
pub async fn read_log_after(
    db: &Db,
    after: LogPosition,
    limit: i64,
) -> Result<Vec<LoggedEvent>, sqlx::Error> {
    read_after(db, after, limit).await
}

/// [`read_log_after`], reading only what the views need of each event.
pub async fn read_view_events_after(
    db: &Db,
    after: LogPosition,
    limit: i64,
) -> Result<Vec<ViewEvent>, sqlx::Error> {
    read_after(db, after, limit).await
}

/// Up to `limit` events after `after`, in commit order, none of which a running transaction
/// could still precede.
///
/// The order names the table's columns: the transaction is selected as text, under the same
/// name, and a bare `ORDER BY transaction_id` would sort by that text ("10" before "9") and,
/// having to sort, read every event after the checkpoint instead of following the index.
async fn read_after<E: FromLog>(
    db: &Db,
    after: LogPosition,
    limit: i64,
) -> Result<Vec<E>, sqlx::Error> {
    let tx = tx_column(db);
    match db {
        Db::Postgres(pool) => {
            let sql = format!(
                "SELECT {tx}, position, {} FROM events \
                 WHERE (transaction_id, position) > ($1::text::xid8, $2) \
                   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
                 ORDER BY events.transaction_id, events.position LIMIT $3",
                E::COLUMNS
            );
            let rows = sqlx::query(&sql)
                .bind(after.tx.to_string())
                .bind(after.position)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(E::decode).collect()
        }
        Db::Sqlite(pool) => {
            let sql = format!(
                "SELECT {tx}, position, {} FROM events WHERE position > $1 \
                 ORDER BY position LIMIT $2",
                E::COLUMNS
            );
            let rows = sqlx::query(&sql)
                .bind(after.position)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(E::decode).collect()
        }
    }
}

/// Every event of one stream, in sequence order.
pub async fn read_stream(
    db: &Db,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Vec<LoggedEvent>, sqlx::Error> {
    let sql = format!(
        "SELECT {}, position, {EVENT_COLUMNS} FROM events \
         WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence",
        tx_column(db)
    );
    on_db!(db, pool => {
        let rows = sqlx::query(&sql)
            .bind(aggregate_type)
            .bind(aggregate_id)
            .fetch_all(pool)
            .await?;
        rows.iter().map(decode_event).collect()
    })
}
