//! A held meeting's decisions through the pages: the secretary finds the input item and the
//! action a decision cites by their words, keeps what they ticked across searches, records the
//! decision, and reads it back on the meeting's page, the printable register and the board's
//! decision log. Nobody else records decisions of the board.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{plan_activity, propose_action, record_item, spawn_app, Backend, TestApp};
use crate::on_both;
use crate::web_boards::seat;
use crate::web_visitor::Visitor;

on_both!(a_decision_cites_input_found_by_its_words);

/// A board of RX1 with one patient member seated, and a meeting held on 14 January 2026 that
/// she attended; answers the meeting's page.
async fn held_meeting(app: &TestApp) -> String {
    let token = app.token(Role::BoardSecretary, &["RX1"]);
    let board = app
        .call(
            &token,
            "establishBoard",
            "board { id }",
            json!({ "organisation": "RX1", "name": "Quality committee", "kind": "COMMITTEE",
                "establishedOn": "2025-04-01" }),
        )
        .await["board"]["id"]
        .clone();
    let board = board.as_str().expect("board");
    let seat = seat(app, &token, board, "Asha Patel").await;
    let meeting = app
        .call(
            &token,
            "scheduleBoardMeeting",
            "meeting { id }",
            json!({ "boardId": board, "scheduledFor": "2026-01-14" }),
        )
        .await["meeting"]["id"]
        .as_str()
        .expect("meeting")
        .to_owned();
    app.call(
        &token,
        "recordBoardMeetingHeld",
        "meeting { id }",
        json!({ "meetingId": meeting, "heldOn": "2026-01-14", "attendedAppointmentIds": [seat],
            "quorate": true }),
    )
    .await;
    format!("/meetings/{meeting}")
}

async fn a_decision_cites_input_found_by_its_words(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    app.register("RX2", "Hilltop Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &officer, "RX1", "2025-12-01").await;
    let item = record_item(
        &app,
        &officer,
        &activity,
        "Letters arrive after the clinic date",
        "2025-12-01",
    )
    .await;
    record_item(
        &app,
        &officer,
        &activity,
        "More parking for visitors",
        "2025-12-01",
    )
    .await;
    let action = propose_action(&app, &officer, "RX1", &item, "Send clinic letters by email").await;
    let meeting = held_meeting(&app).await;

    let mut clerk = Visitor::new(&app);
    clerk
        .sign_in(
            &app,
            "secretary@example.nhs.uk",
            Role::BoardSecretary,
            &["RX1"],
        )
        .await;
    let page = clerk.get(&meeting).await;
    assert!(
        page.body.contains(&format!("{meeting}/decisions/cite")),
        "{}",
        page.text()
    );
    let csrf = page.form_token();

    // Found by words: the letters item, not the parking one; then the action, the item kept.
    let found = clerk
        .get(&format!("{meeting}/decisions/cite?words=letters+clinic"))
        .await;
    assert_eq!(found.status, 200, "{}", found.text());
    let text = found.text();
    assert!(
        text.contains("Letters arrive after the clinic date (raised 1 December 2025)"),
        "{text}"
    );
    assert!(!text.contains("More parking"), "{text}");
    assert!(
        text.contains("Send clinic letters by email"),
        "actions are found by words too: {text}"
    );
    let kept = clerk
        .get(&format!(
            "{meeting}/decisions/cite?words=parking&citedInputItemIds={item}"
        ))
        .await;
    let text = kept.text();
    assert!(text.contains("More parking for visitors"));
    assert!(
        kept.body.contains(&format!("value=\"{item}\" checked")),
        "what was ticked stays ticked"
    );
    let nothing = clerk
        .get(&format!("{meeting}/decisions/cite?words=zebra"))
        .await;
    assert!(nothing
        .text()
        .contains("No input item or action holds all of those words"));

    // Continued to the decision with both ticked, they are its choices, ticked.
    let form_path = format!("{meeting}/decisions/new");
    let form = clerk
        .get(&format!(
            "{form_path}?citedInputItemIds={item}&citedActionIds={action}"
        ))
        .await;
    let text = form.text();
    assert!(text.contains("Input items it cites"), "{text}");
    assert!(text.contains("Letters arrive after the clinic date"));
    assert!(text.contains("Send clinic letters by email"));
    let unanswered = clerk
        .post(
            &form_path,
            &[("csrf_token", &csrf), ("citedInputItemIds", &item)],
        )
        .await;
    assert_eq!(unanswered.status, 400);
    assert!(unanswered.text().contains("Enter what was decided"));
    let decided = clerk
        .submit(
            &form_path,
            &[
                ("csrf_token", &csrf),
                ("title", "Approve email letters for outpatients"),
                ("citedInputItemIds", &item),
                ("citedActionIds", &action),
                ("patientMembersPresent", "true"),
                ("patientMembersVoted", "true"),
            ],
        )
        .await;
    assert_eq!(decided.status, 303, "{}", decided.text());
    let text = clerk.get(&meeting).await.text();
    assert!(
        text.contains("Approve email letters for outpatients"),
        "{text}"
    );
    assert!(text.contains("cites patient input, patient members present, patient members voted"));

    // The printable register and the board's decision log.
    let register = clerk.get(&format!("{meeting}/register")).await;
    let text = register.text();
    assert!(
        text.contains("Attendance register, 14 January 2026"),
        "{text}"
    );
    assert!(
        text.contains("Asha Patel Patient member Attended"),
        "{text}"
    );
    let board = text_link(&clerk.get(&meeting).await.body, "/boards/");
    let log = clerk.get(&format!("{board}/decision-log")).await;
    let text = log.text();
    assert!(
        text.contains("Approve email letters for outpatients"),
        "{text}"
    );
    assert!(
        text.contains("Input: Letters arrive after the clinic date"),
        "{text}"
    );
    assert!(
        text.contains("Action: Send clinic letters by email"),
        "{text}"
    );
    assert!(text.contains("Present and voted"));

    // Another organisation's secretary finds nothing; an auditor records nothing.
    let mut stranger = Visitor::new(&app);
    stranger
        .sign_in(&app, "other@example.nhs.uk", Role::BoardSecretary, &["RX2"])
        .await;
    assert_eq!(
        stranger
            .get(&format!("{meeting}/decisions/cite"))
            .await
            .status,
        404
    );
    assert_eq!(
        stranger.get(&format!("{board}/decision-log")).await.status,
        404
    );
    let mut auditor = Visitor::new(&app);
    auditor
        .sign_in(&app, "auditor@example.nhs.uk", Role::Auditor, &["RX1"])
        .await;
    assert_eq!(
        auditor
            .get(&format!("{meeting}/decisions/cite"))
            .await
            .status,
        403
    );
    assert_eq!(auditor.get(&form_path).await.status, 403);
}

/// The first link in `body` to an address starting `prefix`.
fn text_link(body: &str, prefix: &str) -> String {
    let at = body.find(&format!("href=\"{prefix}")).expect("a link") + 6;
    body[at..]
        .split('"')
        .next()
        .expect("its address")
        .to_owned()
}
