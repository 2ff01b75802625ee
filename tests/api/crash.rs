//! Crashes: the real binary killed with SIGKILL at arbitrary moments during a stream of
//! mutations and restarted, over and over. Every acknowledged mutation is in the log, no command
//! is there in part, every chain verifies, and the views equal a replay of the log.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use partnership_ledger::auth::Role;
use partnership_ledger::store::Db;
use serde_json::{json, Value};

use crate::helpers::{Backend, Endpoint};
use crate::on_both;
use crate::process::ServiceProcess;

/// Sends mutations until the service stops answering; records each one acknowledged as
/// (item id, decided).
async fn write_until_killed(
    api: Endpoint,
    token: String,
    activity: String,
    round: usize,
    done: Arc<Mutex<Vec<(String, bool)>>>,
) {
    for n in 0.. {
        let summary = format!("round {round} point {n}");
        let answer = api
            .try_post(
                &token,
                "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) { inputItem { id } } }",
                json!({ "i": { "activityId": activity, "kind": "IDEA", "summary": summary, "themes": [],
                    "raisedBy": "PATIENT", "raisedOn": "2026-01-10", "idempotencyKey": format!("r{round}-{n}") } }),
            )
            .await;
        let Some(id) = acknowledged(answer, "recordInputItem") else {
            return;
        };
        done.lock().expect("lock").push((id.clone(), false));
        let answer = api
            .try_post(
                &token,
                "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }",
                json!({ "i": { "inputItemId": id, "outcome": "ACCEPTED", "decidedOn": "2026-01-12" } }),
            )
            .await;
        if acknowledged(answer, "decideInputItem").is_none() {
            return;
        }
        done.lock().expect("lock").last_mut().expect("item").1 = true;
    }
}

/// The id in a successful answer; `None` when the service did not answer (it was killed).
fn acknowledged(answer: Option<(u16, Value)>, field: &str) -> Option<String> {
    let (status, body) = answer?;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_null(), "a refused mutation: {body}");
    body["data"][field]["inputItem"]["id"]
        .as_str()
        .map(str::to_owned)
}

async fn killed_and_restarted_over_and_over(backend: Backend) {
    let rounds = match backend {
        Backend::Postgres => 50,
        Backend::Sqlite => 25,
    };
    let mut service = ServiceProcess::start(backend).await;
    service.register("QMJ", "North Central Trust").await;
    let officer = service.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = crate::helpers::plan_activity(&service, &officer, "QMJ", "2026-01-10").await;
    let done = Arc::new(Mutex::new(Vec::new()));
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..rounds {
        let api = Endpoint::new(service.address.clone(), &service.settings);
        let writer = tokio::spawn(write_until_killed(
            api,
            officer.clone(),
            activity.clone(),
            round,
            done.clone(),
        ));
        // A different moment each round, from 20 to 200 ms in.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(Duration::from_millis(20 + seed % 180)).await;
        service.kill_and_restart().await;
        writer.await.expect("writer");
    }

    let done = done.lock().expect("lock").clone();
    assert!(
        done.len() >= rounds,
        "only {} mutations acknowledged",
        done.len()
    );
    let db = partnership_ledger::startup::open_database(&service.settings)
        .await
        .expect("open the database");
    // Every acknowledged mutation is in the log.
    let mut items: Vec<(String, i64)> = match &db {
        Db::Postgres(pool) => sqlx::query_as("SELECT aggregate_id, COUNT(*) FROM events WHERE aggregate_type = 'InputItem' GROUP BY aggregate_id").fetch_all(pool).await,
        Db::Sqlite(pool) => sqlx::query_as("SELECT aggregate_id, COUNT(*) FROM events WHERE aggregate_type = 'InputItem' GROUP BY aggregate_id").fetch_all(pool).await,
    }
    .expect("items in the log");
    items.sort();
    for (id, decided) in &done {
        let events = items.iter().find(|(i, _)| i == id).map(|(_, n)| *n);
        assert!(events.is_some(), "acknowledged item {id} is not in the log");
        if *decided {
            assert_eq!(
                events,
                Some(2),
                "acknowledged decision on {id} is not in the log"
            );
        }
    }
    // Nothing in part: every chain whole, with no gap.
    let key =
        partnership_ledger::audit::CheckpointKey::load(None, service.data_dir.path()).expect("key");
    let verified = partnership_ledger::audit::verify(&db, None, &key)
        .await
        .expect("verify")
        .expect("no checkpoint");
    assert_eq!(verified.first_failure, None);
    // The views (once the restarted service has caught up) equal a replay of the whole log.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while partnership_ledger::projections::status::status(&db)
        .await
        .expect("status")
        .lag_events
        > 0
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the views did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let replay = partnership_ledger::audit::as_of::recorded_views(&db, chrono::Utc::now())
        .await
        .expect("replay");
    assert_eq!(
        crate::projections::dump(&db).await,
        crate::projections::dump(&replay).await
    );
}

on_both!(killed_and_restarted_over_and_over);

/// Two processes on one PostgreSQL: kill -9 the one running the projector; the other takes it
/// over within seconds and the views catch up with nothing skipped or applied twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_process_takes_over_when_the_projector_is_killed() {
    if !crate::helpers::postgres_available().await {
        return;
    }
    let mut first = ServiceProcess::start(Backend::Postgres).await;
    let second = first.alongside().await;
    let runs = "this replica now runs the projector";
    assert!(
        String::from_utf8_lossy(&first.log()).contains(runs),
        "the first process leads"
    );
    assert!(!second.log_text().contains(runs), "only one leads");
    second.register("QMJ", "North Central Trust").await;
    let officer = second.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = crate::helpers::plan_activity(&second, &officer, "QMJ", "2026-01-10").await;
    for n in 0..5 {
        crate::helpers::record_item(
            &first,
            &officer,
            &activity,
            &format!("Before {n}"),
            "2026-01-10",
        )
        .await;
    }
    first.stop();
    let started = std::time::Instant::now();
    while !second.log_text().contains(runs) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no takeover:\n{}",
            second.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for n in 0..5 {
        crate::helpers::record_item(
            &second,
            &officer,
            &activity,
            &format!("After {n}"),
            "2026-01-11",
        )
        .await;
    }
    let listed = second
        .ok(
            &officer,
            "query($id: ID!) { activity(id: $id) { inputItems { id } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(
        listed["activity"]["inputItems"].as_array().map(Vec::len),
        Some(10)
    );
    let db = partnership_ledger::startup::open_database(&first.settings)
        .await
        .expect("open");
    let replay = partnership_ledger::audit::as_of::recorded_views(&db, chrono::Utc::now())
        .await
        .expect("replay");
    assert_eq!(
        crate::projections::dump(&db).await,
        crate::projections::dump(&replay).await
    );
}
