//! History as recorded: `recordedAsOf` answers from the events recorded up to a moment, exactly
//! as the live views answered at that moment.

use std::time::Duration;

use chrono::Utc;
use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

/// Lists and details an auditor reads, all at once.
const RECORD: &str = "query($at: DateTime, $item: ID!, $activity: ID!) {
    organisations(recordedAsOf: $at) { nodes { odsCode name responseWindowDays } }
    activities(recordedAsOf: $at) { edges { node { id title status inputItems { id summary } } } }
    activity(id: $activity, recordedAsOf: $at) { id status informationPublished { publishedOn } }
    inputItems(recordedAsOf: $at) { edges { node { id summary verdict decisions { outcome reason } actions { id title status } } } }
    inputItem(id: $item, recordedAsOf: $at) { id verdict decisions { outcome reason } activity { title } }
    actions(recordedAsOf: $at) { edges { node { id title status dueOn } } }
    boards(recordedAsOf: $at, first: 5) { nodes { id name meetings(first: 10) { nodes { id scheduledFor } } } } }";

async fn record(app: &TestApp, at: Option<String>, item: &str, activity: &str) -> Value {
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    app.ok(
        &auditor,
        RECORD,
        json!({ "at": at, "item": item, "activity": activity }),
    )
    .await
}

/// A moment strictly between what came before and what comes after.
async fn moment() -> String {
    tokio::time::sleep(Duration::from_millis(15)).await;
    let at = Utc::now().to_rfc3339();
    tokio::time::sleep(Duration::from_millis(15)).await;
    at
}

async fn answers_match_the_record_at_three_moments(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let item = record_item(
        &app,
        &officer,
        &activity,
        "Letters in plain English",
        "2026-01-10",
    )
    .await;
    let mut seen = Vec::new();
    let first = moment().await;
    seen.push((first.clone(), record(&app, None, &item, &activity).await));

    app.ok(&officer, "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }",
        json!({ "i": { "inputItemId": item, "outcome": "DECLINED", "reason": "No budget", "decidedOn": "2026-01-20" } })).await;
    app.ok(&officer, "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { id } } }",
        json!({ "i": { "activityId": activity, "publishedOn": "2026-01-05" } })).await;
    let second = moment().await;
    seen.push((second, record(&app, None, &item, &activity).await));

    app.ok(&officer, "mutation($i: ReviseDecisionInput!) { reviseDecision(input: $i) { inputItem { id } } }",
        json!({ "i": { "inputItemId": item, "outcome": "ACCEPTED", "decidedOn": "2026-02-01", "why": "Budget found" } })).await;
    let action = app.ok(&officer, "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id } } }",
        json!({ "i": { "title": "Rewrite letters", "ownerOrganisation": "QMJ", "ownerRole": "Comms lead",
            "decisionForum": "Quality Committee", "dueOn": "2026-06-30", "inputItemIds": [item], "proposedOn": "2026-02-02" } }))
        .await["proposeAction"]["action"]["id"]
        .as_str()
        .expect("action id")
        .to_owned();
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    app.ok(
        &secretary,
        "mutation($i: EstablishBoardInput!) { establishBoard(input: $i) { board { id } } }",
        json!({ "i": { "organisation": "QMJ", "name": "Quality Committee", "kind": "COMMITTEE", "establishedOn": "2026-01-01" } }),
    )
    .await;
    let third = moment().await;
    seen.push((third, record(&app, None, &item, &activity).await));

    // Later changes, which no earlier moment may show.
    app.ok(
        &officer,
        "mutation($i: AgreeActionInput!) { agreeAction(input: $i) { action { id } } }",
        json!({ "i": { "actionId": action, "agreedOn": "2026-02-05" } }),
    )
    .await;
    app.ok(&officer, "mutation($i: CompleteActionInput!) { completeAction(input: $i) { action { id } } }",
        json!({ "i": { "actionId": action, "completedOn": "2026-03-01", "outcome": "Rewritten", "evidence": "Templates v2" } })).await;
    record_item(&app, &officer, &activity, "Evening clinics", "2026-03-02").await;

    for (at, then) in &seen {
        assert_eq!(
            &record(&app, Some(at.clone()), &item, &activity).await,
            then,
            "as recorded at {at}"
        );
    }
    // The three moments differ from each other and from now.
    let now = record(&app, None, &item, &activity).await;
    assert_ne!(seen[0].1, seen[1].1);
    assert_ne!(seen[1].1, seen[2].1);
    assert_ne!(seen[2].1, now);
    assert_eq!(seen[0].1["inputItem"]["decisions"], json!([]));
    assert_eq!(seen[1].1["boards"]["nodes"], json!([]));
    assert_eq!(
        seen[2].1["boards"]["nodes"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        seen[2].1["inputItem"]["decisions"].as_array().map(Vec::len),
        Some(2)
    );

    // Before anything was recorded: nothing; in the future: refused by name.
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let empty = app
        .ok(&auditor, "query($at: DateTime) { organisations(recordedAsOf: $at) { nodes { odsCode } } actions(recordedAsOf: $at) { edges { node { id } } } }",
            json!({ "at": "2020-01-01T00:00:00Z" }))
        .await;
    assert_eq!(empty["organisations"]["nodes"], json!([]));
    assert_eq!(empty["actions"]["edges"], json!([]));
    let (code, message) = app
        .err(
            &auditor,
            "query($at: DateTime) { organisations(recordedAsOf: $at) { nodes { odsCode } } }",
            json!({ "at": "2999-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("VALIDATION", "recordedAsOf: must not be in the future")
    );
}

on_both!(answers_match_the_record_at_three_moments);
