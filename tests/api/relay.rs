//! Relay's conventions, as Relay and Apollo clients expect them: `node(id:)` refetches every
//! kind of record by its id alone (and answers null alike for an unknown id and another
//! organisation's record), and every list that grows pages forwards and backwards by cursors
//! that stay in place while records are added.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::boards::a_year_of_a_board;
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

const NODE: &str =
    "query($id: ID!, $at: DateTime) { node(id: $id, recordedAsOf: $at) { __typename id } }";

async fn node(app: &TestApp, token: &str, id: &str, at: Option<&str>) -> Value {
    app.ok(token, NODE, json!({ "id": id, "at": at })).await["node"].clone()
}

fn id_at(data: &Value, pointer: &str) -> String {
    data.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {data}"))
        .to_owned()
}

async fn node_refetches_every_kind_of_record(backend: Backend) {
    let app = spawn_app(backend).await;
    let before_the_board = chrono::Utc::now().to_rfc3339();
    let y = a_year_of_a_board(&app).await;
    app.register("RJ1", "Riverside Trust").await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let action = app
        .call(
            &officer,
            "proposeAction",
            "action { id }",
            json!({ "title": "Patient members on every committee", "ownerOrganisation": "QMJ",
                "ownerRole": "Trust secretary", "decisionForum": "Board", "dueOn": "2026-12-01",
                "inputItemIds": [y.item], "proposedOn": "2026-02-12" }),
        )
        .await;
    let action = id_at(&action, "/action/id");
    let found = app
        .ok(
            &auditor,
            "query($i: ID!, $m: ID!) { inputItem(id: $i) { activity { id } }
               boardMeeting(id: $m) { decisions { id } } }",
            json!({ "i": y.item, "m": y.meetings[0] }),
        )
        .await;
    let activity = id_at(&found, "/inputItem/activity/id");
    let decision = id_at(&found, "/boardMeeting/decisions/0/id");

    let records = [
        ("Organisation", "QMJ".to_owned()),
        ("Activity", activity),
        ("InputItem", y.item.clone()),
        ("Action", action),
        ("Participant", y.bob_person.clone()),
        ("Board", y.board.clone()),
        ("Appointment", y.alice.clone()),
        ("BoardMeeting", y.meetings[0].clone()),
        ("BoardDecision", decision),
    ];
    for (kind, id) in &records {
        assert_eq!(
            node(&app, &auditor, id, None).await,
            json!({ "__typename": kind, "id": id }),
            "{kind}"
        );
    }
    let board = app
        .ok(
            &auditor,
            "query($id: ID!) { node(id: $id) { ... on Board { name meetings(last: 1) { nodes { id } } } } }",
            json!({ "id": y.board }),
        )
        .await;
    assert_eq!(board["node"]["name"], "Quality Committee", "{board}");
    assert_eq!(
        board["node"]["meetings"]["nodes"][0]["id"],
        y.meetings[2].as_str()
    );

    // Another organisation's records answer as an unknown id does: null, with no hint.
    let outsider = app.token(Role::Auditor, &["RJ1"]);
    for (kind, id) in &records {
        assert_eq!(node(&app, &outsider, id, None).await, Value::Null, "{kind}");
    }
    for unknown in [
        Uuid::new_v4().to_string(),
        "ZZZ99".into(),
        "not an id".into(),
    ] {
        assert_eq!(node(&app, &auditor, &unknown, None).await, Value::Null);
    }
    // Before the board was recorded, the record did not hold it.
    assert_eq!(
        node(&app, &auditor, &y.board, Some(&before_the_board)).await,
        Value::Null
    );
    let now = chrono::Utc::now().to_rfc3339();
    assert_eq!(
        node(&app, &auditor, &y.board, Some(&now)).await["id"],
        y.board.as_str()
    );
}

const PEOPLE: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
    participants(first: $first, after: $after, last: $last, before: $before) {
      pageInfo { hasPreviousPage hasNextPage startCursor endCursor } nodes { id } } }";

