//! A partner an item was referred to traces it, and it sees in the trace no more than its
//! reads show: not the referring organisation's activity, actions, board decisions or staff;
//! and once the referral ends, its own action's trace stops following the item.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const STEPS: &str = "inputItemIds steps { aggregateType aggregateId eventType summary
    actor { subject role organisations } }";

/// The QMJ officer's and secretary's token subjects, which RJ1 must never see.
const QMJ_OFFICER: &str = "qmj.officer@example.nhs.uk";
const QMJ_SECRETARY: &str = "qmj.secretary@example.nhs.uk";

fn token(app: &TestApp, subject: &str, role: Role, org: &str) -> String {
    app.tokens
        .mint(subject, role, &[org.to_owned()], 3600)
        .expect("mint token")
}

async fn run(app: &TestApp, token: &str, field: &str, input: Value) -> Value {
    let name = field[..1].to_uppercase() + &field[1..];
    let query = format!(
        "mutation($i: {name}Input!) {{ {field}(input: $i) {{ receipt {{ logPosition }} }} }}"
    );
    app.ok(token, &query, json!({ "i": input })).await
}

async fn create(app: &TestApp, token: &str, field: &str, input: Value, path: &str) -> String {
    let payload = app
        .call(token, field, &format!("{path} {{ id }}"), input)
        .await;
    payload[path]["id"].as_str().expect("id").to_owned()
}

/// Asserts that nothing of QMJ's beyond the item itself is in `trace`.
fn nothing_of_qmj(trace: &Value, qmj_action: &str, who: &str) {
    let text = trace.to_string();
    for secret in [
        QMJ_OFFICER,
        QMJ_SECRETARY,
        "QMJ board decision",
        "QMJ private plan",
        "Outpatient letters",
    ] {
        assert!(!text.contains(secret), "{who} sees {secret:?} in {trace}");
    }
    for step in trace["steps"].as_array().expect("steps") {
        let kind = step["aggregateType"].as_str().unwrap_or_default();
        assert!(kind != "Activity", "{who} sees QMJ's activity: {step}");
        assert!(kind != "BoardMeeting", "{who} sees QMJ's board: {step}");
        assert!(
            step["aggregateId"] != qmj_action,
            "{who} sees QMJ's action: {step}"
        );
    }
}

