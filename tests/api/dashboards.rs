//! Dashboards read again and again: each read after a change shows it, whichever record the
//! change was to, though answers are kept in memory between changes.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const ROLLUP: &str = "query($code: String!) { organisation(odsCode: $code) { rollup {
    total answeredWithinWindow actedOn loopClosed counts { verdict count } } } }";

const PAGE: &str =
    "query($code: String!) { inputItems(first: 50, filter: { organisation: $code }) {
    edges { node { id verdict loopClosed actions { title status } } } } }";

/// Every item the caller may see: its organisations' own, and those referred to them.
const VISIBLE: &str = "{ inputItems { edges { node { id verdict } } } }";

const ACTIVITY: &str = "query($id: ID!) { activity(id: $id) { rollup { total } } }";

async fn visible(app: &TestApp, token: &str) -> Vec<String> {
    app.ok(token, VISIBLE, json!({})).await["inputItems"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn activity_total(app: &TestApp, token: &str, id: &str) -> Value {
    app.ok(token, ACTIVITY, json!({ "id": id })).await["activity"]["rollup"]["total"].clone()
}

async fn rollup(app: &TestApp, token: &str, code: &str) -> Value {
    app.ok(token, ROLLUP, json!({ "code": code })).await["organisation"]["rollup"].clone()
}

/// The page of items, each as (id, verdict, loop closed, its actions' statuses).
async fn page(app: &TestApp, token: &str, code: &str) -> Vec<(String, String, bool, Vec<String>)> {
    let found = app.ok(token, PAGE, json!({ "code": code })).await;
    found["inputItems"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["id"].as_str().expect("id").to_owned(),
                n["verdict"].as_str().expect("verdict").to_owned(),
                n["loopClosed"].as_bool().expect("loopClosed"),
                n["actions"]
                    .as_array()
                    .expect("actions")
                    .iter()
                    .map(|a| a["status"].as_str().expect("status").to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn count_of(rollup: &Value, verdict: &str) -> i64 {
    rollup["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .find(|c| c["verdict"] == verdict)
        .and_then(|c| c["count"].as_i64())
        .expect("verdict listed")
}

async fn mutate(app: &TestApp, token: &str, name: &str, input: Value) -> Value {
    let input_type = format!("{}{}Input", name[..1].to_ascii_uppercase(), &name[1..]);
    app.ok(
        token,
        &format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ __typename }} }}"),
        json!({ "i": input }),
    )
    .await
}

async fn every_change_shows_on_the_next_read(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RJ1", "Community Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let qmj = app.token(Role::Auditor, &["QMJ"]);
    let rj1 = app.token(Role::Auditor, &["RJ1"]);

    // Dates from today, so that the verdicts (which count days to today) stay what they are.
    let today = chrono::Utc::now().date_naive();
    let day = |back: i64| (today - chrono::Duration::days(back)).to_string();
    let activity = plan_activity(&app, &officer, "QMJ", &day(110)).await;
    mutate(
        &app,
        &officer,
        "recordActivityHeld",
        json!({ "activityId": activity, "heldOn": day(100),
            "attendance": { "patients": 9, "carers": 3, "public": 0, "staff": 2 } }),
    )
    .await;
    let first = record_item(&app, &officer, &activity, "Plain letters", &day(100)).await;
    // Read twice, so that the second read can come from what the first kept.
    for _ in 0..2 {
        let r = rollup(&app, &qmj, "QMJ").await;
        assert_eq!(r["total"], 1);
        assert_eq!(count_of(&r, "OVERDUE"), 1);
        assert_eq!(page(&app, &qmj, "QMJ").await.len(), 1);
        assert_eq!(activity_total(&app, &qmj, &activity).await, 1);
        assert_eq!(visible(&app, &rj1).await, Vec::<String>::new());
    }

    // A new item of the organisation.
    let second = record_item(&app, &officer, &activity, "Evening clinics", &day(100)).await;
    assert_eq!(rollup(&app, &qmj, "QMJ").await["total"], 2);
    assert_eq!(page(&app, &qmj, "QMJ").await.len(), 2);
    assert_eq!(activity_total(&app, &qmj, &activity).await, 2);

    // A decision on an item.
    mutate(
        &app,
        &officer,
        "decideInputItem",
        json!({ "inputItemId": first, "outcome": "ACCEPTED", "decidedOn": day(95) }),
    )
    .await;
    let r = rollup(&app, &qmj, "QMJ").await;
    assert_eq!(r["answeredWithinWindow"], 1);
    assert_eq!(count_of(&r, "OVERDUE"), 1, "only the second is overdue now");

    // A new action linked to it, then the action's progress to completion.
    let proposed = app
        .ok(
            &officer,
            "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id } } }",
            json!({ "i": { "title": "Rewrite letters", "ownerOrganisation": "QMJ",
                "ownerRole": "Head of Patient Experience", "decisionForum": "Quality Committee",
                "dueOn": day(10), "inputItemIds": [first], "proposedOn": day(94) } }),
        )
        .await;
    let action = proposed["proposeAction"]["action"]["id"]
        .as_str()
        .expect("action id")
        .to_owned();
    let shown = page(&app, &qmj, "QMJ").await;
    assert_eq!(shown[0].0, first);
    assert_eq!(shown[0].3, vec!["PROPOSED".to_owned()]);
    mutate(
        &app,
        &officer,
        "agreeAction",
        json!({ "actionId": action, "agreedOn": day(90) }),
    )
    .await;
    assert_eq!(
        page(&app, &qmj, "QMJ").await[0].3,
        vec!["AGREED".to_owned()]
    );
    mutate(
        &app,
        &officer,
        "completeAction",
        json!({ "actionId": action, "completedOn": day(20),
            "outcome": "Letters rewritten with the panel", "evidence": "Template library v3" }),
    )
    .await;
    let shown = page(&app, &qmj, "QMJ").await;
    assert_eq!(shown[0].1, "ACTED_ON");
    assert_eq!(shown[0].3, vec!["COMPLETED".to_owned()]);
    assert!(!shown[0].2, "no feedback yet");
    assert_eq!(rollup(&app, &qmj, "QMJ").await["actedOn"], 1);

    // Feedback on the activity closes the loop of its items.
    mutate(
        &app,
        &officer,
        "recordActivityFeedback",
        json!({ "activityId": activity, "givenOn": day(15), "channel": "LETTER",
            "summary": "You said letters were confusing; we rewrote them" }),
    )
    .await;
    assert!(page(&app, &qmj, "QMJ").await[0].2, "loop closed");
    assert_eq!(rollup(&app, &qmj, "QMJ").await["loopClosed"], 1);

    // A longer response window for the organisation (the default is 60 days): the overdue
    // item, raised 100 days ago, is back inside it.
    app.ok(
        &app.admin(),
        "mutation($i: SetResponseWindowInput!) { setResponseWindow(input: $i) { organisation { responseWindowDays } } }",
        json!({ "i": { "odsCode": "QMJ", "days": 365 } }),
    )
    .await;
    let r = rollup(&app, &qmj, "QMJ").await;
    assert_eq!(count_of(&r, "OVERDUE"), 0);
    assert_eq!(count_of(&r, "UNANSWERED"), 1);

    // A referral puts the second item before the partner too, whose list was read before.
    mutate(
        &app,
        &officer,
        "decideInputItem",
        json!({ "inputItemId": second, "outcome": "REFERRED", "referredTo": "RJ1",
            "reason": "Community clinics are theirs", "decidedOn": day(10) }),
    )
    .await;
    assert_eq!(visible(&app, &rj1).await, vec![second]);
    assert_eq!(count_of(&rollup(&app, &qmj, "QMJ").await, "REFERRED"), 1);
    // The partner's window (60 days) counts from the referral: 70 days on, it is overdue.
    let later = json!({ "on": day(-60) });
    let r = app
        .ok(
            &qmj,
            "query($on: Date) { organisation(odsCode: \"QMJ\") { rollup(asOf: $on) {
            counts { verdict count } } } }",
            later,
        )
        .await;
    assert_eq!(count_of(&r["organisation"]["rollup"], "OVERDUE"), 1);
}

on_both!(every_change_shows_on_the_next_read);
