//! Tamper evidence: the log verified against a signed checkpoint, and tampering done directly
//! in the database (protective triggers disabled) named at the first bad event.

use chrono::{DateTime, Utc};
use partnership_ledger::auth::Role;
use partnership_ledger::store::{format_recorded_at, Db};
use serde_json::{json, Value};

use crate::helpers::{cli, plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const CHECKPOINT: &str = "{ checkpoint { json logPosition events rootHash publicKey } }";
const VERIFY: &str = "query($c: String) { verifyLog(checkpoint: $c) { verified events streams
    rootHash lastPosition failures firstFailure { position aggregateType aggregateId sequence problem message } } }";

/// One event row: position, stream and sequence.
#[derive(Debug, Clone)]
struct Row {
    position: i64,
    aggregate_id: String,
    sequence: i64,
}

pub async fn sql(db: &Db, statement: &str) {
    match db {
        Db::Postgres(pool) => sqlx::raw_sql(statement).execute(pool).await.map(|_| ()),
        Db::Sqlite(pool) => sqlx::raw_sql(statement).execute(pool).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// Lets the test change the log as an attacker with database access would.
pub async fn disable_protection(db: &Db) {
    match db {
        Db::Postgres(_) => sql(db, "ALTER TABLE events DISABLE TRIGGER USER").await,
        Db::Sqlite(_) => {
            sql(
                db,
                "DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete",
            )
            .await
        }
    }
}

async fn rows(db: &Db) -> Vec<Row> {
    const Q: &str = "SELECT position, aggregate_id, sequence FROM events ORDER BY position";
    let raw: Vec<(i64, String, i64)> = match db {
        Db::Postgres(pool) => sqlx::query_as(Q).fetch_all(pool).await,
        Db::Sqlite(pool) => sqlx::query_as(Q).fetch_all(pool).await,
    }
    .expect("read the log");
    raw.into_iter()
        .map(|(position, aggregate_id, sequence)| Row {
            position,
            aggregate_id,
            sequence,
        })
        .collect()
}

/// A small log: an organisation, an activity with three publications (a stream of four
/// events), and two input items. Answers with the activity's events, in order.
async fn a_small_log(app: &TestApp) -> Vec<Row> {
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(app, &officer, "QMJ", "2026-01-10").await;
    for day in ["2026-01-01", "2026-01-02", "2026-01-03"] {
        app.ok(
            &officer,
            "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { id } } }",
            json!({ "i": { "activityId": activity, "publishedOn": day } }),
        )
        .await;
    }
    record_item(app, &officer, &activity, "Clearer letters", "2026-01-10").await;
    record_item(app, &officer, &activity, "Evening clinics", "2026-01-10").await;
    let all = rows(app.db()).await;
    assert_eq!(all.len(), 7);
    all.into_iter()
        .filter(|r| r.aggregate_id == activity)
        .collect()
}

async fn verify(app: &TestApp, checkpoint: Option<&str>) -> Value {
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    app.ok(&auditor, VERIFY, json!({ "c": checkpoint })).await["verifyLog"].clone()
}

async fn checkpoint(app: &TestApp) -> String {
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    app.ok(&auditor, CHECKPOINT, json!({})).await["checkpoint"]["json"]
        .as_str()
        .expect("checkpoint json")
        .to_owned()
}

/// The first failure's position and problem.
/// Verifying, with and without the checkpoint taken before the edit, names the event at
/// `target` as altered.
async fn assert_altered(app: &TestApp, checkpoint: &str, target: i64) {
    assert_eq!(
        named(&verify(app, None).await),
        (Some(target), "ALTERED".into())
    );
    assert_eq!(
        named(&verify(app, Some(checkpoint)).await),
        (Some(target), "ALTERED".into())
    );
}

fn named(v: &Value) -> (Option<i64>, String) {
    assert_eq!(v["verified"], false, "{v}");
    let f = &v["firstFailure"];
    (
        f["position"].as_i64(),
        f["problem"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn an_untouched_log_verifies(backend: Backend) {
    let app = spawn_app(backend).await;
    a_small_log(&app).await;
    let v = verify(&app, None).await;
    assert_eq!(
        (
            v["verified"].clone(),
            v["events"].clone(),
            v["streams"].clone()
        ),
        (json!(true), json!(7), json!(4))
    );
    let cp = checkpoint(&app).await;
    let parsed: Value = serde_json::from_str(&cp).expect("checkpoint is JSON");
    assert_eq!(parsed["events"], 7);
    assert_eq!(parsed["root_hash"], v["rootHash"]);
    assert_eq!(verify(&app, Some(&cp)).await["verified"], true);
    // The log grows; the checkpoint still holds for what it covered.
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    plan_activity(&app, &officer, "QMJ", "2026-02-01").await;
    let later = verify(&app, Some(&cp)).await;
    assert_eq!(
        (later["verified"].clone(), later["events"].clone()),
        (json!(true), json!(8))
    );

    // A checkpoint edited by hand, or not this ledger's, is refused by name.
    let forged = cp.replace("\"events\": 7", "\"events\": 6");
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let (code, message) = app.err(&auditor, VERIFY, json!({ "c": forged })).await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "VALIDATION",
            "checkpoint: its signature does not match its content"
        )
    );
    let (code, _) = app.err(&auditor, VERIFY, json!({ "c": "not json" })).await;
    assert_eq!(code, "VALIDATION");
    // Only auditors and admins.
    let (code, _) = app.err(&officer, VERIFY, json!({})).await;
    assert_eq!(code, "FORBIDDEN");
}

async fn a_flipped_byte_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let activity = a_small_log(&app).await;
    let cp = checkpoint(&app).await;
    disable_protection(app.db()).await;
    let target = activity[2].position;
    sql(
        app.db(),
        &format!("UPDATE events SET payload = replace(payload, '2026-01-02', '2026-01-09') WHERE position = {target}"),
    )
    .await;
    assert_altered(&app, &cp, target).await;
}

/// One event's metadata and recorded time, as stored.
async fn stamp(db: &Db, position: i64) -> (String, DateTime<Utc>) {
    const Q: &str = "SELECT metadata, recorded_at FROM events WHERE position = $1";
    match db {
        Db::Postgres(pool) => sqlx::query_as(Q).bind(position).fetch_one(pool).await,
        Db::Sqlite(pool) => sqlx::query_as(Q).bind(position).fetch_one(pool).await,
    }
    .expect("read the event")
}

async fn another_actor_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let activity = a_small_log(&app).await;
    let cp = checkpoint(&app).await;
    disable_protection(app.db()).await;
    let target = activity[2].position;
    // Claim someone else recorded the event; its payload and time are untouched.
    sql(
        app.db(),
        &format!(
            "UPDATE events SET metadata = replace(metadata, '\"actor.subject\":\"tester@example.nhs.uk\"', \
             '\"actor.subject\":\"someone.else@example.nhs.uk\"') WHERE position = {target}"
        ),
    )
    .await;
    let (metadata, _) = stamp(app.db(), target).await;
    assert!(
        metadata.contains("\"actor.subject\":\"someone.else@example.nhs.uk\""),
        "the edit took: {metadata}"
    );
    assert_altered(&app, &cp, target).await;
}

async fn a_recorded_time_a_microsecond_off_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let activity = a_small_log(&app).await;
    let cp = checkpoint(&app).await;
    disable_protection(app.db()).await;
    let target = activity[2].position;
    let (_, before) = stamp(app.db(), target).await;
    let later = before + chrono::Duration::microseconds(1);
    // Each backend stores the time its own way: PostgreSQL as a timestamp, SQLite as the text
    // the hash covers.
    const MOVE: &str = "UPDATE events SET recorded_at = $1 WHERE position = $2";
    match app.db() {
        Db::Postgres(pool) => sqlx::query(MOVE)
            .bind(later)
            .bind(target)
            .execute(pool)
            .await
            .map(|_| ()),
        Db::Sqlite(pool) => {
            let text = format_recorded_at(&later);
            sqlx::query(MOVE)
                .bind(text)
                .bind(target)
                .execute(pool)
                .await
                .map(|_| ())
        }
    }
    .expect("move the time");
    assert_eq!(stamp(app.db(), target).await.1, later, "the edit took");
    assert_altered(&app, &cp, target).await;
}

