//! `fieldHistory` for every kind of record: organisations, boards, appointments, board
//! meetings and participants, each found and refused as its own query finds and refuses it;
//! an amendment shows with its reason, and a participant's personal details only as a sealed
//! change, never their values.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::boards::a_year_of_a_board;
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

on_both!(every_record_has_a_field_history);

const HISTORY: &str = "query($record: HistoryRecord!, $id: ID!) {
    fieldHistory(record: $record, id: $id) {
      nodes { event { eventType } reason { category detail } changes { field old new sealed } } } }";

async fn history(app: &TestApp, token: &str, record: &str, id: &str) -> Vec<Value> {
    let data = app
        .ok(token, HISTORY, json!({ "record": record, "id": id }))
        .await;
    data["fieldHistory"]["nodes"]
        .as_array()
        .expect("revisions")
        .clone()
}

fn event_types(revisions: &[Value]) -> Vec<&str> {
    revisions
        .iter()
        .map(|r| r["event"]["eventType"].as_str().expect("an event type"))
        .collect()
}

fn change<'a>(revision: &'a Value, field: &str) -> &'a Value {
    revision["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == field)
        .unwrap_or_else(|| panic!("{field} changed in {revision}"))
}

async fn every_record_has_a_field_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);

    let organisation = history(&app, &auditor, "ORGANISATION", "qmj").await;
    assert_eq!(event_types(&organisation), ["OrganisationRegistered"]);
    assert_eq!(
        change(&organisation[0], "name")["new"],
        "North Central Trust"
    );

    app.call(
        &secretary,
        "amendBoard",
        "board { id }",
        json!({ "boardId": y.board, "name": "Quality and Safety Committee",
                "reason": { "category": "TYPO", "detail": "Named as in its terms" } }),
    )
    .await;
    let board = history(&app, &auditor, "BOARD", &y.board).await;
    assert_eq!(
        event_types(&board),
        ["BoardEstablished", "SeatsSet", "SeatsSet", "BoardAmended"]
    );
    assert_eq!(
        board[3],
        json!({ "event": { "eventType": "BoardAmended" },
                "reason": { "category": "TYPO", "detail": "Named as in its terms" },
                "changes": [{ "field": "name", "old": "Quality Committee",
                              "new": "Quality and Safety Committee", "sealed": false }] })
    );

    app.call(
        &secretary,
        "amendAppointment",
        "appointment { id }",
        json!({ "appointmentId": y.bob, "termStart": "2026-01-05",
                "reason": { "category": "WRONG_DATE", "detail": "From the letter" } }),
    )
    .await;
    let appointment = history(&app, &auditor, "APPOINTMENT", &y.bob).await;
    assert_eq!(
        event_types(&appointment),
        ["Appointed", "AppointmentEnded", "AppointmentAmended"]
    );
    assert_eq!(appointment[2]["reason"]["detail"], "From the letter");
    assert_eq!(
        appointment[2]["changes"],
        json!([{ "field": "term_start", "old": "2026-01-01", "new": "2026-01-05", "sealed": false }])
    );

    let meeting = history(&app, &auditor, "BOARD_MEETING", &y.meetings[1]).await;
    assert_eq!(
        event_types(&meeting),
        [
            "MeetingScheduled",
            "PapersIssued",
            "MeetingHeld",
            "DecisionRecorded"
        ]
    );
    assert_eq!(change(&meeting[1], "papers_issued_on")["new"], "2026-04-13");

    // Personal details: that they were set and changed, and nothing of what they say.
    app.call(
        &secretary,
        "updateParticipantDetails",
        "participant { id }",
        json!({ "participantId": y.bob_person, "updatedOn": "2026-02-01",
                "details": { "displayName": "Robert Bloggs", "email": "robert@example.org" } }),
    )
    .await;
    let (_, body) = app
        .post(
            Some(&auditor),
            HISTORY,
            json!({ "record": "PARTICIPANT", "id": y.bob_person }),
        )
        .await;
    let text = body.to_string();
    for secret in [
        "Bob B",
        "Robert",
        "robert@example.org",
        "Encrypted",
        "Plain",
    ] {
        assert!(!text.contains(secret), "{secret} shown in {text}");
    }
    let participant = history(&app, &auditor, "PARTICIPANT", &y.bob_person).await;
    assert_eq!(
        event_types(&participant)[..2],
        ["ParticipantRegistered", "DetailsUpdated"]
    );
    let sealed = json!({ "field": "details", "old": null, "new": null, "sealed": true });
    assert_eq!(change(&participant[0], "details"), &sealed);
    assert_eq!(change(&participant[1], "details"), &sealed);
    assert_eq!(
        change(&participant[1], "details_updated_on[0]")["new"],
        "2026-02-01"
    );

    // Each record is refused, as its own query refuses it, to another organisation's reader.
    let stranger = app.token(Role::Auditor, &["R1K"]);
    for (record, id, what) in [
        ("ORGANISATION", "QMJ", "organisation"),
        ("BOARD", y.board.as_str(), "board"),
        ("APPOINTMENT", y.bob.as_str(), "appointment"),
        ("BOARD_MEETING", y.meetings[1].as_str(), "board meeting"),
        ("PARTICIPANT", y.bob_person.as_str(), "participant"),
    ] {
        let refused = app
            .err(&stranger, HISTORY, json!({ "record": record, "id": id }))
            .await;
        assert_eq!(
            refused,
            ("NOT_FOUND".to_owned(), format!("{what} not found"))
        );
    }
}
