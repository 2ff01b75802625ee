//! What a platform team watches: `/metrics` on its own listener, in the Prometheus text
//! format, counting requests by route, operation and outcome, commands, group commits, the
//! projector and its lag, the connection pool, subscriptions, rate-limit refusals and
//! sessions, and the log's verification now and then, with no personal data or tokens in any
//! name or label; and one access-log line per request, carrying the client's `X-Request-Id`.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{spawn_app_with, storage_env, Backend, TestApp};
use crate::on_both;

on_both!(
    metrics_count_what_the_service_does_without_naming_anyone,
    each_request_is_one_line_in_the_access_log,
    sessions_count_the_people_signed_in_until_theirs_lapse,
);

/// The metrics text, fetched as Prometheus would.
pub(crate) async fn scrape(app: &TestApp) -> String {
    let url = app.metrics.as_deref().expect("a metrics listener");
    let answer = reqwest::get(url).await.expect("metrics answer");
    assert_eq!(answer.status(), 200);
    assert!(answer
        .headers()
        .get("content-type")
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")));
    answer.text().await.expect("text")
}

/// The value of the first sample of `name` whose labels include every one of `labels`.
pub(crate) fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.split(['{', ' ']).next() == Some(name))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// `pl_web_sessions` once it reads `wanted` (another test's scrape may set the gauge from its
/// own database between this one's reading and its text).
async fn sessions_reach(app: &TestApp, wanted: f64) {
    let mut seen = None;
    for _ in 0..20 {
        seen = sample(&scrape(app).await, "pl_web_sessions", &[]);
        if seen == Some(wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("pl_web_sessions stayed at {seen:?}, not {wanted}");
}

async fn sessions_count_the_people_signed_in_until_theirs_lapse(backend: Backend) {
    use partnership_ledger::store::Db;

    let app = spawn_app_with(backend, |s| {
        s.metrics_listen = Some(([127, 0, 0, 1], 0).into());
    })
    .await;
    app.register("QMJ", "North Central Trust").await;
    sessions_reach(&app, 0.0).await;
    let _first = crate::web_visitor::Visitor::officer(&app, &["QMJ"]).await;
    let _second = crate::web_visitor::Visitor::officer(&app, &["QMJ"]).await;
    sessions_reach(&app, 2.0).await;

    // One lapses (its idle time passes) before the sweep takes it out of the table.
    const ONE: &str = "WHERE id = (SELECT min(id) FROM web_sessions)";
    match app.ledger.db() {
        Db::Postgres(pool) => {
            let lapse =
                format!("UPDATE web_sessions SET expiry_date = now() - interval '1 minute' {ONE}");
            sqlx::query(&lapse).execute(pool).await.expect("lapsed");
        }
        Db::Sqlite(pool) => {
            let lapse =
                format!("UPDATE web_sessions SET expiry_date = datetime('now', '-1 minute') {ONE}");
            sqlx::query(&lapse).execute(pool).await.expect("lapsed");
        }
    }
    sessions_reach(&app, 1.0).await;
}

async fn metrics_count_what_the_service_does_without_naming_anyone(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.metrics_listen = Some(([127, 0, 0, 1], 0).into());
        s.rate_limit_per_minute = 20;
        s.verify_every = Some(Duration::from_millis(300));
    })
    .await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    app.ok(
        &officer,
        "mutation($i: RegisterParticipantInput!) { registerParticipant(input: $i) { participant { id } } }",
        json!({ "i": { "organisation": "QMJ", "registeredOn": "2026-01-05",
            "details": { "displayName": "Quillon Zephyrine", "email": "quillon@example.org" } } }),
    )
    .await;
    app.ok(
        &officer,
        "{ organisation(odsCode: \"QMJ\") { name } }",
        json!({}),
    )
    .await;
    let (code, _) = app
        .err(
            &officer,
            "{ organisation(odsCode: \"NOPE\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    // Callers without a token are limited by their address: enough of them are refused.
    let client = reqwest::Client::new();
    let graphql = format!("{}/graphql", app.address);
    for _ in 0..30 {
        client
            .post(&graphql)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("answered");
    }

    // The log is verified now and then, and says so.
    let mut text = scrape(&app).await;
    for _ in 0..50 {
        if sample(
            &text,
            "pl_log_verifications_total",
            &["result=\"verified\""],
        )
        .is_some()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        text = scrape(&app).await;
    }
    assert!(
        sample(&text, "pl_log_last_verified_timestamp_seconds", &[]).is_some_and(|at| at > 1.7e9),
        "{text}"
    );
    for (name, labels) in [
        (
            "pl_http_requests_total",
            &[
                "route=\"/graphql\"",
                "operation=\"mutation:registerParticipant\"",
                "status=\"200\"",
                "code=\"OK\"",
            ][..],
        ),
        (
            "pl_http_requests_total",
            &["operation=\"query:organisation\"", "code=\"NOT_FOUND\""][..],
        ),
        ("pl_http_requests_total", &["status=\"429\""][..]),
        (
            "pl_http_request_duration_seconds_count",
            &["operation=\"query:organisation\""][..],
        ),
        (
            "pl_commands_total",
            &["command=\"registerParticipant\"", "outcome=\"recorded\""][..],
        ),
        ("pl_commit_batch_commands_count", &[][..]),
        ("pl_commit_wait_seconds_count", &[][..]),
        ("pl_projector_position", &[][..]),
        ("pl_projector_lag_events", &[][..]),
        ("pl_projector_lag_seconds", &[][..]),
        ("pl_projector_running", &[][..]),
        ("pl_projector_batch_events_count", &[][..]),
        ("pl_db_pool_connections", &["state=\"in_use\""][..]),
        ("pl_db_pool_max_connections", &[][..]),
        ("pl_web_sessions", &[][..]),
        ("pl_rate_limited_total", &[][..]),
        ("pl_data_dir_free_bytes", &[][..]),
    ] {
        let found = sample(&text, name, labels);
        assert!(found.is_some(), "{name} {labels:?} in:\n{text}");
    }
    assert!(sample(&text, "pl_rate_limited_total", &[]).is_some_and(|n| n >= 1.0));
    assert!(sample(&text, "pl_db_pool_max_connections", &[]).is_some_and(|n| n >= 1.0));
    assert!(text.contains("# TYPE pl_http_request_duration_seconds histogram"));
    assert!(text.contains("# HELP pl_commands_total"));
    // Nothing of a person, a token or a query's text.
    for secret in ["Zephyrine", "quillon@", officer.as_str(), "odsCode", "NOPE"] {
        assert!(!text.contains(secret), "{secret} leaked into the metrics");
    }
    // The metrics are not on the service's own address.
    let public = client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("answered");
    assert_ne!(public.status(), 200, "no metrics on the public address");
}

async fn each_request_is_one_line_in_the_access_log(backend: Backend) {
    // The real binary, as a platform team runs it, writing JSON lines to standard error.
    let app = spawn_app_with(backend, |_| {}).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("PL_DATA_DIR", &app.settings.data_dir)
        .env("PL_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(secret) = &app.settings.jwt.secret {
        command.env("PL_JWT_SECRET", secret.expose());
    }
    storage_env(&mut command, &app.settings);
    command.env("PL_METRICS_LISTEN", format!("127.0.0.1:{metrics_port}"));
    let mut service = command.spawn().expect("the service starts");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..100 {
        if client.get(format!("{base}/health")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the service answers");
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    client
        .post(format!("{base}/graphql"))
        .bearer_auth(&officer)
        .header("x-request-id", "trace-me-42")
        .json(&json!({ "query": "query Mine { organisations { nodes { odsCode } } }" }))
        .send()
        .await
        .expect("answered");
    client
        .get(format!(
            "{base}/activities/0b6e4a57-5d0c-4b8e-9a43-2a1d3e1c0f00"
        ))
        .send()
        .await
        .expect("answered");
    let metrics = client
        .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .send()
        .await
        .expect("metrics answer");
    assert_eq!(metrics.status(), 200);
    let _ = service.kill();
    let _ = service.wait();
    let mut log = String::new();
    service
        .stderr
        .take()
        .expect("its log")
        .read_to_string(&mut log)
        .expect("read");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|l: &serde_json::Value| l["target"] == "access")
        .collect();
    let graphql = lines
        .iter()
        .find(|l| l["fields"]["request_id"] == "trace-me-42")
        .unwrap_or_else(|| panic!("the GraphQL request's line, by its id: {log}"));
    let fields = &graphql["fields"];
    assert_eq!(fields["method"], "POST");
    assert_eq!(fields["route"], "/graphql");
    assert_eq!(fields["operation"], "query:organisations");
    assert_eq!(fields["status"], 200);
    assert_eq!(fields["code"], "OK");
    assert!(fields["duration_ms"].is_u64(), "{graphql}");
    let page = lines
        .iter()
        .find(|l| l["fields"]["route"] == "/activities/{id}")
        .unwrap_or_else(|| panic!("the page's line, by its route: {log}"));
    assert!(
        !page["fields"].to_string().contains("0b6e4a57"),
        "the route, not the path with its id: {page}"
    );
    assert!(!log.contains(&officer), "no token in the log");
}