async fn a_deleted_middle_event_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let activity = a_small_log(&app).await;
    let cp = checkpoint(&app).await;
    disable_protection(app.db()).await;
    sql(
        app.db(),
        &format!(
            "DELETE FROM events WHERE position = {}",
            activity[1].position
        ),
    )
    .await;
    // The next event of the stream finds its predecessor gone.
    let v = verify(&app, Some(&cp)).await;
    assert_eq!(named(&v), (Some(activity[2].position), "MISSING".into()));
    assert!(v["firstFailure"]["message"]
        .as_str()
        .expect("message")
        .contains("sequence 2 of its stream is missing before it"));
}

async fn swapped_events_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let activity = a_small_log(&app).await;
    let cp = checkpoint(&app).await;
    disable_protection(app.db()).await;
    // Exchange the second and third events of the activity: everything but the position moves.
    let (a, b) = (activity[1].position, activity[2].position);
    const COLUMNS: &str = "aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, prev_hash, hash";
    sql(app.db(), &format!("CREATE TABLE swap AS SELECT position, {COLUMNS} FROM events WHERE position IN ({a}, {b})")).await;
    sql(
        app.db(),
        &format!("UPDATE events SET sequence = 1000 WHERE position = {a}"),
    )
    .await;
    for (to, from) in [(b, a), (a, b)] {
        sql(
            app.db(),
            &format!(
                "UPDATE events SET (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, prev_hash, hash) = \
                 (SELECT {COLUMNS} FROM swap WHERE swap.position = {from}) WHERE position = {to}"
            ),
        )
        .await;
    }
    assert_eq!(
        rows(app.db())
            .await
            .iter()
            .find(|r| r.position == a)
            .map(|r| r.sequence),
        Some(3)
    );
    let v = verify(&app, Some(&cp)).await;
    assert_eq!(named(&v), (Some(a), "OUT_OF_ORDER".into()));
    assert!(v["firstFailure"]["message"]
        .as_str()
        .expect("message")
        .contains("comes before sequence 2 of its stream"));
}

