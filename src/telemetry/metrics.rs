//! The service's metrics, recorded through the `metrics` facade and rendered in the Prometheus
//! text format by `metrics-exporter-prometheus` on the metrics listener (`PL_METRICS_LISTEN`).
//!
//! Every name the service records is here, with what it counts, so the alert rules
//! (`deploy/prometheus/alerts.yml`) and dashboards have one list to go by. Labels only ever
//! take values from a closed set (routes, the schema's root fields, outcome codes): nothing a
//! client sends, and nothing about a person, becomes a label.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Requests answered, by `route` (the path's pattern), `operation` (a GraphQL request's root
/// field, `-` for pages) , `status` and `code` (a GraphQL error's code, `OK`, or `-`).
pub const REQUESTS: &str = "pl_http_requests_total";
/// How long requests took, in seconds, by `route` and `operation`.
pub const REQUEST_SECONDS: &str = "pl_http_request_duration_seconds";
/// Commands run through the ledger, by `command` and `outcome` (`recorded`, `replayed`,
/// `refused`, `conflict`, `failed`).
pub const COMMANDS: &str = "pl_commands_total";
/// Commands written together in one group commit.
pub const COMMIT_BATCH: &str = "pl_commit_batch_commands";
/// How long a group commit's transaction took, in seconds.
pub const COMMIT_SECONDS: &str = "pl_commit_duration_seconds";
/// How long a command waited for its group commit, from handing it in to its answer.
pub const COMMIT_WAIT_SECONDS: &str = "pl_commit_wait_seconds";
/// The last log position the views include.
pub const PROJECTOR_POSITION: &str = "pl_projector_position";
/// Events recorded that the views do not include yet.
pub const PROJECTOR_LAG_EVENTS: &str = "pl_projector_lag_events";
/// How long the oldest event the views do not include has waited, in seconds.
pub const PROJECTOR_LAG_SECONDS: &str = "pl_projector_lag_seconds";
/// 1 while this replica runs the projector (holds its lease), else 0.
pub const PROJECTOR_RUNNING: &str = "pl_projector_running";
/// Events a projector batch applied.
pub const PROJECTOR_BATCH: &str = "pl_projector_batch_events";
/// A running rebuild's progress: events replayed into the new views so far.
pub const REBUILD_EVENTS: &str = "pl_rebuild_events";
/// 1 while this replica rebuilds the views, else 0.
pub const REBUILD_RUNNING: &str = "pl_rebuild_running";
/// Database connections, by `state` (`in_use`, `idle`), and the pool's most.
pub const POOL_CONNECTIONS: &str = "pl_db_pool_connections";
pub const POOL_MAX: &str = "pl_db_pool_max_connections";
/// GraphQL subscriptions open on WebSockets.
pub const SUBSCRIPTIONS: &str = "pl_subscriptions_open";
/// Requests refused by the rate limit.
pub const RATE_LIMITED: &str = "pl_rate_limited_total";
/// Web sessions held: people signed in, and visitors part way through signing in.
pub const SESSIONS: &str = "pl_web_sessions";
/// People signed in to the web interface.
pub const SIGN_INS: &str = "pl_sign_ins_total";
/// Whole-log verifications this replica ran, by `result` (`verified`, `failed`, `error`: the
/// log could not be read).
pub const VERIFICATIONS: &str = "pl_log_verifications_total";
/// When the log last verified, in seconds since 1970.
pub const LAST_VERIFIED: &str = "pl_log_last_verified_timestamp_seconds";
/// Bytes free on the file system of the data directory (the SQLite file and generated keys).
pub const DATA_DIR_FREE: &str = "pl_data_dir_free_bytes";
/// Bytes the file system of the data directory holds in all.
pub const DATA_DIR_SIZE: &str = "pl_data_dir_size_bytes";

/// Reads of the views, by the `server` that answered them (`primary`, `standby`).
pub const READS: &str = "pl_reads_total";
/// 1 while a hot standby (`standby`: its number in `DATABASE_READ_URL`) answers, else 0.
pub const STANDBY_UP: &str = "pl_standby_up";
/// How far a hot standby's views are behind the primary's, in seconds.
pub const STANDBY_LAG_SECONDS: &str = "pl_standby_lag_seconds";
/// Connections to a hot standby, by state (the primary's are `pl_db_pool_connections`).
pub const STANDBY_POOL_CONNECTIONS: &str = "pl_standby_pool_connections";

