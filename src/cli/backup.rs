//! `backup --output FILE` and `restore --input FILE`: a consistent copy of the database, taken
//! while the service runs, and put back into a fresh database.
//!
//! The copy holds the log, the views and each participant's key wrapped under the master key;
//! never the master key, the checkpoint key or the token secret, which are kept apart (in the
//! secret store, or the data directory's key files): a backup alone reveals no one. A restored
//! service destroys at its start the key of everyone its log says was erased.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use super::args::*;
use super::Cli;
use crate::store::Db;

impl Cli {
    pub(super) async fn backup(&self, args: &BackupArgs) -> anyhow::Result<()> {
        let settings = self.checked_settings(&[])?;
        anyhow::ensure!(
            !args.output.exists(),
            "--output: {} exists already; a backup never writes over a file, so name a new one",
            args.output.display()
        );
        let db = crate::startup::open_database(&settings).await?;
        db.migrate().await?;
        let (events, position) = log_head(&db).await?;
        match &db {
            Db::Sqlite(pool) => {
                // One read transaction copies every page as it stood when it began: writers go
                // on meanwhile (WAL), and the copy is a whole database, compacted.
                crate::config::create_private_new_file(&args.output).with_context(|| {
                    format!("--output: could not create {}", args.output.display())
                })?;
                let copied = sqlx::query("VACUUM INTO $1")
                    .bind(args.output.to_string_lossy().as_ref())
                    .execute(pool)
                    .await;
                if let Err(error) = copied {
                    let _ = std::fs::remove_file(&args.output);
                    return Err(error).context("could not copy the ledger");
                }
            }
            Db::Postgres(_) => {
                let url = database_url(&settings)?;
                // pg_dump reads in one snapshot (repeatable read): consistent while the
                // service writes. The custom format restores with pg_restore, in parallel.
                let mut dump = postgres_tool("pg_dump", &url)?;
                dump.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                    .arg(&args.output);
                run(dump, "pg_dump")?;
                crate::config::narrow_to_owner(&args.output)?;
            }
        }
        println!(
            "backed up the log ({events} events, up to position {position}) and the views to {}; \
             the master key is not in it: keep that (and the checkpoint key) apart",
            args.output.display()
        );
        Ok(())
    }

    pub(super) async fn restore(&self, args: &RestoreArgs) -> anyhow::Result<()> {
        let settings = self.checked_settings(&[])?;
        anyhow::ensure!(
            args.input.is_file(),
            "--input: {} is not a file",
            args.input.display()
        );
        match settings.database_url.as_ref() {
            None => {
                let file = settings.data_dir.join("ledger.sqlite3");
                let held = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                anyhow::ensure!(
                    held == 0,
                    "{} holds a ledger already: restore into a fresh data directory",
                    file.display()
                );
                crate::config::create_private_dir(&settings.data_dir)?;
                // Copied beside it, checked, then moved in: never a half-copied ledger.
                let partial = settings.data_dir.join("ledger.sqlite3.restoring");
                let _ = std::fs::remove_file(&partial);
                crate::config::create_private_new_file(&partial)?;
                std::fs::copy(&args.input, &partial)
                    .with_context(|| format!("could not copy {}", args.input.display()))?;
                let checked = check_sqlite(&partial).await;
                if let Err(error) = checked {
                    let _ = std::fs::remove_file(&partial);
                    return Err(error);
                }
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(
                        settings.data_dir.join(format!("ledger.sqlite3{suffix}")),
                    );
                }
                std::fs::rename(&partial, &file)
                    .with_context(|| format!("could not move the copy to {}", file.display()))?;
            }
            Some(_) => {
                let db = crate::startup::open_database(&settings).await?;
                anyhow::ensure!(
                    !has_events(&db).await?,
                    "DATABASE_URL holds a ledger already: restore into a fresh, empty database"
                );
                let url = database_url(&settings)?;
                let mut restore = postgres_tool("pg_restore", &url)?;
                restore
                    .args([
                        "--no-owner",
                        "--no-privileges",
                        "--exit-on-error",
                        "--single-transaction",
                    ])
                    .arg(&args.input);
                run(restore, "pg_restore")?;
            }
        }
        let db = crate::startup::open_database(&settings).await?;
        db.migrate().await?;
        let (events, position) = log_head(&db).await?;
        println!(
            "restored the log ({events} events, up to position {position}); check it with \
             `verify --checkpoint FILE` against a checkpoint kept from before the backup"
        );
        Ok(())
    }
}

/// How many events the log holds, and the position of its last.
async fn log_head(db: &Db) -> anyhow::Result<(i64, i64)> {
    const SQL: &str = "SELECT count(*), COALESCE(max(position), 0) FROM events";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_one(pool).await?))
}

/// Whether the database holds a log with anything in it.
async fn has_events(db: &Db) -> anyhow::Result<bool> {
    let Db::Postgres(pool) = db else {
        return Ok(false);
    };
    let table: Option<String> = sqlx::query_scalar("SELECT to_regclass('events')::text")
        .fetch_one(pool)
        .await?;
    if table.is_none() {
        return Ok(false);
    }
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM events)")
        .fetch_one(pool)
        .await?)
}

/// SQLite's own check of every page of the copy at `file`.
async fn check_sqlite(file: &Path) -> anyhow::Result<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions as _;
    let mut connection = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("{} is not a ledger backup", file.display()))?;
    let found: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut connection)
        .await
        .context("the backup is not an SQLite database")?;
    anyhow::ensure!(
        found == ["ok"],
        "the backup is damaged: {}",
        found.join("; ")
    );
    Ok(())
}

fn database_url(settings: &crate::config::Settings) -> anyhow::Result<String> {
    Ok(settings
        .database_url
        .as_ref()
        .context("DATABASE_URL is not set")?
        .expose()
        .clone())
}

/// `tool` of the PostgreSQL client, connecting to `url`: its password (if any) goes in the
/// tool's environment, never on a command line another user could read.
fn postgres_tool(tool: &str, url: &str) -> anyhow::Result<Command> {
    let mut parsed = url::Url::parse(url).context("DATABASE_URL is not a URL")?;
    let mut command = Command::new(tool);
    if let Some(password) = parsed.password() {
        let password = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
        command.env("PGPASSWORD", password.as_ref());
        let _ = parsed.set_password(None);
    }
    command.arg("--dbname").arg(parsed.as_str());
    Ok(command)
}

fn run(mut command: Command, tool: &str) -> anyhow::Result<()> {
    let status = command.status().map_err(|error| {
        anyhow::anyhow!(
            "could not run {tool} ({error}): install the PostgreSQL client tools of the \
             server's major version"
        )
    })?;
    anyhow::ensure!(
        status.success(),
        "{tool} failed ({status}); see its message above"
    );
    Ok(())
}
