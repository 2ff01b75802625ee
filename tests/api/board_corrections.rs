//! Putting a board's record right: a board, an appointment and a meeting amended with a reason.
//! Representation as of any date follows the corrected facts, and `recordedAsOf` a moment
//! before the corrections answers as the uncorrected record did.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::boards::a_year_of_a_board;
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

on_both!(a_boards_record_is_put_right);

const REPRESENTATION: &str = "query($id: ID!, $asOf: Date, $at: DateTime) {
    board(id: $id, recordedAsOf: $at) { representation(asOf: $asOf) {
      roles { role filled filledVoting vacancies daysVacant }
      attendanceByAppointee { appointmentId percent }
      decisionsCitingPatientInput } } }";

fn reason(category: &str, detail: &str) -> Value {
    json!({ "category": category, "detail": detail })
}

/// The board's representation as of `as_of`, as recorded at `at` (now when `None`).
async fn representation(
    app: &TestApp,
    token: &str,
    board: &str,
    as_of: &str,
    at: Option<&str>,
) -> Value {
    let vars = json!({ "id": board, "asOf": as_of, "at": at });
    app.ok(token, REPRESENTATION, vars).await["board"]["representation"].clone()
}

fn patient_seats(r: &Value) -> (i64, i64, i64) {
    let seats = r["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|x| x["role"] == "PATIENT_MEMBER")
        .expect("patient seats");
    let count = |key: &str| seats[key].as_i64().expect("a count");
    (count("filled"), count("filledVoting"), count("vacancies"))
}

fn rate(r: &Value, appointment: &str) -> Value {
    r["attendanceByAppointee"]
        .as_array()
        .expect("rates")
        .iter()
        .find(|x| x["appointmentId"] == appointment)
        .map_or(Value::Null, |x| x["percent"].clone())
}

async fn amend(app: &TestApp, token: &str, field: &str, input: Value) -> (String, String) {
    let mut input_type = field[..1].to_ascii_uppercase();
    input_type.push_str(&field[1..]);
    let query = format!(
        "mutation($i: {input_type}Input!) {{ {field}(input: $i) {{ receipt {{ replayed }} }} }}"
    );
    app.err(token, &query, json!({ "i": input })).await
}

async fn a_boards_record_is_put_right(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let rep = |as_of: &'static str, at: Option<String>| {
        let (app, auditor, board) = (&app, auditor.clone(), y.board.clone());
        async move { representation(app, &auditor, &board, as_of, at.as_deref()).await }
    };
    // As recorded: on 15 February both patient members vote; on 10 May Bob's seat, vacant
    // since 1 April, is not yet Carol's (her term is recorded as starting on 16 May).
    assert_eq!(patient_seats(&rep("2026-02-15", None).await), (2, 2, 0));
    assert_eq!(patient_seats(&rep("2026-05-10", None).await), (1, 1, 1));
    let april = rep("2026-04-20", None).await;
    assert_eq!(rate(&april, &y.dan), json!(50.0), "Dan missed 20 April");
    assert_eq!(
        rep("2026-02-15", None).await["decisionsCitingPatientInput"],
        1
    );
    let uncorrected = chrono::Utc::now().to_rfc3339();

    // Refusals name the field and both dates, and write nothing.
    let events = app.event_count().await;
    let refusals = [
        (
            "amendAppointment",
            json!({ "appointmentId": y.bob, "termEnd": "2025-12-01",
                    "reason": reason("WRONG_DATE", "From the letter") }),
            "termEnd: 2025-12-01 is not after the term start, 2026-01-01",
        ),
        (
            "amendAppointment",
            json!({ "appointmentId": y.bob, "termStart": "2026-04-01",
                    "reason": reason("WRONG_DATE", "From the letter") }),
            "termStart: 2026-04-01 is after the day the appointment ended, on 2026-03-31",
        ),
        (
            "amendAppointment",
            json!({ "appointmentId": y.bob, "voting": true, "reason": reason("TYPO", "Voting") }),
            "changes: changes nothing: name at least one field with a value different from the record's",
        ),
        (
            "amendBoard",
            json!({ "boardId": y.board, "establishedOn": "2026-01-02",
                    "reason": reason("WRONG_DATE", "Established later") }),
            "establishedOn: 2026-01-02 is after the first seat setting's start, on 2026-01-01",
        ),
        (
            "amendBoardMeeting",
            json!({ "meetingId": y.meetings[0], "heldOn": "2099-01-01", "quorate": false,
                    "reason": reason("WRONG_DATE", "") }),
            "heldOn: must not be in the future; reason.detail: is required",
        ),
    ];
    for (field, input, message) in refusals {
        assert_eq!(
            amend(&app, &secretary, field, input).await,
            ("VALIDATION".to_owned(), message.to_owned())
        );
    }
    // Auditors never correct; another organisation's secretary cannot see the record.
    let stranger = app.token(Role::BoardSecretary, &["R1K"]);
    let input = json!({ "boardId": y.board, "name": "Quality and Safety Committee",
                        "reason": reason("TYPO", "Name") });
    let (code, _) = amend(&app, &auditor, "amendBoard", input.clone()).await;
    assert_eq!(code, "FORBIDDEN");
    let (code, _) = amend(&app, &stranger, "amendBoard", input).await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(app.event_count().await, events);

    // The board's name and kind, once, however often the request is retried.
    for _ in 0..2 {
        let board = app
            .call(
                &secretary,
                "amendBoard",
                "board { name kind corrections { action category detail fields } }",
                json!({ "boardId": y.board, "name": "Quality and Safety Committee",
                        "kind": "TRUST_BOARD", "reason": reason("TYPO", "Named as in its terms"),
                        "idempotencyKey": "board-name" }),
            )
            .await;
        assert_eq!(
            board["board"],
            json!({ "name": "Quality and Safety Committee", "kind": "TRUST_BOARD",
                    "corrections": [{ "action": "AMENDED", "category": "TYPO",
                        "detail": "Named as in its terms", "fields": ["name", "kind"] }] })
        );
    }
    assert_eq!(app.event_count().await, events + 1);

    // Bob never had a vote; Carol's term started on 1 May.
    let bob = app
        .call(
            &secretary,
            "amendAppointment",
            "appointment { voting corrections { fields } }",
            json!({ "appointmentId": y.bob, "voting": false,
                    "reason": reason("WRONG_DETAIL", "A non-voting seat") }),
        )
        .await;
    assert_eq!(
        bob["appointment"],
        json!({ "voting": false, "corrections": [{ "fields": ["voting"] }] })
    );
    let carol = app
        .call(
            &secretary,
            "amendAppointment",
            "appointment { termStart }",
            json!({ "appointmentId": y.carol, "termStart": "2026-05-01",
                    "reason": reason("WRONG_DATE", "Started on 1 May") }),
        )
        .await;
    assert_eq!(carol["appointment"]["termStart"], "2026-05-01");
    assert_eq!(patient_seats(&rep("2026-02-15", None).await), (2, 1, 0));
    assert_eq!(patient_seats(&rep("2026-05-10", None).await), (2, 2, 0));

    // Dan attended on 20 April after all; the February decision cited no input.
    let decision = app
        .ok(
            &auditor,
            "query($id: ID!) { boardMeeting(id: $id) { decisions { id citedInputItemIds } } }",
            json!({ "id": y.meetings[0] }),
        )
        .await["boardMeeting"]["decisions"][0]["id"]
        .clone();
    let meeting = app
        .call(
            &secretary,
            "amendBoardMeeting",
            "meeting { attendedAppointmentIds papersIssuedOn corrections { fields } }",
            json!({ "meetingId": y.meetings[1], "attendedAppointmentIds": [y.alice, y.dan],
                    "papersIssuedOn": "2026-04-01",
                    "reason": reason("WRONG_DETAIL", "The minutes list Dan") }),
        )
        .await;
    assert_eq!(
        meeting["meeting"],
        json!({ "attendedAppointmentIds": [y.alice, y.dan], "papersIssuedOn": "2026-04-01",
                "corrections": [{ "fields": ["papersIssuedOn", "attendedAppointmentIds"] }] })
    );
    let meeting = app
        .call(
            &secretary,
            "amendBoardMeeting",
            "meeting { decisions { citedInputItemIds } corrections { fields } }",
            json!({ "meetingId": y.meetings[0],
                    "decision": { "decisionId": decision, "citedInputItemIds": [] },
                    "reason": reason("WRONG_DETAIL", "Cited in error") }),
        )
        .await;
    assert_eq!(
        meeting["meeting"]["decisions"][0]["citedInputItemIds"],
        json!([])
    );
    assert_eq!(
        meeting["meeting"]["corrections"],
        json!([{ "fields": ["decision.citedInputItemIds"] }])
    );
    assert_eq!(rate(&rep("2026-04-20", None).await, &y.dan), json!(100.0));
    assert_eq!(
        rep("2026-02-15", None).await["decisionsCitingPatientInput"],
        0
    );

    // What the record said before the corrections, about the same days, is unchanged.
    let before = Some(uncorrected);
    assert_eq!(
        patient_seats(&rep("2026-02-15", before.clone()).await),
        (2, 2, 0)
    );
    assert_eq!(
        patient_seats(&rep("2026-05-10", before.clone()).await),
        (1, 1, 1)
    );
    let then = rep("2026-04-20", before.clone()).await;
    assert_eq!(rate(&then, &y.dan), json!(50.0));
    assert_eq!(
        rep("2026-02-15", before).await["decisionsCitingPatientInput"],
        1
    );
}
