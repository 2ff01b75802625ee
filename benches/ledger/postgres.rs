//! PostgreSQL's side: fresh databases, its own single-insert limit measured with pgbench, and a
//! plain read of the log.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures_util::TryStreamExt;
use sqlx::Connection;

/// The server's admin URL.
pub fn admin_url() -> String {
    std::env::var("PL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates database `name` (dropping any left from an earlier run) and answers with its URL.
pub async fn fresh_database(name: &str) -> anyhow::Result<String> {
    let mut conn = admin_connection().await?;
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await?;
    database(name).await
}

/// The database `name` as it stands, created if there is none; its URL.
pub async fn database(name: &str) -> anyhow::Result<String> {
    let admin = admin_url();
    let mut conn = admin_connection().await?;
    let there: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !there {
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
    }
    let host_start = admin.find("://").map_or(0, |i| i + 3);
    let base = match admin[host_start..].find('/') {
        Some(slash) => &admin[..host_start + slash],
        None => admin.as_str(),
    };
    Ok(format!("{base}/{name}"))
}

async fn admin_connection() -> anyhow::Result<sqlx::PgConnection> {
    sqlx::PgConnection::connect(&admin_url())
        .await
        .context("PostgreSQL does not answer at PL_TEST_POSTGRES_URL")
}

/// An event-sized row: payload and metadata as long as a typical event of ours.
const PAYLOAD: &str = r#"{"InputItemRecorded":{"input_item_id":"01a23203-1f5c-7600-9976-3f06face123c","activity_id":"01a23203-1f5c-7600-9976-3f06face1234","kind":"Recommendation","summary":"Offer evening appointments for working parents (Outpatients)","themes":["access","outpatients"],"raised_by":"Patient","raised_on":"2026-06-01","organisation":"QMJ"}}"#;
const METADATA: &str = r#"{"actor.organisations":"QMJ","actor.role":"ENGAGEMENT_OFFICER","actor.subject":"bench-ENGAGEMENT_OFFICER","causation_id":"9b2f0c1e-8c5d-4a57-9a7e-6a3e2f1b0c9d","command":"recordInputItem","correlation_id":"9b2f0c1e-8c5d-4a57-9a7e-6a3e2f1b0c9d"}"#;

/// Single-row insert transactions of an event-sized row, `clients` at once, for `length`, with
/// pgbench on a fresh database: transactions a second.
pub async fn insert_limit(clients: usize, length: Duration) -> anyhow::Result<f64> {
    let url = fresh_database("pl_bench_pgbench").await?;
    let mut conn = sqlx::PgConnection::connect(&url).await?;
    sqlx::raw_sql(
        "CREATE TABLE rows (position bigserial PRIMARY KEY, aggregate_type text NOT NULL, \
         aggregate_id text NOT NULL, sequence bigint NOT NULL, event_type text NOT NULL, \
         payload text NOT NULL, metadata text NOT NULL, \
         recorded_at timestamptz NOT NULL DEFAULT now(), \
         UNIQUE (aggregate_type, aggregate_id, sequence))",
    )
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("insert.sql");
    std::fs::write(
        &script,
        format!(
            "\\set id random(1, 9000000000000000)\n\
             INSERT INTO rows (aggregate_type, aggregate_id, sequence, event_type, payload, metadata) \
             VALUES ('InputItem', :id || '-' || :client_id, 1, 'InputItemRecorded', '{PAYLOAD}', '{METADATA}');\n"
        ),
    )?;
    let output = std::process::Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-f"])
        .arg(&script)
        .args(["-c", &clients.to_string()])
        .args(["-j", &clients.min(2).to_string()])
        .args(["-T", &length.as_secs().max(1).to_string()])
        .arg(&url)
        .output()
        .context("could not run pgbench (install PostgreSQL's client tools)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    text.lines()
        .find_map(|l| {
            l.strip_prefix("tps = ")
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
        .context("pgbench printed no tps")
}

/// Vacuums the database at `url` and refreshes its statistics, as a bulk load is followed in
/// production: else autovacuum, woken by the load, runs beside whichever step is timed next.
pub async fn settle(url: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql("VACUUM (ANALYZE)").execute(&mut conn).await?;
    Ok(())
}

/// Reads every event of the log at `url` in commit order, as the projector does: events a
/// second.
pub async fn plain_read(url: &str) -> anyhow::Result<(u64, f64)> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let started = Instant::now();
    let mut rows = sqlx::query(
        "SELECT position, transaction_id::text, aggregate_type, aggregate_id, sequence, \
         event_type, payload, metadata, recorded_at FROM events ORDER BY events.transaction_id, events.position",
    )
    .fetch(&mut conn);
    let mut count = 0u64;
    while rows.try_next().await?.is_some() {
        count += 1;
    }
    Ok((count, count as f64 / started.elapsed().as_secs_f64()))
}