async fn a_tail_cut_after_a_checkpoint_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    a_small_log(&app).await;
    let cp = checkpoint(&app).await;
    disable_protection(app.db()).await;
    let all = rows(app.db()).await;
    let keep = all[4].position;
    sql(
        app.db(),
        &format!("DELETE FROM events WHERE position > {keep}"),
    )
    .await;
    // Every chain left is whole: only the checkpoint shows the loss.
    assert_eq!(verify(&app, None).await["verified"], true);
    let v = verify(&app, Some(&cp)).await;
    assert_eq!(named(&v), (Some(keep), "CUT_SHORT".into()));
    assert!(v["firstFailure"]["message"]
        .as_str()
        .expect("message")
        .contains(&format!("the events after position {keep} are missing")));
}

async fn checkpoint_and_verify_from_the_command_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let activity = a_small_log(&app).await;
    let dir = tempfile::tempdir().expect("a place outside the database");
    let file = dir.path().join("checkpoint.json");
    let path = file.to_str().expect("path");
    let (ok, _, stderr) = cli(&app, &["checkpoint", "--output", path]);
    assert!(ok, "{stderr}");
    // The service and the command line share the data directory's key: either checks the other.
    let text = std::fs::read_to_string(&file).expect("checkpoint written");
    assert_eq!(verify(&app, Some(&text)).await["verified"], true);
    let (ok, stdout, _) = cli(&app, &["verify", "--checkpoint", path]);
    assert!(ok);
    assert!(
        stdout.starts_with("verified: 7 events in 4 streams")
            && stdout.contains("matching the checkpoint"),
        "{stdout}"
    );

    disable_protection(app.db()).await;
    let target = activity[3].position;
    sql(
        app.db(),
        &format!("UPDATE events SET payload = replace(payload, '2026-01-03', '2026-01-04') WHERE position = {target}"),
    )
    .await;
    let (ok, stdout, stderr) = cli(&app, &["verify", "--checkpoint", path]);
    assert!(!ok, "a tampered log fails");
    assert!(
        stdout.contains(&format!("NOT VERIFIED: event at position {target}"))
            && stdout.contains("was altered"),
        "{stdout}"
    );
    assert!(stderr.contains("the log failed verification"), "{stderr}");
    let (ok, _, stderr) = cli(&app, &["checkpoint"]);
    assert!(
        !ok && stderr.contains("no checkpoint was issued"),
        "{stderr}"
    );
}

on_both!(
    an_untouched_log_verifies,
    a_flipped_byte_is_named,
    another_actor_is_named,
    a_recorded_time_a_microsecond_off_is_named,
    a_deleted_middle_event_is_named,
    swapped_events_are_named,
    a_tail_cut_after_a_checkpoint_is_named,
    checkpoint_and_verify_from_the_command_line
);
