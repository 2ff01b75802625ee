//! The record as it stood at a moment: the log recorded up to then, replayed into a private
//! in-memory database by the same projector the service runs, so every query can answer from it
//! exactly as it would have answered then.

use chrono::{DateTime, Utc};

use crate::projections::{read_log_after, Projector};
use crate::store::{format_recorded_at, Db, LogPosition};

const BATCH: i64 = 2_000;

/// The views as they stood at `moment`, built from every event recorded by then.
pub async fn recorded_views(db: &Db, moment: DateTime<Utc>) -> anyhow::Result<Db> {
    let replica = Db::open_sqlite_memory().await?;
    replica.migrate().await?;
    let Db::Sqlite(pool) = &replica else {
        unreachable!("an in-memory replica is SQLite")
    };
    let mut after = LogPosition::default();
    loop {
        let events = read_log_after(db, after, BATCH).await?;
        let Some(last) = events.last().map(|e| e.at) else {
            break;
        };
        let mut tx = pool.begin().await?;
        for event in events.iter().filter(|e| e.recorded_at <= moment) {
            sqlx::query(
                "INSERT INTO events (position, aggregate_type, aggregate_id, sequence, event_type, \
                 event_version, payload, metadata, recorded_at, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            // The same positions as the log, so cursors and positions read alike.
            .bind(event.at.position)
            .bind(&event.aggregate_type)
            .bind(&event.aggregate_id)
            .bind(event.sequence)
            .bind(&event.event_type)
            .bind(&event.event_version)
            .bind(&event.payload)
            .bind(&event.metadata)
            .bind(format_recorded_at(&event.recorded_at))
            .bind(&event.prev_hash)
            .bind(&event.hash)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        after = last;
    }
    let (mut projector, _) = Projector::new(replica.clone()).await?;
    projector.catch_up().await?;
    Ok(replica)
}
