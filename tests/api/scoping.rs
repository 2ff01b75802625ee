//! Organisation scoping for every kind of record, by id and through relations: another
//! organisation's action, participant, board or meeting is as absent as an unknown id, and an
//! item shared by referral does not open its owner's activity, people or board decisions.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, Endpoint};
use crate::on_both;

/// Runs mutation `field` and answers with the id of the payload's `path`.
async fn create(app: &Endpoint, token: &str, field: &str, input: Value, path: &str) -> String {
    let payload = app
        .call(token, field, &format!("{path} {{ id }}"), input)
        .await;
    payload[path]["id"].as_str().expect("id").to_owned()
}

async fn every_record_is_scoped_by_id_and_relation(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RJ1", "Riverside Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let item = record_item(&app, &officer, &activity, "Later clinics", "2026-03-01").await;
    let kept = record_item(&app, &officer, &activity, "Clearer letters", "2026-03-01").await;
    let action = create(
        &app,
        &officer,
        "proposeAction",
        json!({ "title": "Evening clinic",
        "ownerOrganisation": "QMJ", "ownerRole": "Clinic manager", "decisionForum": "Ops",
        "dueOn": "2026-09-01", "inputItemIds": [kept], "proposedOn": "2026-03-10" }),
        "action",
    )
    .await;
    let person = create(
        &app,
        &officer,
        "registerParticipant",
        json!({ "organisation": "QMJ",
        "registeredOn": "2026-03-01", "details": { "displayName": "Ada Patient" } }),
        "participant",
    )
    .await;
    app.ok(
        &officer,
        "mutation($i: LinkParticipantInput!) { linkParticipant(input: $i) { participant { id } } }",
        json!({ "i": { "participantId": person, "inputItemId": item } }),
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
        json!({ "boardId": board,
        "scheduledFor": "2026-04-01" }),
        "meeting",
    )
    .await;
    app.ok(&secretary, "mutation($i: RecordBoardMeetingHeldInput!) { recordBoardMeetingHeld(input: $i) { meeting { id } } }",
        json!({ "i": { "meetingId": meeting, "heldOn": "2026-04-01", "quorate": true } })).await;
    app.ok(&secretary, "mutation($i: RecordBoardDecisionInput!) { recordBoardDecision(input: $i) { meeting { id } } }",
        json!({ "i": { "meetingId": meeting, "title": "Pilot evening clinics", "citedInputItemIds": [item] } })).await;
    // QMJ refers one item to RJ1, which then owns the response to it.
    app.ok(
        &officer,
        "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }",
        json!({ "i": { "inputItemId": item, "outcome": "REFERRED", "referredTo": "RJ1",
            "reason": "Community clinics are theirs", "decidedOn": "2026-03-05" } }),
    )
    .await;

    let unknown = Uuid::new_v4().to_string();
    let by_id = [
        (
            "action",
            "query($id: ID!) { action(id: $id) { id title } }",
            &action,
        ),
        (
            "participant",
            "query($id: ID!) { participant(id: $id) { id } }",
            &person,
        ),
        (
            "board",
            "query($id: ID!) { board(id: $id) { id name } }",
            &board,
        ),
        (
            "boardMeeting",
            "query($id: ID!) { boardMeeting(id: $id) { id } }",
            &meeting,
        ),
        (
            "inputItem",
            "query($id: ID!) { inputItem(id: $id) { id } }",
            &kept,
        ),
        (
            "activity",
            "query($id: ID!) { activity(id: $id) { id } }",
            &activity,
        ),
    ];
    for role in [Role::EngagementOfficer, Role::BoardSecretary, Role::Auditor] {
        let outsider = app.token(role, &["RJ1"]);
        for (kind, query, id) in &by_id {
            let before = app.event_count().await;
            let (code, message) = app.err(&outsider, query, json!({ "id": id })).await;
            assert_eq!(
                code, "NOT_FOUND",
                "{role:?} reading QMJ's {kind}: {message}"
            );
            let (_, unknown_message) = app.err(&outsider, query, json!({ "id": unknown })).await;
            assert_eq!(message, unknown_message, "{kind}: no hint that it exists");
            let by_node = app
                .ok(
                    &outsider,
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(
                by_node["node"],
                Value::Null,
                "{role:?} reading QMJ's {kind} as a node"
            );
            assert_eq!(app.event_count().await, before);
        }

        // The referred item is RJ1's to answer, but its way in stops at the item itself.
        let data = app
            .ok(
                &outsider,
                "query($id: ID!) { inputItem(id: $id) { id summary activity { id title }
                   participants { id } boardDecisions { title } } }",
                json!({ "id": item }),
            )
            .await;
        let got = &data["inputItem"];
        assert_eq!(got["id"], item.as_str(), "{data}");
        assert!(got["activity"].is_null(), "QMJ's activity leaked: {data}");
        assert_eq!(
            got["participants"],
            json!([]),
            "QMJ's people leaked: {data}"
        );
        assert_eq!(
            got["boardDecisions"],
            json!([]),
            "QMJ's board leaked: {data}"
        );
        let lists = app
            .ok(
                &outsider,
                "{ actions { edges { node { id } } } boards { nodes { id } } participants { nodes { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(lists["actions"]["edges"], json!([]), "{lists}");
        assert_eq!(lists["boards"]["nodes"], json!([]), "{lists}");
        assert_eq!(lists["participants"]["nodes"], json!([]), "{lists}");
    }

    // The same questions from QMJ answer: the refusals above are scoping, not broken queries.
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    for (kind, query, id) in &by_id {
        if *kind == "participant" {
            continue;
        }
        let data = app.ok(&auditor, query, json!({ "id": id })).await;
        assert_eq!(data[*kind]["id"], id.as_str(), "{kind}: {data}");
    }
    let data = app
        .ok(
            &auditor,
            "query($id: ID!) { inputItem(id: $id) { activity { id } boardDecisions { title } } }",
            json!({ "id": item }),
        )
        .await;
    assert_eq!(data["inputItem"]["activity"]["id"], activity.as_str());
    assert_eq!(
        data["inputItem"]["boardDecisions"][0]["title"],
        "Pilot evening clinics"
    );
}

