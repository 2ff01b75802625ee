//! Ids that a mutation names (cited items and actions, attendees, the person appointed or
//! linked, the activity or item linked to) must be records the caller may read: another
//! organisation's record is refused exactly as an unknown id is, and nothing is recorded, so
//! no mutation tells whether another organisation's record exists.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

/// Runs mutation `field` and answers with the id of the payload's `path`.
async fn create(app: &TestApp, token: &str, field: &str, input: Value, path: &str) -> String {
    let payload = app
        .call(token, field, &format!("{path} {{ id }}"), input)
        .await;
    payload[path]["id"].as_str().expect("id").to_owned()
}

/// Sends mutation `field` once with `input` naming another organisation's record and once
/// with `unknown` in its place: both must be refused alike, as not found, recording nothing.
async fn refused_like_unknown(
    app: &TestApp,
    token: &str,
    field: &str,
    theirs: Value,
    unknown: Value,
) {
    let name = field[..1].to_uppercase() + &field[1..];
    let query = format!(
        "mutation($i: {name}Input!) {{ {field}(input: $i) {{ receipt {{ logPosition }} }} }}"
    );
    let before = app.event_count().await;
    let (code, message) = app.err(token, &query, json!({ "i": theirs })).await;
    let (unknown_code, unknown_message) = app.err(token, &query, json!({ "i": unknown })).await;
    assert_eq!(
        code, "NOT_FOUND",
        "{field} naming another organisation's record: {message}"
    );
    assert_eq!(
        (code, message),
        (unknown_code, unknown_message),
        "{field}: another organisation's record must answer as an unknown id does"
    );
    assert_eq!(app.event_count().await, before, "{field}: nothing recorded");
}

