//! Storage: the event log, idempotency receipts and read-model tables, on SQLite or PostgreSQL.
//!
//! Both backends run the same statements (sqlx accepts `$n` placeholders on both); where they
//! differ (commit-order reading on PostgreSQL) the code says so. [`on_db!`] runs one block
//! against whichever pool is in use.

/// Runs `$body` with `$pool` bound to the concrete pool, for statements both backends accept.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Postgres($pool) => $body,
            $crate::store::Db::Sqlite($pool) => $body,
        }
    };
}

mod cache;
mod committer;
mod event_store;
mod hash;
mod lookups;
mod receipts;
mod sealing;
mod seen;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use committer::Committer;
pub use event_store::{
    format_recorded_at, keys, with_commit_capture, Captured, CommitInfo, LedgerStore, StoreError,
    LOG_CHANNEL,
};
pub use hash::{chain_hash, HashedFields, GENESIS_HASH};
pub use lookups::StoreLookups;
pub use receipts::{find_receipt, Receipt};
pub use sealing::{holds_plain_personal_data, Sealer};
pub use seen::SeenVersions;

/// The key naming one stream, `type/id`, wherever streams are held or noted by key (the
/// projector's documents, the versions seen).
pub fn stream_key(aggregate_type: &str, id: &str) -> String {
    format!("{aggregate_type}/{id}")
}

/// A position in the global log, in commit order: the writing transaction (always 0 on SQLite)
/// then the event's position.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct LogPosition {
    pub tx: i64,
    pub position: i64,
}

/// The database behind the ledger.
#[derive(Debug, Clone)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl Db {
    /// Connects to PostgreSQL at `url`.
    pub async fn connect_postgres(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .context("could not connect to PostgreSQL (check DATABASE_URL)")?;
        Ok(Self::Postgres(pool))
    }

    /// Opens (creating if missing) the SQLite ledger file under `data_dir`, in WAL mode.
    pub async fn open_sqlite(data_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir).with_context(|| {
            format!("could not create the data directory {}", data_dir.display())
        })?;
        let file = data_dir.join("ledger.sqlite3");
        let options = SqliteConnectOptions::from_str("sqlite://")
            .context("sqlite options")?
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .with_context(|| format!("could not open the ledger file {}", file.display()))?;
        Ok(Self::Sqlite(pool))
    }

    /// A private, empty SQLite database in memory, gone when the last handle drops.
    pub async fn open_sqlite_memory() -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .context("sqlite options")?
            .foreign_keys(true);
        // One connection that never idles out: each connection to `:memory:` is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .context("could not open an in-memory database")?;
        Ok(Self::Sqlite(pool))
    }

    /// Applies this backend's migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Self::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
            Self::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await,
        }
        .context("could not apply database migrations")
    }

    /// A short name of the backend, for logs.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
            .context("database did not answer")
    }
}