on_both!(every_record_is_scoped_by_id_and_relation);

/// An activity is listed for its lead organisation and for each partner, and for no one else,
/// even where another activity's title names the organisation's code.
async fn an_activity_is_listed_for_its_lead_and_its_partners(backend: Backend) {
    let app = spawn_app(backend).await;
    for (code, name) in [
        ("QMJ", "North Central Trust"),
        ("RJ1", "Riverside Trust"),
        ("RAL", "Royal Free"),
    ] {
        app.register(code, name).await;
    }
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let plan = |title: &str, partners: Vec<&str>| {
        json!({ "kind": "SURVEY", "title": title, "topic": "Discharge",
            "leadOrganisation": "QMJ", "plannedOn": "2026-03-01", "partnerOrganisations": partners })
    };
    let shared = create(
        &app,
        &officer,
        "planActivity",
        plan("Discharge survey", vec!["RJ1"]),
        "activity",
    )
    .await;
    create(
        &app,
        &officer,
        "planActivity",
        plan("\"RAL\"", Vec::new()),
        "activity",
    )
    .await;
    let listed = |orgs: &'static [&'static str]| {
        let app = &app;
        async move {
            let token = app.token(Role::EngagementOfficer, orgs);
            let data = app
                .ok(
                    &token,
                    "{ activities(first: 10) { edges { node { id } } } }",
                    json!({}),
                )
                .await;
            data["activities"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(listed(&["QMJ"]).await.len(), 2);
    assert_eq!(listed(&["RJ1"]).await, vec![shared]);
    assert_eq!(listed(&["RAL"]).await, Vec::<String>::new());
}

on_both!(an_activity_is_listed_for_its_lead_and_its_partners);
