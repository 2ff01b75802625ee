//! A mutation retried with the same idempotency key appends once and answers the same.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{plan_activity, spawn_app, Backend};
use crate::on_both;

const RECORD: &str = "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) {
    inputItem { id summary } receipt { logPosition replayed } } }";

async fn retry_with_same_key(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let input = json!({ "i": { "activityId": activity, "kind": "IDEA", "summary": "Text reminders",
        "raisedBy": "CARER", "raisedOn": "2026-01-10", "idempotencyKey": "retry-1" } });

    let before = app.event_count().await;
    let first = app.ok(&officer, RECORD, input.clone()).await;
    let after_first = app.event_count().await;
    let second = app.ok(&officer, RECORD, input.clone()).await;
    assert_eq!(after_first, before + 1);
    assert_eq!(
        app.event_count().await,
        after_first,
        "the retry appended nothing"
    );
    assert_eq!(
        first["recordInputItem"]["inputItem"],
        second["recordInputItem"]["inputItem"]
    );
    assert_eq!(
        first["recordInputItem"]["receipt"]["logPosition"],
        second["recordInputItem"]["receipt"]["logPosition"]
    );
    assert_eq!(first["recordInputItem"]["receipt"]["replayed"], false);
    assert_eq!(second["recordInputItem"]["receipt"]["replayed"], true);

    // The same key with a different request is refused, and appends nothing.
    let mut other = input.clone();
    other["i"]["summary"] = json!("Something else");
    let (code, message) = app.err(&officer, RECORD, other).await;
    assert_eq!(code, "VALIDATION");
    assert!(message.contains("idempotencyKey"), "{message}");
    assert_eq!(app.event_count().await, after_first);

    // Concurrent twins: one commits, both answer with its result.
    let mut twin = input.clone();
    twin["i"]["idempotencyKey"] = json!("twin-1");
    let before = app.event_count().await;
    let (a, b) = tokio::join!(
        app.ok(&officer, RECORD, twin.clone()),
        app.ok(&officer, RECORD, twin.clone())
    );
    assert_eq!(
        app.event_count().await,
        before + 1,
        "concurrent twins appended once"
    );
    assert_eq!(
        a["recordInputItem"]["inputItem"],
        b["recordInputItem"]["inputItem"]
    );
    assert_eq!(
        a["recordInputItem"]["receipt"]["logPosition"],
        b["recordInputItem"]["receipt"]["logPosition"]
    );
}

on_both!(retry_with_same_key);