/// One page of participants: their ids and the page's information.
async fn people(app: &TestApp, token: &str, window: Value) -> (Vec<String>, Value) {
    let data = app.ok(token, PEOPLE, window).await["participants"].clone();
    let ids = data["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect();
    (ids, data["pageInfo"].clone())
}

async fn register(app: &TestApp, token: &str, n: usize) -> String {
    let data = app
        .call(
            token,
            "registerParticipant",
            "participant { id }",
            json!({ "organisation": "QMJ", "registeredOn": "2026-01-05",
                "details": { "displayName": format!("Person {n}") } }),
        )
        .await;
    id_at(&data, "/participant/id")
}

async fn lists_page_forwards_and_backwards(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(register(&app, &officer, n).await);
    }

    let (page, info) = people(&app, &officer, json!({ "first": 2 })).await;
    assert_eq!(page, ids[..2]);
    assert_eq!(
        (&info["hasPreviousPage"], &info["hasNextPage"]),
        (&json!(false), &json!(true))
    );
    let (page, info) = people(
        &app,
        &officer,
        json!({ "first": 2, "after": info["endCursor"] }),
    )
    .await;
    assert_eq!(page, ids[2..4]);
    // A record added between pages does not move the next page: it lands at the end.
    ids.push(register(&app, &officer, 5).await);
    let (page, info) = people(
        &app,
        &officer,
        json!({ "first": 2, "after": info["endCursor"] }),
    )
    .await;
    assert_eq!(page, ids[4..6]);
    assert_eq!(info["hasNextPage"], false);

    // Backwards: the last page, then the one before it.
    let (page, info) = people(&app, &officer, json!({ "last": 2 })).await;
    assert_eq!(page, ids[4..6]);
    assert_eq!(
        (&info["hasPreviousPage"], &info["hasNextPage"]),
        (&json!(true), &json!(false))
    );
    let (page, info) = people(
        &app,
        &officer,
        json!({ "last": 3, "before": info["startCursor"] }),
    )
    .await;
    assert_eq!(page, ids[1..4]);
    let (page, info) = people(
        &app,
        &officer,
        json!({ "last": 3, "before": info["startCursor"] }),
    )
    .await;
    assert_eq!(page, ids[..1]);
    assert_eq!(info["hasPreviousPage"], false);

    for (window, wanted) in [
        (
            json!({ "first": 2, "last": 2 }),
            "first, last: give one of them, not both",
        ),
        (json!({ "last": 201 }), "last: must be between 0 and 200"),
        (
            json!({ "after": "RJ1" }),
            "after: is not a cursor from this list",
        ),
    ] {
        let before = app.event_count().await;
        let (code, message) = app.err(&officer, PEOPLE, window).await;
        assert_eq!(code, "VALIDATION");
        assert!(message.starts_with(wanted), "{message}");
        assert_eq!(
            app.event_count().await,
            before,
            "a refused page reads nothing personal"
        );
    }
}

/// The other lists that grow are connections too: the last entry of each, and a page before it.
async fn every_growing_list_pages_backwards(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    app.register("RJ1", "Riverside Trust").await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let admin = app.admin();
    // Reading a person's name puts the read on their access record: the secretary's, then
    // the admin's.
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    for reader in [&secretary, &admin] {
        app.ok(
            reader,
            "query($id: ID!) { participant(id: $id) { displayName } }",
            json!({ "id": y.bob_person }),
        )
        .await;
    }
    let data = app
        .ok(
            &auditor,
            "query($board: ID!, $item: ID!, $person: ID!) {
              boards(last: 1) { nodes { id } }
              board(id: $board) { meetings(last: 2) { pageInfo { hasPreviousPage startCursor } nodes { id } } }
              fieldHistory(record: INPUT_ITEM, id: $item, last: 1) { nodes { event { eventType } } }
              participantAccessRecord(participantId: $person, last: 1) { nodes { role } } }",
            json!({ "board": y.board, "item": y.item, "person": y.bob_person }),
        )
        .await;
    assert_eq!(data["boards"]["nodes"][0]["id"], y.board.as_str(), "{data}");
    let meetings = &data["board"]["meetings"];
    assert_eq!(
        meetings["nodes"],
        json!([{ "id": y.meetings[1] }, { "id": y.meetings[2] }])
    );
    assert_eq!(meetings["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(
        data["fieldHistory"]["nodes"][0]["event"]["eventType"],
        "InputItemRecorded"
    );
    assert_eq!(
        data["participantAccessRecord"]["nodes"],
        json!([{ "role": "ADMIN" }])
    );
    let earlier = app
        .ok(
            &auditor,
            "query($board: ID!, $before: String) { board(id: $board) {
               meetings(last: 5, before: $before) { nodes { id } } } }",
            json!({ "board": y.board, "before": meetings["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(
        earlier["board"]["meetings"]["nodes"],
        json!([{ "id": y.meetings[0] }])
    );
    let codes = app
        .ok(
            &admin,
            "{ organisations(last: 1) { nodes { odsCode } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        codes["organisations"]["nodes"],
        json!([{ "odsCode": "RJ1" }])
    );
}

on_both!(
    node_refetches_every_kind_of_record,
    lists_page_forwards_and_backwards,
    every_growing_list_pages_backwards,
);