async fn another_organisations_records_are_not_named(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RJ1", "Riverside Trust").await;
    // QMJ's records, which RJ1 may not read.
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let item = record_item(&app, &officer, &activity, "Later clinics", "2026-03-01").await;
    let action = create(
        &app,
        &officer,
        "proposeAction",
        json!({ "title": "Evening clinic",
        "ownerOrganisation": "QMJ", "ownerRole": "Clinic manager", "decisionForum": "Ops",
        "dueOn": "2026-09-01", "inputItemIds": [item], "proposedOn": "2026-03-10" }),
        "action",
    )
    .await;
    let person = create(
        &app,
        &secretary,
        "registerParticipant",
        json!({ "organisation": "QMJ",
        "registeredOn": "2026-01-01", "details": { "displayName": "Ada Member" } }),
        "participant",
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
    let seat = create(
        &app,
        &secretary,
        "appointToBoard",
        json!({ "boardId": board,
        "participantId": person, "role": "PATIENT_MEMBER", "voting": true,
        "termStart": "2026-01-01", "termEnd": "2026-12-31" }),
        "appointment",
    )
    .await;

    // RJ1's secretary and officer, with records of their own.
    let their_secretary = app.token(Role::BoardSecretary, &["RJ1"]);
    let their_officer = app.token(Role::EngagementOfficer, &["RJ1"]);
    let their_board = create(
        &app,
        &their_secretary,
        "establishBoard",
        json!({ "organisation": "RJ1",
        "name": "Trust board", "kind": "COMMITTEE", "establishedOn": "2026-01-01" }),
        "board",
    )
    .await;
    let their_person = create(
        &app,
        &their_officer,
        "registerParticipant",
        json!({ "organisation": "RJ1",
        "registeredOn": "2026-01-01", "details": { "displayName": "Bo Patient" } }),
        "participant",
    )
    .await;
    let their_meeting = create(
        &app,
        &their_secretary,
        "scheduleBoardMeeting",
        json!({ "boardId": their_board, "scheduledFor": "2026-04-01" }),
        "meeting",
    )
    .await;
    let unknown = Uuid::new_v4().to_string();
    app.call(
        &their_secretary,
        "recordBoardMeetingHeld",
        "meeting { id }",
        json!({
        "meetingId": their_meeting, "heldOn": "2026-04-01", "quorate": true }),
    )
    .await;

    // A decision citing QMJ's action, or QMJ's item.
    let citing = |field: &str, id: &str| {
        json!({ "meetingId": their_meeting,
        "title": "Adopt evening clinics", field: [id] })
    };
    refused_like_unknown(
        &app,
        &their_secretary,
        "recordBoardDecision",
        citing("citedActionIds", &action),
        citing("citedActionIds", &unknown),
    )
    .await;
    refused_like_unknown(
        &app,
        &their_secretary,
        "recordBoardDecision",
        citing("citedInputItemIds", &item),
        citing("citedInputItemIds", &unknown),
    )
    .await;

    // Attendance by QMJ's appointment, at another meeting of RJ1's.
    let later = create(
        &app,
        &their_secretary,
        "scheduleBoardMeeting",
        json!({ "boardId": their_board, "scheduledFor": "2026-05-01" }),
        "meeting",
    )
    .await;
    let held = |attended: &str| {
        json!({ "meetingId": later, "heldOn": "2026-05-01",
        "attendedAppointmentIds": [attended], "quorate": true })
    };
    refused_like_unknown(
        &app,
        &their_secretary,
        "recordBoardMeetingHeld",
        held(&seat),
        held(&unknown),
    )
    .await;

    // Appointing QMJ's participant to RJ1's board.
    let appoint = |person: &str| {
        json!({ "boardId": their_board, "participantId": person,
        "role": "PATIENT_MEMBER", "voting": true, "termStart": "2026-01-01", "termEnd": "2026-12-31" })
    };
    refused_like_unknown(
        &app,
        &their_secretary,
        "appointToBoard",
        appoint(&person),
        appoint(&unknown),
    )
    .await;

    // Linking RJ1's participant to QMJ's activity or item.
    let link = |field: &str, id: &str| json!({ "participantId": their_person, field: id });
    refused_like_unknown(
        &app,
        &their_officer,
        "linkParticipant",
        link("activityId", &activity),
        link("activityId", &unknown),
    )
    .await;
    refused_like_unknown(
        &app,
        &their_officer,
        "linkParticipant",
        link("inputItemId", &item),
        link("inputItemId", &unknown),
    )
    .await;

    // An action of RJ1's answering QMJ's item.
    let propose = |id: &str| {
        json!({ "title": "Evening clinic", "ownerOrganisation": "RJ1",
        "ownerRole": "Clinic manager", "decisionForum": "Ops", "dueOn": "2026-09-01",
        "inputItemIds": [id], "proposedOn": "2026-03-10" })
    };
    refused_like_unknown(
        &app,
        &their_officer,
        "proposeAction",
        propose(&item),
        propose(&unknown),
    )
    .await;

    // Nothing of QMJ's reached RJ1's board: its only decision is none.
    let meeting = app
        .ok(
            &their_secretary,
            "query($id: ID!) { boardMeeting(id: $id) { decisions { title } } }",
            json!({ "id": their_meeting }),
        )
        .await;
    assert_eq!(meeting["boardMeeting"]["decisions"], json!([]), "{meeting}");

    // QMJ's own secretary cites the same action and item: the refusals above are scoping.
    let own_meeting = create(
        &app,
        &secretary,
        "scheduleBoardMeeting",
        json!({ "boardId": board, "scheduledFor": "2026-04-02" }),
        "meeting",
    )
    .await;
    app.call(
        &secretary,
        "recordBoardMeetingHeld",
        "meeting { id }",
        json!({ "meetingId": own_meeting,
        "heldOn": "2026-04-02", "attendedAppointmentIds": [seat], "quorate": true }),
    )
    .await;
    let decided = app
        .call(
            &secretary,
            "recordBoardDecision",
            "meeting { decisions { citedActionIds citedInputItemIds } }",
            json!({ "meetingId": own_meeting, "title": "Adopt evening clinics",
            "citedActionIds": [action], "citedInputItemIds": [item] }),
        )
        .await;
    assert_eq!(
        decided["meeting"]["decisions"][0]["citedActionIds"],
        json!([action])
    );
    app.call(
        &officer,
        "linkParticipant",
        "participant { id }",
        json!({ "participantId": person, "activityId": activity }),
    )
    .await;
}

on_both!(another_organisations_records_are_not_named);
