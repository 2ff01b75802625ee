//! Scrubbing destroyed keys from the database's files.
//!
//! Deleting a key row is not enough, as reading the files back shows:
//! - SQLite leaves the deleted cell in its page and earlier copies of the page in the `-wal`
//!   file; `secure_delete` (set when the file is opened) zeroes deleted cells and freed pages,
//!   but a deletion that rebalances pages can leave copies of moved cells in the free gap of a
//!   page (SQLite's `rebuildPage` does not clear it), to outlive a later erasure. So the key
//!   table is rewritten in one transaction (cleared, which zeroes every page it had, and
//!   filled again), then `wal_checkpoint(TRUNCATE)` copies the pages into the ledger file and
//!   empties the WAL.
//! - PostgreSQL keeps dead row versions in the heap, and plain `VACUUM` only marks their space
//!   free, leaving the bytes (so does overwriting the row first: the old version is dead too).
//!   `VACUUM FULL participant_keys` writes the live rows into a new file and truncates the old
//!   one, once no snapshot that could still see the deleted row is open (it would copy the row
//!   along). No statistics are gathered on the key column (migration 0007): `ANALYZE` would
//!   sample keys into `pg_statistic`. PostgreSQL's WAL segments still hold the row until
//!   recycled; the README says so.

use std::time::Duration;

use anyhow::{bail, Context};

use crate::store::Db;

/// The key table's columns, all rewritten by [`rewrite_sqlite_key_table`].
const KEY_COLUMNS: i64 = 3;

/// Longest wait for snapshots older than a key's destruction to close (PostgreSQL).
const SNAPSHOT_WAIT: Duration = Duration::from_secs(10);

/// Checkpoint attempts before giving up while other connections still read old pages.
const CHECKPOINT_ATTEMPTS: u32 = 3;

/// Removes every remaining copy of destroyed keys from the database files. Runs after the
/// deletion has committed, outside any transaction.
pub(super) async fn scrub_destroyed_keys(db: &Db) -> anyhow::Result<()> {
    match db {
        Db::Sqlite(pool) => {
            rewrite_sqlite_key_table(pool).await?;
            for attempt in 1..=CHECKPOINT_ATTEMPTS {
                // (busy, frames in the WAL, frames checkpointed); busy means a reader still
                // needed an old page, and the WAL was left as it was.
                let (busy, _, _): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                        .fetch_one(pool)
                        .await
                        .context("could not checkpoint the SQLite WAL after destroying keys")?;
                if busy == 0 {
                    return Ok(());
                }
                tracing::debug!(attempt, "WAL checkpoint busy; trying again");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            bail!(
                "the SQLite WAL could not be truncated after destroying keys (readers kept it \
                 busy); old copies of the keys stay in ledger.sqlite3-wal until the next \
                 checkpoint"
            )
        }
        Db::Postgres(pool) => {
            wait_for_older_snapshots(pool).await?;
            // VACUUM cannot run inside a transaction: a plain statement on a pool connection.
            sqlx::raw_sql("VACUUM FULL participant_keys")
                .execute(pool)
                .await
                .context(
                    "could not rewrite participant_keys after destroying keys; run \
                     `VACUUM FULL participant_keys` to remove their old row versions",
                )?;
            Ok(())
        }
    }
}

/// Waits (at most [`SNAPSHOT_WAIT`]) until nothing on the server holds back the removal of rows
/// deleted before now: `VACUUM FULL` copies a deleted row that some snapshot might still see.
/// What holds it back is any session's snapshot or running transaction (sessions of any
/// database: those still starting count for every database), a replication slot, or a
/// prepared transaction.
async fn wait_for_older_snapshots(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    // An xid assigned now is newer than the deletion, which has committed.
    let now: i64 = sqlx::query_scalar("SELECT txid_current()")
        .fetch_one(pool)
        .await
        .context("could not read the current transaction id")?;
    let started = std::time::Instant::now();
    loop {
        let older: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM ( \
                 SELECT backend_xmin AS x FROM pg_stat_activity WHERE pid <> pg_backend_pid() \
                 UNION ALL SELECT backend_xid FROM pg_stat_activity WHERE pid <> pg_backend_pid() \
                 UNION ALL SELECT xmin FROM pg_replication_slots \
                 UNION ALL SELECT transaction FROM pg_prepared_xacts \
             ) holding WHERE x IS NOT NULL AND age(x) > age(($1 % 4294967296)::text::xid)",
        )
        .bind(now)
        .fetch_one(pool)
        .await
        .context("could not look for open snapshots")?;
        if older == 0 {
            return Ok(());
        }
        if started.elapsed() >= SNAPSHOT_WAIT {
            tracing::warn!(
                holders = older,
                "transactions older than a key's destruction are still open; its old row \
                 version may stay in participant_keys until the next erasure"
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clears the SQLite key table and writes its rows back, in one transaction, so its pages hold
/// nothing but the live keys and zeros.
async fn rewrite_sqlite_key_table(pool: &sqlx::SqlitePool) -> anyhow::Result<()> {
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .context("could not start rewriting participant_keys")?;
    let columns: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pragma_table_info('participant_keys')")
            .fetch_one(&mut *tx)
            .await
            .context("could not read the columns of participant_keys")?;
    if columns != KEY_COLUMNS {
        bail!(
            "participant_keys has {columns} columns where the key scrub rewrites {KEY_COLUMNS}; \
             update crypto::scrub with the table"
        );
    }
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT participant_id, wrapped_key, created_at FROM participant_keys ORDER BY rowid",
    )
    .fetch_all(&mut *tx)
    .await
    .context("could not read participant_keys to rewrite it")?;
    sqlx::query("DELETE FROM participant_keys")
        .execute(&mut *tx)
        .await
        .context("could not clear participant_keys to rewrite it")?;
    for (participant_id, wrapped_key, created_at) in &rows {
        sqlx::query(
            "INSERT INTO participant_keys (participant_id, wrapped_key, created_at) VALUES ($1, $2, $3)",
        )
        .bind(participant_id)
        .bind(wrapped_key)
        .bind(created_at)
        .execute(&mut *tx)
        .await
        .context("could not write participant_keys back")?;
    }
    tx.commit()
        .await
        .context("could not commit the rewritten participant_keys")
}
