//! Reading the global log in commit order.
//!
//! On PostgreSQL, positions come from a sequence and concurrent transactions can commit out of
//! position order, so reading "position > checkpoint" could pass over a row that commits late.
//! Each row carries its writing transaction id (xid8); we read in (transaction, position)
//! order and only from transactions older than every transaction still running, so nothing
//! can later appear behind the checkpoint. SQLite has one writer, so position order is commit
//! order.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::store::{Db, LogPosition};

/// One event as read from the log.
#[derive(Debug, Clone)]
pub struct LoggedEvent {
    pub at: LogPosition,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub payload: String,
    pub recorded_at: DateTime<Utc>,
}

/// Up to `limit` events after `after`, in commit order, none of which a running transaction
/// could still precede.
pub async fn read_log_after(
    db: &Db,
    after: LogPosition,
    limit: i64,
) -> Result<Vec<LoggedEvent>, sqlx::Error> {
    match db {
        Db::Postgres(pool) => {
            let rows = sqlx::query(
                "SELECT transaction_id::text, position, aggregate_type, aggregate_id, payload, recorded_at \
                 FROM events \
                 WHERE (transaction_id, position) > ($1::text::xid8, $2) \
                   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
                 ORDER BY transaction_id, position LIMIT $3",
            )
            .bind(after.tx.to_string())
            .bind(after.position)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| LoggedEvent {
                    at: LogPosition {
                        tx: r.get::<String, _>(0).parse().unwrap_or(i64::MAX),
                        position: r.get(1),
                    },
                    aggregate_type: r.get(2),
                    aggregate_id: r.get(3),
                    payload: r.get(4),
                    recorded_at: r.get(5),
                })
                .collect())
        }
        Db::Sqlite(pool) => {
            let rows = sqlx::query(
                "SELECT position, aggregate_type, aggregate_id, payload, recorded_at FROM events \
                 WHERE position > $1 ORDER BY position LIMIT $2",
            )
            .bind(after.position)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| LoggedEvent {
                    at: LogPosition {
                        tx: 0,
                        position: r.get(0),
                    },
                    aggregate_type: r.get(1),
                    aggregate_id: r.get(2),
                    payload: r.get(3),
                    recorded_at: r.get(4),
                })
                .collect())
        }
    }
}
