//! A year of a board: seats, appointments, a resignation, a vacancy filled after 45 days, a
//! renewal, meetings with attendance, and decisions citing patient input; checked now and as of
//! three past dates, on both backends.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const REPRESENTATION: &str = "query($id: ID!, $asOf: Date, $from: Date) { board(id: $id) {
    representation(asOf: $asOf, from: $from) {
      roles { role target voting filled filledVoting vacancies daysVacant }
      termsEnding { id }
      attendanceByAppointee { appointmentId meetings attended percent }
      attendanceByRole { role meetings attended percent }
      decisions decisionsCitingPatientInput percentDecisionsCitingPatientInput medianDaysPapersToMeeting } } }";

pub(crate) struct Year {
    pub board: String,
    pub alice: String,
    pub bob: String,
    pub carol: String,
    pub dan: String,
    pub bob_person: String,
    pub item: String,
    pub meetings: Vec<String>,
}

async fn person(app: &TestApp, token: &str, name: &str) -> String {
    let data = app
        .ok(
            token,
            "mutation($i: RegisterParticipantInput!) { registerParticipant(input: $i) { participant { id } } }",
            json!({ "i": { "organisation": "QMJ", "registeredOn": "2025-12-01", "details": { "displayName": name } } }),
        )
        .await;
    data["registerParticipant"]["participant"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn appoint(
    app: &TestApp,
    token: &str,
    board: &str,
    who: &str,
    role: &str,
    voting: bool,
    (start, end): (&str, &str),
) -> String {
    let data = app
        .ok(
            token,
            "mutation($i: AppointToBoardInput!) { appointToBoard(input: $i) { appointment { id } } }",
            json!({ "i": { "boardId": board, "participantId": who, "role": role, "voting": voting,
                "termStart": start, "termEnd": end } }),
        )
        .await;
    data["appointToBoard"]["appointment"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn meeting(
    app: &TestApp,
    token: &str,
    board: &str,
    papers: &str,
    held: &str,
    attended: &[&str],
    citing: &[Vec<String>],
) -> String {
    let data = app
        .ok(
            token,
            "mutation($i: ScheduleBoardMeetingInput!) { scheduleBoardMeeting(input: $i) { meeting { id } } }",
            json!({ "i": { "boardId": board, "scheduledFor": held } }),
        )
        .await;
    let id = data["scheduleBoardMeeting"]["meeting"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.ok(token, "mutation($i: RecordPapersIssuedInput!) { recordPapersIssued(input: $i) { meeting { id } } }", json!({ "i": { "meetingId": id, "issuedOn": papers } }))
        .await;
    app.ok(
        token,
        "mutation($i: RecordBoardMeetingHeldInput!) { recordBoardMeetingHeld(input: $i) { meeting { id } } }",
        json!({ "i": { "meetingId": id, "heldOn": held, "attendedAppointmentIds": attended, "quorate": true } }),
    )
    .await;
    for (n, cited) in citing.iter().enumerate() {
        app.ok(
            token,
            "mutation($i: RecordBoardDecisionInput!) { recordBoardDecision(input: $i) { meeting { id } } }",
            json!({ "i": { "meetingId": id, "title": format!("Decision {n}"), "citedInputItemIds": cited,
                "patientMembersPresent": true, "patientMembersVoted": true } }),
        )
        .await;
    }
    id
}

pub(crate) async fn a_year_of_a_board(app: &TestApp) -> Year {
    app.register("QMJ", "North Central Trust").await;
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(app, &officer, "QMJ", "2026-01-05").await;
    let item = record_item(
        app,
        &officer,
        &activity,
        "Patients on the quality committee",
        "2026-01-05",
    )
    .await;

    let board = app
        .ok(
            &secretary,
            "mutation($i: EstablishBoardInput!) { establishBoard(input: $i) { board { id } } }",
            json!({ "i": { "organisation": "QMJ", "name": "Quality Committee", "kind": "COMMITTEE", "establishedOn": "2026-01-01" } }),
        )
        .await["establishBoard"]["board"]["id"]
        .as_str()
        .expect("board id")
        .to_owned();
    for (role, target, voting) in [("PATIENT_MEMBER", 2, true), ("LAY_MEMBER", 1, false)] {
        app.ok(
            &secretary,
            "mutation($i: SetBoardSeatsInput!) { setBoardSeats(input: $i) { board { id } } }",
            json!({ "i": { "boardId": board, "role": role, "target": target, "voting": voting, "from": "2026-01-01" } }),
        )
        .await;
    }
    let (a, b, c, d) = (
        person(app, &secretary, "Alice A").await,
        person(app, &secretary, "Bob B").await,
        person(app, &secretary, "Carol C").await,
        person(app, &secretary, "Dan D").await,
    );
    let alice = appoint(
        app,
        &secretary,
        &board,
        &a,
        "PATIENT_MEMBER",
        true,
        ("2026-01-01", "2026-12-31"),
    )
    .await;
    let bob = appoint(
        app,
        &secretary,
        &board,
        &b,
        "PATIENT_MEMBER",
        true,
        ("2026-01-01", "2026-06-30"),
    )
    .await;
    let dan = appoint(
        app,
        &secretary,
        &board,
        &d,
        "LAY_MEMBER",
        false,
        ("2026-01-01", "2026-06-30"),
    )
    .await;
    let m1 = meeting(
        app,
        &secretary,
        &board,
        "2026-02-03",
        "2026-02-10",
        &[&alice, &bob, &dan],
        &[vec![item.clone()], vec![]],
    )
    .await;
    app.ok(
        &secretary,
        "mutation($i: EndAppointmentInput!) { endAppointment(input: $i) { appointment { ended { reason } } } }",
        json!({ "i": { "appointmentId": bob, "reason": "RESIGNED", "endedOn": "2026-03-31" } }),
    )
    .await;
    let m2 = meeting(
        app,
        &secretary,
        &board,
        "2026-04-13",
        "2026-04-20",
        &[&alice],
        &[vec![]],
    )
    .await;
    // The vacancy from 1 April is filled 45 days later.
    let carol = appoint(
        app,
        &secretary,
        &board,
        &c,
        "PATIENT_MEMBER",
        true,
        ("2026-05-16", "2027-05-14"),
    )
    .await;
    app.ok(
        &secretary,
        "mutation($i: RenewAppointmentInput!) { renewAppointment(input: $i) { appointment { termEnd } } }",
        json!({ "i": { "appointmentId": dan, "termEnd": "2027-06-30", "renewedOn": "2026-06-01" } }),
    )
    .await;
    let m3 = meeting(
        app,
        &secretary,
        &board,
        "2026-06-05",
        "2026-06-15",
        &[&alice, &carol, &dan],
        &[vec![item.clone()]],
    )
    .await;
    Year {
        board,
        alice,
        bob,
        carol,
        dan,
        bob_person: b,
        item,
        meetings: vec![m1, m2, m3],
    }
}

fn role<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|x| x["role"] == name)
        .expect("role listed")
}

fn rate<'a>(r: &'a Value, appointment: &str) -> &'a Value {
    r["attendanceByAppointee"]
        .as_array()
        .expect("rates")
        .iter()
        .find(|x| x["appointmentId"] == appointment)
        .expect("rate listed")
}

async fn representation_over_a_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let rep = |as_of: Option<&str>, from: Option<&str>| {
        let auditor = auditor.clone();
        let board = y.board.clone();
        let vars = json!({ "id": board, "asOf": as_of, "from": from });
        let app = &app;
        async move { app.ok(&auditor, REPRESENTATION, vars).await["board"]["representation"].clone() }
    };

    // 15 February: both patient seats and the lay seat filled.
    let r = rep(Some("2026-02-15"), None).await;
    let p = role(&r, "PATIENT_MEMBER");
    assert_eq!(
        (
            p["target"].as_i64(),
            p["filled"].as_i64(),
            p["filledVoting"].as_i64(),
            p["vacancies"].as_i64()
        ),
        (Some(2), Some(2), Some(2), Some(0))
    );
    assert_eq!(p["voting"], true);
    let l = role(&r, "LAY_MEMBER");
    assert_eq!(
        (
            l["filled"].as_i64(),
            l["filledVoting"].as_i64(),
            l["voting"].as_bool()
        ),
        (Some(1), Some(0), Some(false))
    );
    assert_eq!(
        (
            r["decisions"].as_i64(),
            r["decisionsCitingPatientInput"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(r["medianDaysPapersToMeeting"], 7.0);

    // 20 April: Bob resigned on 31 March; his seat has stood vacant for 20 days.
    let r = rep(Some("2026-04-20"), None).await;
    let p = role(&r, "PATIENT_MEMBER");
    assert_eq!(
        (p["filled"].as_i64(), p["vacancies"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(p["daysVacant"], json!([20]));
    assert_eq!(rate(&r, &y.dan)["percent"], 50.0, "Dan missed 20 April");

    // 20 May: filled again; Dan's term (before its renewal on 1 June) ends within 90 days.
    let r = rep(Some("2026-05-20"), None).await;
    let p = role(&r, "PATIENT_MEMBER");
    assert_eq!(
        (p["filled"].as_i64(), p["vacancies"].as_i64()),
        (Some(2), Some(0))
    );
    assert_eq!(p["daysVacant"], json!([]));
    assert_eq!(r["termsEnding"], json!([{ "id": y.dan }]));

    // On 1 December (after every date above), over the year from 1 January: a fixed day, so
    // that Alice's term (ending 31 December) is within 90 days whenever the test runs.
    let r = rep(Some("2026-12-01"), Some("2026-01-01")).await;
    assert_eq!(
        r["termsEnding"],
        json!([{ "id": y.alice }]),
        "Alice's term ends on 31 December"
    );
    assert_eq!(
        (
            rate(&r, &y.alice)["meetings"].as_i64(),
            rate(&r, &y.alice)["attended"].as_i64()
        ),
        (Some(3), Some(3))
    );
    assert_eq!(
        (
            rate(&r, &y.bob)["meetings"].as_i64(),
            rate(&r, &y.bob)["attended"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        (
            rate(&r, &y.carol)["meetings"].as_i64(),
            rate(&r, &y.carol)["attended"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        (
            rate(&r, &y.dan)["meetings"].as_i64(),
            rate(&r, &y.dan)["percent"].as_f64()
        ),
        (Some(3), Some(66.7))
    );
    let by_role = &r["attendanceByRole"];
    assert_eq!(
        by_role,
        &json!([
            { "role": "PATIENT_MEMBER", "meetings": 5, "attended": 5, "percent": 100.0 },
            { "role": "LAY_MEMBER", "meetings": 3, "attended": 2, "percent": 66.7 }
        ])
    );
    assert_eq!(
        (
            r["decisions"].as_i64(),
            r["decisionsCitingPatientInput"].as_i64()
        ),
        (Some(4), Some(2))
    );
    assert_eq!(r["percentDecisionsCitingPatientInput"], 50.0);
    assert_eq!(r["medianDaysPapersToMeeting"], 7.0, "7, 7 and 10 days");

    // The organisation's roll-up over its one board.
    let org = app
        .ok(&auditor, "{ organisation(odsCode: \"QMJ\") { representation(asOf: \"2026-04-20\") {
            boards roles { role target filled vacancies } decisions decisionsCitingPatientInput } } }", json!({}))
        .await["organisation"]["representation"]
        .clone();
    assert_eq!(org["boards"], 1);
    assert_eq!(
        org["roles"][0],
        json!({ "role": "PATIENT_MEMBER", "target": 2, "filled": 1, "vacancies": 1 })
    );
    assert_eq!(
        (
            org["decisions"].as_i64(),
            org["decisionsCitingPatientInput"].as_i64()
        ),
        (Some(3), Some(1))
    );

    // The trail from input to board decisions, from the input's side.
    let cited = app
        .ok(&auditor, "query($id: ID!) { inputItem(id: $id) { boardDecisions { meetingId citesPatientInput } } }", json!({ "id": y.item }))
        .await;
    let decisions = cited["inputItem"]["boardDecisions"]
        .as_array()
        .expect("decisions");
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["meetingId"], y.meetings[0].as_str());
    assert_eq!(decisions[1]["meetingId"], y.meetings[2].as_str());
}

async fn who_sat_on_the_board(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    for (day, expected) in [
        ("2025-12-31", vec![]),
        ("2026-01-01", vec![&y.alice, &y.bob, &y.dan]),
        ("2026-03-31", vec![&y.alice, &y.bob, &y.dan]),
        ("2026-04-01", vec![&y.alice, &y.dan]),
        ("2026-05-15", vec![&y.alice, &y.dan]),
        ("2026-05-16", vec![&y.alice, &y.dan, &y.carol]),
        ("2026-07-01", vec![&y.alice, &y.dan, &y.carol]),
        ("2027-01-01", vec![&y.dan, &y.carol]),
    ] {
        let members = app
            .ok(
                &auditor,
                "query($id: ID!, $on: Date) { board(id: $id) { members(on: $on) { id } } }",
                json!({ "id": y.board, "on": day }),
            )
            .await;
        let mut got: Vec<String> = members["board"]["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["id"].as_str().expect("id").to_owned())
            .collect();
        let mut want: Vec<String> = expected.into_iter().cloned().collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "members on {day}");
    }
}

async fn board_rules_refuse_and_append_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let before = app.event_count().await;
    let appoint =
        "mutation($i: AppointToBoardInput!) { appointToBoard(input: $i) { appointment { id } } }";
    let alice_person = app
        .ok(
            &secretary,
            "query($id: ID!) { board(id: $id) { appointments { id participant { id } } } }",
            json!({ "id": y.board }),
        )
        .await["board"]["appointments"][0]["participant"]["id"]
        .as_str()
        .expect("participant")
        .to_owned();

    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "term end before start",
            json!({ "i": { "boardId": y.board, "participantId": alice_person, "role": "LAY_MEMBER",
            "voting": false, "termStart": "2027-02-01", "termEnd": "2027-01-01" } }),
            "VALIDATION",
            "termEnd",
        ),
        (
            "a second seat at the same time",
            json!({ "i": { "boardId": y.board, "participantId": alice_person, "role": "LAY_MEMBER",
            "voting": false, "termStart": "2026-06-01", "termEnd": "2026-09-01" } }),
            "CONFLICT",
            "participantId",
        ),
    ];
    for (what, vars, code, field) in cases {
        let (got, message) = app.err(&secretary, appoint, vars).await;
        assert_eq!(got, code, "{what}: {message}");
        assert!(message.contains(field), "{what}: {message}");
    }
    let (code, message) = app
        .err(&secretary, "mutation($i: EndAppointmentInput!) { endAppointment(input: $i) { appointment { id } } }",
            json!({ "i": { "appointmentId": y.bob, "reason": "REMOVED", "endedOn": "2026-04-01" } }))
        .await;
    assert_eq!(code, "CONFLICT", "ending twice: {message}");
    let (code, message) = app
        .err(&secretary, "mutation($i: RecordBoardMeetingHeldInput!) { recordBoardMeetingHeld(input: $i) { meeting { id } } }",
            json!({ "i": { "meetingId": y.meetings[2], "heldOn": "2026-06-15", "attendedAppointmentIds": [y.bob], "quorate": true } }))
        .await;
    assert_eq!(code, "CONFLICT", "a meeting is held once: {message}");
    let (code, _) = app
        .err(
            &officer,
            "mutation($i: EstablishBoardInput!) { establishBoard(input: $i) { board { id } } }",
            json!({ "i": { "organisation": "QMJ", "name": "X", "kind": "OTHER" } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN", "engagement officers do not keep boards");
    assert_eq!(app.event_count().await, before, "nothing appended");

    // Another organisation's input item cannot be cited, nor shown to exist.
    app.register("RJ1", "Riverside Trust").await;
    let other = app.token(Role::EngagementOfficer, &["RJ1"]);
    let theirs_activity = crate::helpers::plan_activity(&app, &other, "RJ1", "2026-02-01").await;
    let theirs = record_item(&app, &other, &theirs_activity, "Their input", "2026-02-01").await;
    let before = app.event_count().await;
    let (code, message) = app
        .err(&secretary, "mutation($i: RecordBoardDecisionInput!) { recordBoardDecision(input: $i) { meeting { id } } }",
            json!({ "i": { "meetingId": y.meetings[0], "title": "Cites elsewhere", "citedInputItemIds": [y.item, theirs] } }))
        .await;
    assert_eq!(code, "NOT_FOUND", "{message}");
    assert!(message.contains("citedInputItemIds[1]"), "{message}");
    assert_eq!(app.event_count().await, before, "nothing appended");

    // Attendance only for people appointed on the day, and no appointments to a dissolved board.
    let fresh = app
        .ok(&secretary, "mutation($i: ScheduleBoardMeetingInput!) { scheduleBoardMeeting(input: $i) { meeting { id } } }",
            json!({ "i": { "boardId": y.board, "scheduledFor": "2026-09-01" } }))
        .await["scheduleBoardMeeting"]["meeting"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let before = app.event_count().await;
    let (code, message) = app
        .err(&secretary, "mutation($i: RecordBoardMeetingHeldInput!) { recordBoardMeetingHeld(input: $i) { meeting { id } } }",
            json!({ "i": { "meetingId": fresh, "heldOn": "2026-09-01", "attendedAppointmentIds": [y.alice, y.bob], "quorate": true } }))
        .await;
    assert_eq!(code, "VALIDATION", "{message}");
    assert!(
        message.contains("attended[1]") || message.contains("attendedAppointmentIds[1]"),
        "{message}"
    );
    app.ok(
        &secretary,
        "mutation($i: DissolveBoardInput!) { dissolveBoard(input: $i) { board { dissolvedOn } } }",
        json!({ "i": { "boardId": y.board, "dissolvedOn": "2026-10-01" } }),
    )
    .await;
    let before_appoint = app.event_count().await;
    assert_eq!(before_appoint, before + 1);
    let (code, message) = app
        .err(
            &secretary,
            appoint,
            json!({ "i": { "boardId": y.board, "participantId": alice_person, "role": "LAY_MEMBER",
            "voting": false, "termStart": "2027-02-01", "termEnd": "2028-01-01" } }),
        )
        .await;
    assert!(
        code == "CONFLICT" && message.contains("dissolved"),
        "{code}: {message}"
    );
    assert_eq!(app.event_count().await, before_appoint);
}

async fn erased_member_keeps_the_figures(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let vars = json!({ "id": y.board, "asOf": "2026-02-15", "from": "2026-01-01" });
    let before = app.ok(&secretary, REPRESENTATION, vars.clone()).await;
    app.ok(
        &app.admin(),
        "mutation($i: EraseParticipantInput!) { eraseParticipant(input: $i) { participant { status } } }",
        json!({ "i": { "participantId": y.bob_person, "reason": "DATA_SUBJECT_REQUEST" } }),
    )
    .await;
    assert_eq!(
        app.ok(&secretary, REPRESENTATION, vars).await,
        before,
        "seat counts and attendance unchanged"
    );
    let members = app
        .ok(&secretary, "query($id: ID!) { board(id: $id) { members(on: \"2026-02-15\") { id participant { status displayName } } } }", json!({ "id": y.board }))
        .await;
    let bob = members["board"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["id"] == y.bob.as_str())
        .expect("bob listed")
        .clone();
    assert_eq!(
        bob["participant"],
        json!({ "status": "ERASED", "displayName": null })
    );
    let alice = members["board"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["id"] == y.alice.as_str())
        .expect("alice")
        .clone();
    assert_eq!(alice["participant"]["displayName"], "Alice A");
}

on_both!(
    representation_over_a_year,
    who_sat_on_the_board,
    board_rules_refuse_and_append_nothing,
    erased_member_keeps_the_figures
);