async fn a_partner_traces_no_more_than_it_reads(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RJ1", "Riverside Trust").await;
    let officer = token(&app, QMJ_OFFICER, Role::EngagementOfficer, "QMJ");
    let secretary = token(&app, QMJ_SECRETARY, Role::BoardSecretary, "QMJ");
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    run(
        &app,
        &officer,
        "recordActivityHeld",
        json!({ "activityId": activity, "heldOn": "2026-01-10",
        "attendance": { "patients": 5, "carers": 0, "public": 0, "staff": 1 } }),
    )
    .await;
    let item = record_item(&app, &officer, &activity, "Community clinics", "2026-01-10").await;
    // QMJ first accepts it, with an action and a board decision of its own...
    run(
        &app,
        &officer,
        "decideInputItem",
        json!({ "inputItemId": item, "outcome": "ACCEPTED",
        "decidedOn": "2026-01-15" }),
    )
    .await;
    let qmj_action = create(
        &app,
        &officer,
        "proposeAction",
        json!({ "title": "QMJ private plan",
        "ownerOrganisation": "QMJ", "ownerRole": "Ops lead", "decisionForum": "Ops",
        "dueOn": "2026-09-01", "inputItemIds": [item], "proposedOn": "2026-01-16" }),
        "action",
    )
    .await;
    let board = create(
        &app,
        &secretary,
        "establishBoard",
        json!({ "organisation": "QMJ",
        "name": "Quality committee", "kind": "COMMITTEE", "establishedOn": "2026-01-01" }),
        "board",
    )
    .await;
    let meeting = create(
        &app,
        &secretary,
        "scheduleBoardMeeting",
        json!({ "boardId": board, "scheduledFor": "2026-01-20" }),
        "meeting",
    )
    .await;
    run(
        &app,
        &secretary,
        "recordBoardMeetingHeld",
        json!({ "meetingId": meeting,
        "heldOn": "2026-01-20", "quorate": true }),
    )
    .await;
    run(
        &app,
        &secretary,
        "recordBoardDecision",
        json!({ "meetingId": meeting,
        "title": "QMJ board decision", "summary": "QMJ board decision text",
        "citedInputItemIds": [item] }),
    )
    .await;
    // ...then refers it to RJ1, which answers it with an action of its own.
    run(
        &app,
        &officer,
        "reviseDecision",
        json!({ "inputItemId": item, "outcome": "REFERRED",
        "referredTo": "RJ1", "reason": "Community clinics are theirs", "decidedOn": "2026-02-01",
        "why": "Wrong organisation" }),
    )
    .await;
    let rj1_officer = app.token(Role::EngagementOfficer, &["RJ1"]);
    let rj1_action = create(
        &app,
        &rj1_officer,
        "proposeAction",
        json!({ "title": "RJ1 clinic pilot",
        "ownerOrganisation": "RJ1", "ownerRole": "Clinic manager", "decisionForum": "RJ1 ops",
        "dueOn": "2026-09-01", "inputItemIds": [item], "proposedOn": "2026-02-05" }),
        "action",
    )
    .await;

    let trace = format!("query($id: ID!) {{ trace(inputItemId: $id) {{ {STEPS} }} }}");
    let trace_action = format!("query($id: ID!) {{ traceAction(actionId: $id) {{ {STEPS} }} }}");
    for (who, reader) in [
        ("RJ1's officer", rj1_officer.clone()),
        ("RJ1's auditor", app.token(Role::Auditor, &["RJ1"])),
    ] {
        // What RJ1's reads show of the item: no activity, no QMJ board decision or action.
        let read = app
            .ok(
                &reader,
                "query($id: ID!) { inputItem(id: $id) { activity { id }
                boardDecisions { title } actions { id title } } }",
                json!({ "id": item }),
            )
            .await;
        let read = &read["inputItem"];
        assert!(read["activity"].is_null(), "{who}: {read}");
        assert_eq!(read["boardDecisions"], json!([]), "{who}: {read}");
        assert_eq!(
            read["actions"],
            json!([{ "id": rj1_action, "title": "RJ1 clinic pilot" }]),
            "{who} reads QMJ's action through the item: {read}"
        );

        // The trace shows no more.
        let traced = app.ok(&reader, &trace, json!({ "id": item })).await["trace"].clone();
        nothing_of_qmj(&traced, &qmj_action, who);
        let kinds: Vec<&str> = traced["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| s["aggregateType"].as_str().unwrap_or_default())
            .collect();
        assert!(
            kinds.contains(&"InputItem"),
            "{who} still sees the item: {traced}"
        );
        assert!(
            traced["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .any(|s| s["aggregateId"] == rj1_action.as_str()),
            "{who} sees its own action: {traced}"
        );

        let traced = app
            .ok(&reader, &trace_action, json!({ "id": rj1_action }))
            .await["traceAction"]
            .clone();
        assert_eq!(traced["inputItemIds"], json!([item]), "{who}: {traced}");
        nothing_of_qmj(&traced, &qmj_action, who);
    }

    // QMJ's own auditor sees its whole journey, with its staff: the hiding above is scoping.
    let qmj_auditor = app.token(Role::Auditor, &["QMJ"]);
    let traced = app.ok(&qmj_auditor, &trace, json!({ "id": item })).await["trace"].clone();
    let text = traced.to_string();
    for seen in [
        QMJ_OFFICER,
        QMJ_SECRETARY,
        "QMJ board decision",
        "QMJ private plan",
    ] {
        assert!(
            text.contains(seen),
            "QMJ's auditor misses {seen:?}: {traced}"
        );
    }

    // RJ1 hands the item back to QMJ: its referral to RJ1 has ended (only the organisation it
    // is referred to decides on it), and RJ1's action no longer leads to it.
    run(
        &app,
        &rj1_officer,
        "reviseDecision",
        json!({ "inputItemId": item, "outcome": "REFERRED",
        "referredTo": "QMJ", "reason": "Handed back to QMJ", "decidedOn": "2026-03-01",
        "why": "Not ours after all" }),
    )
    .await;
    let rj1_auditor = app.token(Role::Auditor, &["RJ1"]);
    let traced = app
        .ok(&rj1_auditor, &trace_action, json!({ "id": rj1_action }))
        .await["traceAction"]
        .clone();
    assert_eq!(
        traced["inputItemIds"],
        json!([]),
        "the ended referral is still followed: {traced}"
    );
    assert!(
        traced["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .all(|s| s["aggregateType"] == "Action"),
        "only RJ1's action is left: {traced}"
    );
    assert!(
        !traced.to_string().contains("Handed back to QMJ"),
        "{traced}"
    );
    let (code, _) = app.err(&rj1_auditor, &trace, json!({ "id": item })).await;
    assert_eq!(code, "NOT_FOUND");
}

on_both!(a_partner_traces_no_more_than_it_reads);
