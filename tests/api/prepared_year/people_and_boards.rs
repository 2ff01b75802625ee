//! The prepared year's people and boards: three board members and a contributor, QMJ's board
//! and RAL's committee with their seats, appointments, meetings and decisions.

use partnership_ledger::auth::Role;
use serde_json::json;

use super::builders::{appoint, board, meeting, person, Officer};
use super::{PreparedYear, ICB, TRUST};
use crate::helpers::TestApp;

/// Registers the people and keeps the boards of the year (see the module documentation of
/// [`super`]), citing `year`'s input, and adds their ids to it.
pub(super) async fn build(app: &TestApp, qmj: &Officer<'_>, year: &mut PreparedYear) {
    // People: three board members and a contributor.
    let qmj_secretary = app.token(Role::BoardSecretary, &[ICB]);
    let ral_secretary = app.token(Role::BoardSecretary, &[TRUST]);
    let participants = vec![
        person(app, &qmj_secretary, ICB, 0).await,
        person(app, &qmj_secretary, ICB, 1).await,
        person(app, &ral_secretary, TRUST, 2).await,
        person(app, &qmj.token, ICB, 3).await,
    ];
    for link in [
        json!({ "participantId": participants[3], "activityId": year.letters_group }),
        json!({ "participantId": participants[3], "inputItemId": year.plain_letters }),
    ] {
        qmj.call("linkParticipant", "participant { id }", link)
            .await;
    }
    qmj.call(
        "recordConsent",
        "participant { id }",
        json!({ "participantId": participants[3], "purpose": "FEEDBACK_CONTACT", "given": true, "on": "2025-05-20" }),
    )
    .await;

    // Boards.
    let icb_board = board(
        app,
        &qmj_secretary,
        (ICB, "ICB Board", "ICB_BOARD"),
        &[("PATIENT_MEMBER", 2, true), ("LAY_MEMBER", 1, false)],
    )
    .await;
    let patient_member = appoint(
        app,
        &qmj_secretary,
        &icb_board,
        (&participants[0], "PATIENT_MEMBER", true),
        ("2025-04-01", "2026-05-31"),
    )
    .await;
    let lay_member = appoint(
        app,
        &qmj_secretary,
        &icb_board,
        (&participants[1], "LAY_MEMBER", false),
        ("2025-09-01", "2027-08-31"),
    )
    .await;
    let (m1, d) = meeting(
        app,
        &qmj_secretary,
        &icb_board,
        ("2025-07-08", "2025-07-15"),
        &[&patient_member],
        &[
            ("Adopt plain-English letters", &[&year.plain_letters]),
            ("Approve the budget", &[]),
        ],
    )
    .await;
    let (letters_decision, budget_decision) = (d[0].clone(), d[1].clone());
    let (m2, d) = meeting(
        app,
        &qmj_secretary,
        &icb_board,
        ("2025-12-09", "2025-12-16"),
        &[&lay_member],
        &[(
            "Commission a discharge pathway",
            &[&year.gp_letters, &year.discharge_medicines],
        )],
    )
    .await;
    let discharge_decision = d[0].clone();
    let (m3, d) = meeting(
        app,
        &qmj_secretary,
        &icb_board,
        ("2026-03-10", "2026-03-17"),
        &[&patient_member, &lay_member],
        &[
            ("Fund weekend crisis cover", &[&year.weekend_crisis_line]),
            ("Estates strategy", &[]),
        ],
    )
    .await;
    let (crisis_decision, estates_decision) = (d[0].clone(), d[1].clone());
    let committee = board(
        app,
        &ral_secretary,
        (TRUST, "Patient Experience Committee", "COMMITTEE"),
        &[("CARER_REPRESENTATIVE", 1, false)],
    )
    .await;
    let carer_rep = appoint(
        app,
        &ral_secretary,
        &committee,
        (&participants[2], "CARER_REPRESENTATIVE", false),
        ("2025-06-01", "2026-04-30"),
    )
    .await;
    let (m4, d) = meeting(
        app,
        &ral_secretary,
        &committee,
        ("2026-01-20", "2026-01-27"),
        &[],
        &[("Install waiting-time screens", &[&year.waiting_screens])],
    )
    .await;
    let screens_decision = d[0].clone();

    year.icb_board = icb_board;
    year.patient_member = patient_member;
    year.lay_member = lay_member;
    year.committee = committee;
    year.carer_rep = carer_rep;
    year.meetings = vec![m1, m2, m3, m4];
    year.letters_decision = letters_decision;
    year.budget_decision = budget_decision;
    year.discharge_decision = discharge_decision;
    year.crisis_decision = crisis_decision;
    year.estates_decision = estates_decision;
    year.screens_decision = screens_decision;
    year.participants = participants;
}
