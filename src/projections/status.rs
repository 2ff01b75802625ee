//! How far behind the log the views are: position, events not yet applied, and how long the
//! oldest of them has waited.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::projector::PROJECTOR_NAME;
use crate::store::{Db, LogPosition};

/// A projector's progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub name: &'static str,
    pub position: LogPosition,
    /// When the checkpoint last moved.
    pub updated_at: Option<DateTime<Utc>>,
    /// Committed events not yet applied.
    pub lag_events: i64,
    /// How long the oldest of them has waited, in seconds; 0 when none waits.
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
            sqlx::query_as(
                "SELECT COUNT(*), MIN(recorded_at) FROM events \
                 WHERE (transaction_id, position) > ($1::text::xid8, $2)",
            )
            .bind(position.tx.to_string())
            .bind(position.position)
            .fetch_one(pool)
            .await?
        }
        Db::Sqlite(pool) => {
            let (count, oldest): (i64, Option<String>) =
                sqlx::query_as("SELECT COUNT(*), MIN(recorded_at) FROM events WHERE position > $1")
                    .bind(position.position)
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
