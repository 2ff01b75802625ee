//! The board secretary's pages: establishing a board and setting its seats through "check
//! your answers", the board's page with its seats as a chart and as a table, as of a day;
//! and the refusals: an officer keeps no boards, and another organisation's secretary cannot
//! open the board.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;
use crate::web_visitor::Visitor;

on_both!(
    a_secretary_establishes_a_board_and_sets_its_seats,
    members_are_registered_appointed_renewed_and_erased,
    a_meeting_is_scheduled_and_held_with_its_register,
);

async fn secretary(app: &TestApp, organisations: &[&str]) -> Visitor {
    let mut visitor = Visitor::new(app);
    visitor
        .sign_in(
            app,
            "secretary@example.nhs.uk",
            Role::BoardSecretary,
            organisations,
        )
        .await;
    visitor
}

async fn a_secretary_establishes_a_board_and_sets_its_seats(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    app.register("RX2", "Hilltop Hospital").await;
    let mut clerk = secretary(&app, &["RX1"]).await;
    let home = clerk.get("/").await;
    assert!(
        home.body.contains("href=\"/boards\""),
        "secretaries keep boards"
    );
    assert!(
        !home.body.contains("href=\"/activities\""),
        "and record no activities"
    );
    let csrf = home.form_token();
    let list = clerk.get("/boards").await;
    assert!(list
        .text()
        .contains("There are no boards for your organisations yet"));
    assert!(list.body.contains("href=\"/boards/new\""));

    let established = clerk
        .submit(
            "/boards/new",
            &[
                ("csrf_token", &csrf),
                ("name", "Quality committee"),
                ("kind", "COMMITTEE"),
                ("establishedOn-day", "1"),
                ("establishedOn-month", "4"),
                ("establishedOn-year", "2025"),
            ],
        )
        .await;
    assert_eq!(established.status, 303, "{}", established.text());
    let board = established.location().to_owned();
    assert!(board.starts_with("/boards/"), "{board}");

    // Seats: four patient members who vote. "Do these seats vote?" must be answered.
    let seats = format!("{board}/seats");
    let unanswered = clerk
        .post(
            &seats,
            &[
                ("csrf_token", &csrf),
                ("role", "PATIENT_MEMBER"),
                ("target", "4"),
            ],
        )
        .await;
    assert_eq!(unanswered.status, 400);
    assert!(unanswered
        .text()
        .contains("Select whether these seats vote"));
    let set = clerk
        .submit(
            &seats,
            &[
                ("csrf_token", &csrf),
                ("role", "PATIENT_MEMBER"),
                ("target", "4"),
                ("voting", "true"),
                ("from-day", "1"),
                ("from-month", "4"),
                ("from-year", "2025"),
            ],
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.text());

    let page = clerk.get(&board).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Seats set"));
    assert!(
        page.body
            .contains("<svg class=\"ledger-chart__svg\" role=\"img\""),
        "the seats as a chart"
    );
    let text = page.text();
    assert!(text.contains("Patient members 0 of 4"), "{text}");
    assert!(text.contains("4, voting (0 filled)"), "and as a table");
    assert!(
        text.contains("Seat Vacant for Patient member"),
        "each vacant seat, with how long it has stood vacant: {text}"
    );

    // The seats download, as the page shows them, as CSV.
    assert!(page.body.contains("format=csv"), "offered from the page");
    let csv = clerk.get(&format!("{board}?format=csv")).await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.starts_with(
            "Role,Target,Voting,Filled,Filled by voting members,Vacant,Longest vacancy (days),As of"
        ),
        "{}",
        csv.body
    );
    assert!(
        csv.body.contains("Patient member,4,Yes,0,0,4,"),
        "{}",
        csv.body
    );

    // As it stood on a day before the seats were set: none.
    let before = clerk
        .get(&format!("{board}?asOf-day=2&asOf-month=4&asOf-year=2025"))
        .await;
    assert!(before.text().contains("Seats on 2 April 2025"));
    let token = app.token(Role::Auditor, &["RX1"]);
    let id = board.trim_start_matches("/boards/");
    let api = app
        .ok(
            &token,
            &format!("{{ board(id: \"{id}\") {{ name kind representation {{ roles {{ role target voting }} }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        api["board"],
        json!({ "name": "Quality committee", "kind": "COMMITTEE",
                "representation": { "roles": [{ "role": "PATIENT_MEMBER", "target": 4, "voting": true }] } })
    );

    // An officer keeps no boards; another organisation's secretary cannot open this one.
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    assert_eq!(officer.get(&seats).await.status, 403);
    assert_eq!(officer.get("/boards/new").await.status, 403);
    let mut stranger = secretary(&app, &["RX2"]).await;
    assert_eq!(stranger.get(&board).await.status, 404);
    assert_eq!(stranger.get(&seats).await.status, 404);
}

