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

mod committer;
mod error;
mod event_store;
mod hash;
mod receipts;
mod sealing;

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Connection;

pub use committer::Committer;
pub use error::StoreError;
pub use event_store::{
    format_recorded_at, keys, CommitInfo, LedgerContext, LedgerStore, LOG_CHANNEL,
};
pub use hash::{chain_hash, HashedFields, GENESIS_HASH};
pub use receipts::{find_receipt, receipts_under, Receipt};
pub use sealing::{holds_plain_personal_data, Sealer};

/// A SQLite file's options as every ledger file has them: created if missing, WAL, foreign
/// keys, and a wait rather than an error while another writer holds the lock.
fn sqlite_file(file: &Path) -> anyhow::Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str("sqlite://")
        .context("sqlite options")?
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

/// The key naming one stream, `type/id`, wherever streams are held or noted by key (the
/// projector's documents, the versions seen).
pub fn stream_key(aggregate_type: &str, id: &str) -> String {
    // Made for every event a projector applies: one allocation, no formatting machinery.
    let mut key = String::with_capacity(aggregate_type.len() + 1 + id.len());
    key.push_str(aggregate_type);
    key.push('/');
    key.push_str(id);
    key
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

/// A pooled connection idle at least this long is pinged before it is handed out.
const PING_WHEN_IDLE: Duration = Duration::from_secs(10);

/// The pools' check before handing out a connection: a ping only for one that has sat idle, so
/// a connection the server dropped meanwhile is replaced rather than failing a request, while a
/// busy service pays no round trip of its own per statement (sqlx's default pings every time,
/// which doubled the round trips of every query).
fn ping_if_idle<C: Connection>(
    connection: &mut C,
    meta: PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        if meta.idle_for >= PING_WHEN_IDLE {
            connection.ping().await?;
        }
        Ok(true)
    })
}

/// PostgreSQL's connection options from `url`, with every statement run with its generic plan
/// (see [`Db::connect_postgres`]).
fn postgres_options(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_generic_plan")]))
}

/// A PostgreSQL pool's options as every pool of ours has them.
fn postgres_pool(max_connections: u32, acquire_timeout: Duration) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(ping_if_idle)
}

/// The database behind the ledger.
#[derive(Debug, Clone)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl Db {
    /// Connects to PostgreSQL at `url`.
    ///
    /// Every statement is prepared once on each connection and then run with its generic plan
    /// (`plan_cache_mode`): the reads of the dashboards are short index range scans whose
    /// plan does not depend on the values bound, but with ranges bound PostgreSQL planned
    /// them afresh on each run, which cost more than running them (a profile of the tallies'
    /// read under 16 readers: planning 12% of the machine, running it 7%).
    pub async fn connect_postgres(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let options = postgres_options(url).context("DATABASE_URL is not a PostgreSQL URL")?;
        let pool = postgres_pool(max_connections, Duration::from_secs(10))
            .connect_with(options)
            .await
            .context("could not connect to PostgreSQL (check DATABASE_URL)")?;
        Ok(Self::Postgres(pool))
    }

    /// A pool for the hot standby at `url`, which connects when first used: a standby that is
    /// down when the service starts is read from once it answers. A connection not had within
    /// `acquire_timeout` fails, so that a standby gone quiet does not hold its readers long.
    pub fn standby_postgres(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> anyhow::Result<Self> {
        let options = postgres_options(url).context("not a PostgreSQL URL")?;
        Ok(Self::Postgres(
            postgres_pool(max_connections, acquire_timeout).connect_lazy_with(options),
        ))
    }

    /// Opens (creating if missing) the SQLite ledger file under `data_dir`, in WAL mode; the
    /// directory and the files are the owner's alone.
    pub async fn open_sqlite(data_dir: &Path) -> anyhow::Result<Self> {
        crate::config::create_private_dir(data_dir)?;
        let file = data_dir.join("ledger.sqlite3");
        crate::config::prepare_private_database_file(&file)?;
        let options = sqlite_file(&file)?
            .synchronous(SqliteSynchronous::Full)
            // Deleted cells and freed pages are overwritten with zeros, so a destroyed
            // participant key leaves no copy in the pages (see `crypto::scrub`).
            .pragma("secure_delete", "ON");
        Self::sqlite_pool(options, &file).await
    }

    /// A scratch ledger file under `dir` (a private temporary folder), for a trial run that is
    /// thrown away: nothing is flushed to disk before it is read back.
    pub async fn open_sqlite_scratch(dir: &Path) -> anyhow::Result<Self> {
        let file = dir.join("scratch.sqlite3");
        let options = sqlite_file(&file)?.synchronous(SqliteSynchronous::Off);
        Self::sqlite_pool(options, &file).await
    }

    async fn sqlite_pool(options: SqliteConnectOptions, file: &Path) -> anyhow::Result<Self> {
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .before_acquire(ping_if_idle)
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

    /// The connection pool's use, as the metrics show it.
    pub fn pool_use(&self) -> PoolUse {
        let (open, idle, max) = on_db!(self, pool => {
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        });
        PoolUse {
            in_use: (open as usize).saturating_sub(idle) as f64,
            idle: idle as f64,
            max: f64::from(max),
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
            .context("database did not answer")
    }
}

/// A connection pool's use: connections lent out, connections open and idle, and the most it
/// opens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolUse {
    pub in_use: f64,
    pub idle: f64,
    pub max: f64,
}
