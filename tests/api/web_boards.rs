//! The board secretary's pages: establishing a board and setting its seats through "check
//! your answers", the board's page with its seats as a chart and as a table, as of a day;
//! and the refusals: an officer keeps no boards, and another organisation's secretary cannot
//! open the board.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;
use crate::web_visitor::Visitor;

on_both!(a_secretary_establishes_a_board_and_sets_its_seats);

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