/// A board of RX1 with four voting patient members' seats, established through the pages.
async fn board_with_seats(app: &TestApp, clerk: &mut Visitor, csrf: &str) -> String {
    let established = clerk
        .submit(
            "/boards/new",
            &[
                ("csrf_token", csrf),
                ("name", "Trust board"),
                ("kind", "TRUST_BOARD"),
                ("establishedOn-day", "1"),
                ("establishedOn-month", "4"),
                ("establishedOn-year", "2025"),
            ],
        )
        .await;
    let board = established.location().to_owned();
    let set = clerk
        .submit(
            &format!("{board}/seats"),
            &[
                ("csrf_token", csrf),
                ("role", "PATIENT_MEMBER"),
                ("target", "4"),
                ("voting", "true"),
                ("from-day", "1"),
                ("from-month", "4"),
                ("from-year", "2025"),
            ],
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.text());
    let _ = app;
    board
}

async fn members_are_registered_appointed_renewed_and_erased(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let mut clerk = secretary(&app, &["RX1"]).await;
    let csrf = clerk.get("/boards").await.form_token();
    let board = board_with_seats(&app, &mut clerk, &csrf).await;

    let registered = clerk
        .submit(
            "/members/new",
            &[
                ("csrf_token", &csrf),
                ("details.displayName", "Asha Patel"),
                ("details.email", "asha@example.org"),
            ],
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.text());
    let member = registered.location().to_owned();
    assert!(member.starts_with("/members/"), "{member}");
    let participant = member.trim_start_matches("/members/").to_owned();
    let consent = clerk
        .submit(
            &format!("{member}/consent"),
            &[
                ("csrf_token", &csrf),
                ("purpose", "BOARD_MEMBERSHIP"),
                ("given", "true"),
            ],
        )
        .await;
    assert_eq!(consent.status, 303, "{}", consent.text());

    // Appointed for a term that ends within 90 days: the board's page offers to renew it.
    let today = chrono::Utc::now().date_naive();
    let ends = today + chrono::Days::new(60);
    let (day, month, year) = (
        ends.format("%-d").to_string(),
        ends.format("%-m").to_string(),
        ends.format("%Y").to_string(),
    );
    let appointed = clerk
        .submit(
            &format!("{board}/appoint"),
            &[
                ("csrf_token", &csrf),
                ("participantId", &participant),
                ("role", "PATIENT_MEMBER"),
                ("voting", "true"),
                ("termStart-day", "1"),
                ("termStart-month", "4"),
                ("termStart-year", "2025"),
                ("termEnd-day", &day),
                ("termEnd-month", &month),
                ("termEnd-year", &year),
            ],
        )
        .await;
    assert_eq!(appointed.status, 303, "{}", appointed.text());
    let page = clerk.get(&board).await;
    let text = page.text();
    assert!(text.contains("Patient members 1 of 4"), "{text}");
    assert!(page
        .body
        .contains(&format!("href=\"{member}\">Asha Patel</a>")));
    let token = app.token(Role::Auditor, &["RX1"]);
    let id = board.trim_start_matches("/boards/");
    let appointment = app
        .ok(
            &token,
            &format!("{{ board(id: \"{id}\") {{ appointments {{ id termEnd }} }} }}"),
            json!({}),
        )
        .await["board"]["appointments"][0]["id"]
        .as_str()
        .expect("an appointment")
        .to_owned();
    assert!(page
        .body
        .contains(&format!("href=\"/appointments/{appointment}/renew\"")));

    let renewed = clerk
        .submit(
            &format!("/appointments/{appointment}/renew"),
            &[
                ("csrf_token", &csrf),
                ("termEnd-day", "31"),
                ("termEnd-month", "3"),
                ("termEnd-year", "2030"),
            ],
        )
        .await;
    assert_eq!(renewed.status, 303, "{}", renewed.text());
    assert_eq!(renewed.location(), board, "back to the board");
    let term = app
        .ok(
            &token,
            &format!("{{ board(id: \"{id}\") {{ appointments {{ termEnd }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(term["board"]["appointments"][0]["termEnd"], "2030-03-31");
    let page = clerk.get(&member).await;
    assert!(page.text().contains("Board membership Given"));
    assert!(
        page.text()
            .contains("Trust board Seat Patient member, voting"),
        "{}",
        page.text()
    );
    assert!(page
        .text()
        .contains("Meetings attended No meeting held yet"));

    // Erased: no name or details anywhere, the seat still on record.
    let admin = app.token(Role::Admin, &[]);
    app.call(
        &admin,
        "eraseParticipant",
        "participant { id }",
        json!({ "participantId": participant, "reason": "DATA_SUBJECT_REQUEST" }),
    )
    .await;
    for path in [board.as_str(), member.as_str()] {
        let page = clerk.get(path).await;
        assert!(page.text().contains("Erased member") || page.text().contains("was erased"));
        assert!(!page.body.contains("Asha"), "{path} names no one erased");
        assert!(!page.body.contains("asha@example.org"));
    }
}

/// Registers `name` with consent to board membership and seats them on `board` as a voting
/// patient member from April 2025; answers the appointment's id.
pub async fn seat(app: &TestApp, token: &str, board: &str, name: &str) -> String {
    let person = app
        .call(
            token,
            "registerParticipant",
            "participant { id }",
            json!({ "organisation": "RX1", "details": { "displayName": name }, "registeredOn": "2025-04-01" }),
        )
        .await["participant"]["id"]
        .clone();
    app.call(
        token,
        "recordConsent",
        "participant { id }",
        json!({ "participantId": person, "purpose": "BOARD_MEMBERSHIP", "given": true, "on": "2025-04-01" }),
    )
    .await;
    app.call(
        token,
        "appointToBoard",
        "appointment { id }",
        json!({ "boardId": board, "participantId": person, "role": "PATIENT_MEMBER",
                "voting": true, "termStart": "2025-04-01", "termEnd": "2028-03-31" }),
    )
    .await["appointment"]["id"]
        .as_str()
        .expect("appointment")
        .to_owned()
}

async fn a_meeting_is_scheduled_and_held_with_its_register(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let mut clerk = secretary(&app, &["RX1"]).await;
    let csrf = clerk.get("/boards").await.form_token();
    let board = board_with_seats(&app, &mut clerk, &csrf).await;
    let board_id = board.trim_start_matches("/boards/");
    let token = app.token(Role::BoardSecretary, &["RX1"]);
    let mut seats = Vec::new();
    for name in ["Asha Patel", "Ben Okafor"] {
        seats.push(seat(&app, &token, board_id, name).await);
    }

    let scheduled = clerk
        .submit(
            &format!("{board}/meetings/new"),
            &[
                ("csrf_token", &csrf),
                ("scheduledFor-day", "14"),
                ("scheduledFor-month", "1"),
                ("scheduledFor-year", "2026"),
            ],
        )
        .await;
    assert_eq!(scheduled.status, 303, "{}", scheduled.text());
    let meeting = scheduled.location().to_owned();
    assert!(meeting.starts_with("/meetings/"), "{meeting}");
    let papers = clerk
        .submit(
            &format!("{meeting}/papers"),
            &[
                ("csrf_token", &csrf),
                ("issuedOn-day", "7"),
                ("issuedOn-month", "1"),
                ("issuedOn-year", "2026"),
            ],
        )
        .await;
    assert_eq!(papers.status, 303, "{}", papers.text());

    // The register: one tick for each member seated that day; Ben was away.
    let form = clerk.get(&format!("{meeting}/held")).await;
    assert!(form.text().contains("Asha Patel, patient member"));
    let held = clerk
        .submit(
            &format!("{meeting}/held"),
            &[
                ("csrf_token", &csrf),
                ("heldOn-day", "14"),
                ("heldOn-month", "1"),
                ("heldOn-year", "2026"),
                ("attendedAppointmentIds", &seats[0]),
                ("quorate", "true"),
            ],
        )
        .await;
    assert_eq!(held.status, 303, "{}", held.text());
    let page = clerk.get(&meeting).await;
    let text = page.text();
    assert!(
        text.contains("Asha Patel Patient member Attended"),
        "{text}"
    );
    assert!(text.contains("Ben Okafor Patient member Absent"));
    assert!(text.contains("Quorate Yes"));
    assert!(text.contains("Papers issued 7 January 2026"));

    // The board's page counts it: attendance by role over the year, days from papers.
    let page = clerk
        .get(&format!("{board}?asOf-day=31&asOf-month=3&asOf-year=2026"))
        .await;
    let text = page.text();
    assert!(text.contains("Patient members 1 of 2 50%"), "{text}");
    assert!(text.contains("Days from papers to meeting (median) 7"));

    // Each member's page counts the meetings they attended of those held while they sat.
    let held = app
        .ok(
            &token,
            "query($b: ID!) { board(id: $b) { appointments { id participant { id } } } }",
            json!({ "b": board_id }),
        )
        .await;
    let appointments = held["board"]["appointments"].as_array().expect("seats");
    for (appointment, attended) in [(&seats[0], "1 of 1 (100%)"), (&seats[1], "0 of 1 (0%)")] {
        let person = appointments
            .iter()
            .find(|a| a["id"] == appointment.as_str())
            .and_then(|a| a["participant"]["id"].as_str())
            .expect("the seat's holder");
        let text = clerk.get(&format!("/members/{person}")).await.text();
        assert!(
            text.contains(&format!("Meetings attended {attended}")),
            "{text}"
        );
    }
}
