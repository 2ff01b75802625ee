//! How far behind the log the views are: position, events not yet applied, and how long the
//! oldest of them has waited.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::store::{Db, LogPosition};

/// The checkpoint name of the views projector.
pub const PROJECTOR_NAME: &str = "views";

/// The most events the lag counts: past it the views are simply far behind, and counting on
/// would cost a read of all of them each time the status is asked.
pub const LAG_COUNTED_UP_TO: i64 = 10_000;

/// A projector's progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub name: &'static str,
    pub position: LogPosition,
    /// When the checkpoint last moved.
    pub updated_at: Option<DateTime<Utc>>,
    /// Committed events not yet applied, counted up to [`LAG_COUNTED_UP_TO`].
    pub lag_events: i64,
    /// How long the oldest of them (of those counted) has waited, in seconds; 0 when none
    /// waits.
    pub lag_seconds: f64,
}

/// The views projector's progress, read from the database.
pub async fn status(db: &Db) -> anyhow::Result<Status> {
    const CHECKPOINT: &str =
        "SELECT last_tx, last_position, updated_at FROM projector_checkpoints WHERE name = $1";
    let (position, updated_at) = on_db!(db, pool => {
        let row = sqlx::query(CHECKPOINT).bind(PROJECTOR_NAME).fetch_optional(pool).await?;
        row.map(|r| -> Result<_, sqlx::Error> {
            Ok((LogPosition { tx: r.try_get(0)?, position: r.try_get(1)? }, Some(r.try_get::<DateTime<Utc>, _>(2)?)))
        })
        .transpose()?
        .unwrap_or_default()
    });
    let (lag_events, oldest): (i64, Option<DateTime<Utc>>) = match db {
        Db::Postgres(pool) => {
            // In commit order with a limit, so it follows the index from the checkpoint: a bare
            // count over the row comparison, which PostgreSQL cannot estimate, scans the log.
            sqlx::query_as(
                "SELECT COUNT(*), MIN(recorded_at) FROM (SELECT recorded_at FROM events \
                 WHERE (transaction_id, position) > ($1::text::xid8, $2) \
                 ORDER BY events.transaction_id, events.position LIMIT $3) lagging",
            )
            .bind(position.tx.to_string())
            .bind(position.position)
            .bind(LAG_COUNTED_UP_TO)
            .fetch_one(pool)
            .await?
        }
        Db::Sqlite(pool) => {
            let (count, oldest): (i64, Option<String>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(recorded_at) FROM (SELECT recorded_at FROM events \
                     WHERE position > $1 ORDER BY position LIMIT $2) lagging",
            )
            .bind(position.position)
            .bind(LAG_COUNTED_UP_TO)
            .fetch_one(pool)
            .await?;
            let oldest = oldest
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.to_utc());
            (count, oldest)
        }
    };
    let lag_seconds = oldest.map_or(0.0, |t| {
        ((Utc::now() - t).num_milliseconds().max(0) as f64) / 1000.0
    });
    Ok(Status {
        name: PROJECTOR_NAME,
        position,
        updated_at,
        lag_events,
        lag_seconds,
    })
}