/// Buckets of request and commit durations, in seconds: 5 ms to 30 s.
const SECONDS: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0,
];

/// Buckets of batch sizes.
const SIZES: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// The process's recorder, installed the first time it is asked for, with the names described.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let mut builder = PrometheusBuilder::new();
        let buckets = [
            (REQUEST_SECONDS, &SECONDS[..]),
            (COMMIT_SECONDS, &SECONDS[..]),
            (COMMIT_WAIT_SECONDS, &SECONDS[..]),
            (COMMIT_BATCH, &SIZES[..]),
            (PROJECTOR_BATCH, &SIZES[..]),
        ];
        for (name, bounds) in buckets {
            builder = builder
                .set_buckets_for_metric(Matcher::Full(name.to_owned()), bounds)
                .expect("the buckets are not empty");
        }
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (a test harness's, say) keeps recording; the
        // handle then renders only what this one was given, which is nothing.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        describe();
        handle.clone()
    })
}

/// Renders every metric, after the upkeep histograms need.
pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

/// Keeps the recorder's histograms drained while the service runs.
pub async fn upkeep() {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        handle().run_upkeep();
    }
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        REQUESTS,
        "Requests answered, by route, operation, status and code."
    );
    describe_histogram!(REQUEST_SECONDS, Unit::Seconds, "How long requests took.");
    describe_counter!(
        COMMANDS,
        "Commands run through the ledger, by command and outcome."
    );
    describe_histogram!(
        COMMIT_BATCH,
        "Commands written together in one group commit."
    );
    describe_histogram!(
        COMMIT_SECONDS,
        Unit::Seconds,
        "How long a group commit took."
    );
    describe_histogram!(
        COMMIT_WAIT_SECONDS,
        Unit::Seconds,
        "How long a command waited for its group commit to answer."
    );
    describe_gauge!(
        PROJECTOR_POSITION,
        "The last log position the views include."
    );
    describe_gauge!(
        PROJECTOR_LAG_EVENTS,
        "Events recorded that the views do not include yet."
    );
    describe_gauge!(
        PROJECTOR_LAG_SECONDS,
        Unit::Seconds,
        "How long the oldest event the views do not include has waited."
    );
    describe_gauge!(
        PROJECTOR_RUNNING,
        "1 while this replica runs the projector."
    );
    describe_histogram!(PROJECTOR_BATCH, "Events a projector batch applied.");
    describe_gauge!(
        REBUILD_EVENTS,
        "Events a rebuild has replayed into the new views."
    );
    describe_gauge!(REBUILD_RUNNING, "1 while this replica rebuilds the views.");
    describe_gauge!(POOL_CONNECTIONS, "Database connections, by state.");
    describe_gauge!(POOL_MAX, "The most database connections the pool opens.");
    describe_gauge!(SUBSCRIPTIONS, "GraphQL subscriptions open on WebSockets.");
    describe_counter!(
        READS,
        "Reads of the views, by the server that answered them."
    );
    describe_gauge!(STANDBY_UP, "1 while a hot standby answers, else 0.");
    describe_gauge!(
        STANDBY_POOL_CONNECTIONS,
        "Connections to a hot standby, by state."
    );
    describe_gauge!(
        STANDBY_LAG_SECONDS,
        Unit::Seconds,
        "How far a hot standby's views are behind the primary's."
    );
    describe_counter!(RATE_LIMITED, "Requests refused by the rate limit.");
    describe_gauge!(
        SESSIONS,
        "Web sessions signed in or signing in, not lapsed."
    );
    describe_counter!(SIGN_INS, "People signed in to the web interface.");
    describe_counter!(
        VERIFICATIONS,
        "Whole-log verifications of the hash chains this replica ran, by result."
    );
    describe_gauge!(
        LAST_VERIFIED,
        Unit::Seconds,
        "When the whole log last verified, in seconds since 1970."
    );
    describe_gauge!(
        DATA_DIR_FREE,
        Unit::Bytes,
        "Bytes free on the data directory's file system."
    );
    describe_gauge!(
        DATA_DIR_SIZE,
        Unit::Bytes,
        "Bytes the data directory's file system holds."
    );
}
