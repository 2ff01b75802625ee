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

impl LoggedEvent {
    fn from_row<R: Row>(row: &R, at: LogPosition, first: usize) -> Result<Self, sqlx::Error>
    where
        for<'r> &'r str: sqlx::ColumnIndex<R>,
        usize: sqlx::ColumnIndex<R>,
        String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        DateTime<Utc>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(Self {
            at,
            aggregate_type: row.try_get(first)?,
            aggregate_id: row.try_get(first + 1)?,
            sequence: row.try_get(first + 2)?,
            event_type: row.try_get(first + 3)?,
            event_version: row.try_get(first + 4)?,
            payload: row.try_get(first + 5)?,
            metadata: row.try_get(first + 6)?,
            recorded_at: row.try_get(first + 7)?,
            prev_hash: row.try_get(first + 8)?,
            hash: row.try_get(first + 9)?,
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
pub fn decode_event<R: Row>(row: &R) -> Result<LoggedEvent, sqlx::Error>
where
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    usize: sqlx::ColumnIndex<R>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let at = LogPosition {
        tx: row.try_get::<String, _>(0)?.parse().unwrap_or(i64::MAX),
        position: row.try_get(1)?,
    };
    LoggedEvent::from_row(row, at, 2)
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
                "SELECT {tx}, position, {EVENT_COLUMNS} FROM events \
                 ORDER BY events.transaction_id, events.position"
            );
            let events = sqlx::query(&sql)
                .fetch(pool)
                .map(|row| row.and_then(|row| decode_event(&row)));
            send_in_batches(events, horizon, batch, to).await;
        }
        Db::Sqlite(pool) => {
            // One writer: every event read is committed.
            let sql =
                format!("SELECT {tx}, position, {EVENT_COLUMNS} FROM events ORDER BY position");
            let events = sqlx::query(&sql)
                .fetch(pool)
                .map(|row| row.and_then(|row| decode_event(&row)));
            send_in_batches(events, i64::MAX, batch, to).await;
        }
    }
}

/// Where [`send_whole_log`] sends its batches.
pub type LogBatches = tokio::sync::mpsc::Sender<Result<Vec<LoggedEvent>, sqlx::Error>>;

/// Sends `events` to `to`, `batch` at a time, up to the first of a transaction at or past
/// `horizon`; the last batch is short (perhaps empty), or a failure in its place.
async fn send_in_batches(
    events: impl Stream<Item = Result<LoggedEvent, sqlx::Error>>,
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
///
/// The order names the table's columns: the transaction is selected as text, under the same
/// name, and a bare `ORDER BY transaction_id` would sort by that text ("10" before "9") and,
/// having to sort, read every event after the checkpoint instead of following the index.
pub async fn read_log_after(
    db: &Db,
    after: LogPosition,
    limit: i64,
) -> Result<Vec<LoggedEvent>, sqlx::Error> {
    let tx = tx_column(db);
    match db {
        Db::Postgres(pool) => {
            let sql = format!(
                "SELECT {tx}, position, {EVENT_COLUMNS} FROM events \
                 WHERE (transaction_id, position) > ($1::text::xid8, $2) \
                   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
                 ORDER BY events.transaction_id, events.position LIMIT $3"
            );
            let rows = sqlx::query(&sql)
                .bind(after.tx.to_string())
                .bind(after.position)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(decode_event).collect()
        }
        Db::Sqlite(pool) => {
            let sql = format!(
                "SELECT {tx}, position, {EVENT_COLUMNS} FROM events WHERE position > $1 \
                 ORDER BY position LIMIT $2"
            );
            let rows = sqlx::query(&sql)
                .bind(after.position)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(decode_event).collect()
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
