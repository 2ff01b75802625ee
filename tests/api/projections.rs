//! Projections: no event skipped when its transaction commits late; rebuild gives the same tables.

use partnership_ledger::auth::Role;
use partnership_ledger::projections::Projector;
use partnership_ledger::store::{chain_hash, format_recorded_at, Db, HashedFields, GENESIS_HASH};
use serde_json::json;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const HELD_PAYLOAD: &str = r#"{"OrganisationRegistered":{"ods_code":"HLD","name":"Held Back Trust","kind":"NHS_TRUST","ics":null,"response_window_days":60}}"#;

/// Every row of every view table, in a stable order, as text.
async fn dump_views(app: &TestApp) -> Vec<String> {
    let queries = [
        "SELECT ods_code || '|' || doc FROM view_organisations ORDER BY ods_code",
        "SELECT id || '|' || organisation || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_activities ORDER BY id",
        "SELECT id || '|' || organisation || '|' || COALESCE(referred_to, '-') || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_input_items ORDER BY id",
        "SELECT id || '|' || organisation || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_actions ORDER BY id",
        "SELECT input_item_id || '|' || action_id FROM view_action_links ORDER BY input_item_id, action_id",
    ];
    let mut rows = Vec::new();
    for sql in queries {
        let part: Vec<String> = match app.db() {
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        }
        .expect("dump view table");
        rows.extend(part);
    }
    rows
}

async fn late_commit_is_not_skipped(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let admin = app.admin();
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;

    // A writer transaction that appends an event and then stays open.
    let recorded_at = chrono::Utc::now();
    let recorded_text = format_recorded_at(&recorded_at);
    let metadata = "{}";
    let hash = chain_hash(&HashedFields {
        prev_hash: GENESIS_HASH,
        aggregate_type: "Organisation",
        aggregate_id: "HLD",
        sequence: 1,
        event_type: "OrganisationRegistered",
        event_version: "1",
        recorded_at: &recorded_text,
        metadata,
        payload: HELD_PAYLOAD,
    });
    const INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
        payload, metadata, recorded_at, prev_hash, hash) VALUES ('Organisation', 'HLD', 1, 'OrganisationRegistered', '1', $1, $2, $3, $4, $5)";
    // Later writes commit while the held transaction is still open (on SQLite they wait for
    // it, as SQLite has one writer); then the held one commits.
    let later = record_item(
        &app,
        &officer,
        &activity,
        "Committed after the held transaction began",
        "2026-01-10",
    );
    match app.db() {
        Db::Postgres(pool) => {
            let mut held = pool.begin().await.expect("begin");
            sqlx::query(INSERT)
                .bind(HELD_PAYLOAD)
                .bind(metadata)
                .bind(recorded_at)
                .bind(GENESIS_HASH)
                .bind(&hash)
                .execute(&mut *held)
                .await
                .expect("held insert");
            let commit_later = async {
                tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
                held.commit().await.expect("commit held");
            };
            tokio::join!(later, commit_later);
        }
        Db::Sqlite(pool) => {
            let mut held = pool.begin().await.expect("begin");
            sqlx::query(INSERT)
                .bind(HELD_PAYLOAD)
                .bind(metadata)
                .bind(&recorded_text)
                .bind(GENESIS_HASH)
                .bind(&hash)
                .execute(&mut *held)
                .await
                .expect("held insert");
            let commit_later = async {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                held.commit().await.expect("commit held");
            };
            tokio::join!(later, commit_later);
        }
    }

    // Both the late-committing event and the later one reach the views.
    app.ledger.projector().wake();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let held = app
        .ok(
            &admin,
            "query { organisation(odsCode: \"HLD\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(held["organisation"]["name"], "Held Back Trust");
    let listed = app
        .ok(
            &officer,
            "query($id: ID!) { activity(id: $id) { inputItems { summary } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(
        listed["activity"]["inputItems"].as_array().map(Vec::len),
        Some(1)
    );
}

async fn rebuild_gives_identical_tables(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let item = record_item(&app, &officer, &activity, "Clearer signage", "2026-01-11").await;
    app.ok(
        &officer,
        "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id } } }",
        json!({ "i": { "title": "New signs", "ownerOrganisation": "QMJ", "ownerRole": "Estates lead",
            "decisionForum": "Estates board", "dueOn": "2026-09-01", "inputItemIds": [item], "proposedOn": "2026-01-12" } }),
    )
    .await;
    let before = dump_views(&app).await;
    assert!(before.len() >= 5, "views hold the records: {before:?}");
    let applied = app.ledger.projector().rebuild().await.expect("rebuild");
    assert_eq!(applied as i64, app.event_count().await);
    assert_eq!(dump_views(&app).await, before);
}

/// A second projector over the same database (the report command, or another replica) may run
/// while the service's own does: each batch lands once, whichever gets there first.
async fn two_projectors_apply_each_event_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let (mut other, _) = Projector::new(app.db().clone())
        .await
        .expect("second projector");
    let racing = tokio::spawn(async move {
        let mut applied = 0;
        for _ in 0..200 {
            applied += other.catch_up().await.expect("second projector catches up");
            tokio::task::yield_now().await;
        }
        applied
    });
    for day in 1..=12 {
        app.ok(
            &officer,
            "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { id } } }",
            json!({ "i": { "activityId": activity, "publishedOn": format!("2026-01-{day:02}") } }),
        )
        .await;
    }
    racing.await.expect("second projector ran");
    let published = app
        .ok(
            &officer,
            "query($id: ID!) { activity(id: $id) { informationPublished { publishedOn } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(
        published["activity"]["informationPublished"]
            .as_array()
            .map(Vec::len),
        Some(12),
        "each publication once: {published}"
    );
    let before = dump_views(&app).await;
    app.ledger.projector().rebuild().await.expect("rebuild");
    assert_eq!(dump_views(&app).await, before);
}

on_both!(
    late_commit_is_not_skipped,
    rebuild_gives_identical_tables,
    two_projectors_apply_each_event_once
);
