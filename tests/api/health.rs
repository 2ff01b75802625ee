//! Health and lag: `/health` while the process is up; `/ready` and the admins' projection status
//! report views that fall behind the log.

use partnership_ledger::auth::Role;
use partnership_ledger::store::Db;
use serde_json::json;

use crate::helpers::{spawn_app, Backend};
use crate::on_both;

/// An event the projector cannot apply (a decision on an item that was never recorded), as
/// if written an hour ago: the views stop behind it.
const STUCK: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
    payload, metadata, recorded_at, prev_hash, hash) VALUES ('InputItem', '00000000-0000-0000-0000-00000000dead', 1, \
    'FeedbackGiven', '1', '{\"FeedbackGiven\":{\"given_on\":\"2026-01-01\",\"channel\":\"EMAIL\",\"summary\":\"x\"}}', \
    '{}', $1, 'p', 'h')";

async fn ready_reports_views_behind_the_log(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin();
    let get = |path: &'static str| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.address);
        async move { client.get(url).send().await.expect("request") }
    };
    assert_eq!(get("/health").await.status().as_u16(), 200);
    assert_eq!(get("/ready").await.status().as_u16(), 200);
    let status = app
        .ok(
            &admin,
            "{ projections { name lagEvents lagSeconds runningHere } }",
            json!({}),
        )
        .await;
    assert_eq!(
        status["projections"],
        json!([{ "name": "views", "lagEvents": 0, "lagSeconds": 0.0, "runningHere": true }])
    );

    let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    match app.db() {
        Db::Postgres(pool) => {
            sqlx::query(STUCK)
                .bind(an_hour_ago)
                .execute(pool)
                .await
                .expect("insert");
        }
        Db::Sqlite(pool) => {
            let at = partnership_ledger::store::format_recorded_at(&an_hour_ago);
            sqlx::query(STUCK)
                .bind(at)
                .execute(pool)
                .await
                .expect("insert");
        }
    }
    app.ledger.projector().wake();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let ready = get("/ready").await;
    assert_eq!(ready.status().as_u16(), 503);
    let text = ready.text().await.expect("body");
    assert!(text.starts_with("views behind the log: 1 events"), "{text}");
    let status = app
        .ok(
            &admin,
            "{ projections { lagEvents lagSeconds } }",
            json!({}),
        )
        .await;
    assert_eq!(status["projections"][0]["lagEvents"], 1);
    assert!(
        status["projections"][0]["lagSeconds"]
            .as_f64()
            .expect("seconds")
            >= 3_599.0
    );
    // The process is still up.
    assert_eq!(get("/health").await.status().as_u16(), 200);
    let officer = app.token(Role::Auditor, &["QMJ"]);
    let (code, _) = app
        .err(&officer, "{ projections { name } }", json!({}))
        .await;
    assert_eq!(code, "FORBIDDEN");
}

on_both!(ready_reports_views_behind_the_log);
