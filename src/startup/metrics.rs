//! `/metrics` on its own listener: the service's metrics in the Prometheus text format, with
//! the figures read when scraped (the views' position and lag, the connection pools, sessions
//! held, the data directory's disk) brought up to date first.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::ledger::Ledger;
use crate::telemetry::metrics::{self as names, render};

/// What a scrape reads.
#[derive(Clone)]
struct Scraped {
    ledger: Arc<Ledger>,
    data_dir: PathBuf,
}

/// The metrics listener's routes: `/metrics`, and nothing else.
pub(super) fn router(ledger: Arc<Ledger>, data_dir: PathBuf) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(Scraped { ledger, data_dir })
}

async fn metrics(State(scraped): State<Scraped>) -> impl IntoResponse {
    sample(&scraped).await;
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        render(),
    )
}

/// Sets the gauges read at scrape time; one that cannot be read keeps its last value, and
/// says why in the log.
async fn sample(scraped: &Scraped) {
    let db = scraped.ledger.db();
    match crate::projections::status::status(db).await {
        Ok(s) => {
            metrics::gauge!(names::PROJECTOR_POSITION).set(s.position.position as f64);
            metrics::gauge!(names::PROJECTOR_LAG_EVENTS).set(s.lag_events as f64);
            metrics::gauge!(names::PROJECTOR_LAG_SECONDS).set(s.lag_seconds);
        }
        Err(error) => tracing::warn!(error = format!("{error:#}"), "metrics: no view status"),
    }
    let pool = db.pool_use();
    metrics::gauge!(names::POOL_CONNECTIONS, "state" => "in_use").set(pool.in_use);
    metrics::gauge!(names::POOL_CONNECTIONS, "state" => "idle").set(pool.idle);
    metrics::gauge!(names::POOL_MAX).set(pool.max);
    for (standby, pool) in scraped.ledger.reads().standby_pools() {
        for (state, count) in [("in_use", pool.in_use), ("idle", pool.idle)] {
            let labels = [("standby", standby.to_owned()), ("state", state.to_owned())];
            metrics::gauge!(names::STANDBY_POOL_CONNECTIONS, &labels).set(count);
        }
    }
    match crate::web::session::sessions_held(db).await {
        Ok(held) => metrics::gauge!(names::SESSIONS).set(held as f64),
        Err(error) => tracing::warn!(error = format!("{error:#}"), "metrics: no session count"),
    }
    #[cfg(target_os = "linux")]
    match rustix::fs::statvfs(&scraped.data_dir) {
        Ok(disk) => {
            let block = disk.f_frsize as f64;
            metrics::gauge!(names::DATA_DIR_FREE).set(disk.f_bavail as f64 * block);
            metrics::gauge!(names::DATA_DIR_SIZE).set(disk.f_blocks as f64 * block);
        }
        Err(error) => tracing::warn!(%error, "metrics: no data directory disk figures"),
    }
}

/// Verifies every hash chain of the log once a minute after the start and then every
/// `every`, on the replica running the projector (one replica is enough, and the others would
/// only read the same log again), counting each result in the metrics; a failure is logged
/// with the first bad event.
pub(super) async fn verify_now_and_then(
    ledger: Arc<Ledger>,
    key: std::sync::Arc<crate::audit::CheckpointKey>,
    every: std::time::Duration,
) {
    tokio::time::sleep(std::time::Duration::from_secs(60).min(every)).await;
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        if !ledger.projector().leading() {
            continue;
        }
        let result = match crate::audit::verify(ledger.db(), None, &key).await {
            Ok(Ok(verification)) => match &verification.first_failure {
                None => {
                    let now = chrono::Utc::now().timestamp() as f64;
                    metrics::gauge!(names::LAST_VERIFIED).set(now);
                    tracing::info!(events = verification.events, "the log verified");
                    "verified"
                }
                Some(failure) => {
                    tracing::error!(
                        failure = %failure.describe(),
                        failures = verification.failures,
                        "THE LOG DOES NOT VERIFY"
                    );
                    "failed"
                }
            },
            Ok(Err(error)) => {
                tracing::error!(%error, "the log could not be verified");
                "error"
            }
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "the log could not be verified"
                );
                "error"
            }
        };
        metrics::counter!(names::VERIFICATIONS, "result" => result).increment(1);
    }
}
