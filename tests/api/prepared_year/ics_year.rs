//! The integrated care system's scorecard for the year: QMJ and RAL together.

use serde_json::json;

use super::measures::*;
use super::*;
use crate::helpers::{spawn_app, Backend};
use crate::on_both;

async fn scorecard_of_the_ics_for_the_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "ics": ICB }),
        json!({ "financialYear": 2025 }),
        5.0,
    )
    .await;
    assert_eq!(
        card["organisations"],
        json!([ICB, TRUST]),
        "the ICB and its trust, not RJ1 of another ICS"
    );

    let seats = of("SEAT", &[&y.patient_member, &y.lay_member, &y.carer_rep]);
    let appointments = of(
        "APPOINTMENT",
        &[&y.patient_member, &y.lay_member, &y.carer_rep],
    );
    // Held and led in the ICS: A1-A4 and B1, B2 (RJ1's activity, partnered by RAL, is not).
    let held = of(
        "ACTIVITY",
        &[
            &y.letters_group,
            &y.discharge_event,
            &y.crisis_workshop,
            &y.pharmacy_survey,
            &y.maternity_panel,
            &y.emergency_group,
        ],
    );
    let items = of(
        "INPUT_ITEM",
        &[
            &y.plain_letters,
            &y.saturday_clinics,
            &y.text_reminders,
            &y.gp_letters,
            &y.discharge_medicines,
            &y.weekend_crisis_line,
            &y.peer_support,
            &y.pharmacy_hours,
            &y.interpreters,
            &y.overnight_stays,
            &y.waiting_screens,
        ],
    );
    let expected = [
        // QMJ's 2 of 3 seats, and RAL's one carer seat held by R1: 3 of 4; only P1 votes: 1 of 3.
        m(
            "patient_seats_filled",
            (3.0, 4.0),
            Some(75.0),
            seats.clone(),
        ),
        m("voting_share", (1.0, 3.0), Some(33.3), seats),
        // RAL's seat was vacant in April and May 2025 but is filled on 31 March: still 365.
        m("days_vacant", (365.0, 1.0), Some(365.0), vec![]),
        // QMJ's 4 of 5, and R1 absent from M4: 4 of 6.
        m(
            "patient_attendance",
            (4.0, 6.0),
            Some(66.7),
            appointments.clone(),
        ),
        // P1 (31 May) and R1 (30 April) end within 90 days; L1 does not: 2 of 3.
        m(
            "terms_expiring_90_days",
            (2.0, 3.0),
            Some(2.0),
            appointments,
        ),
        // Before: A1 (14), A2 (10), A3 (7), B1 (24 June to 8 July, 14); not A4, B2: 4 of 6.
        m(
            "information_before_activity",
            (4.0, 6.0),
            Some(66.7),
            held.clone(),
        ),
        // 14 + 10 + 7 + 14 = 45 over 4; median of 7, 10, 14, 14 = 12.
        m(
            "days_information_before",
            (45.0, 4.0),
            Some(12.0),
            of(
                "ACTIVITY",
                &[
                    &y.letters_group,
                    &y.discharge_event,
                    &y.crisis_workshop,
                    &y.maternity_panel,
                ],
            ),
        ),
        // A1, A2, A4 and B1 (translation): 4 of 6.
        m("accessible_formats", (4.0, 6.0), Some(66.7), held.clone()),
        // QMJ's 4, and J1 (B1's feedback on 1 August after its acceptance) and J3; not J2 (the
        // feedback came before its decision): 6 of 11.
        m("feedback_given", (6.0, 11.0), Some(54.5), items.clone()),
        // D1-D5 and D6; D1, D3, D4, D6 cite input: 4 of 6.
        m(
            "decisions_citing_input",
            (4.0, 6.0),
            Some(66.7),
            of(
                "BOARD_DECISION",
                &[
                    &y.letters_decision,
                    &y.budget_decision,
                    &y.discharge_decision,
                    &y.crisis_decision,
                    &y.estates_decision,
                    &y.screens_decision,
                ],
            ),
        ),
        // X1-X3 and Y1-Y4, every one for input: 7 of 7.
        m(
            "actions_tracing_to_input",
            (7.0, 7.0),
            Some(100.0),
            of(
                "ACTION",
                &[
                    &y.rewrite_letters,
                    &y.gp_letters_pilot,
                    &y.weekend_rota,
                    &y.reminder_service,
                    &y.interpreter_booking,
                    &y.ed_screens,
                    &y.pharmacy_pilot,
                ],
            ),
        ),
        // QMJ's 56, 34, 34, 35 and D6 citing J3 after 7 days: sum 166 over 5; median 34.
        m(
            "days_input_to_board_decision",
            (166.0, 5.0),
            Some(34.0),
            [
                of(
                    "BOARD_DECISION",
                    &[
                        &y.letters_decision,
                        &y.discharge_decision,
                        &y.crisis_decision,
                        &y.screens_decision,
                    ],
                ),
                of(
                    "INPUT_ITEM",
                    &[
                        &y.plain_letters,
                        &y.gp_letters,
                        &y.discharge_medicines,
                        &y.weekend_crisis_line,
                        &y.waiting_screens,
                    ],
                ),
            ]
            .concat(),
        ),
        // All but A4: 5 of 6.
        m(
            "demographics_recorded",
            (5.0, 6.0),
            Some(83.3),
            held.clone(),
        ),
        // QMJ's groups against QMJ's baseline (6 of 8 reached), RAL's against RAL's: B1 and B2
        // gave age 12/5/3 of 20 = 60/25/15% against 40/35/25% (45-64 and 65+ 10 points under)
        // and sex 14/6 of 20 = 70/30% against 51/49% (male 19 under): 2 of 5. Together 8 of 13.
        m(
            "population_groups_reached",
            (8.0, 13.0),
            Some(61.5),
            of(
                "ACTIVITY",
                &[
                    &y.letters_group,
                    &y.discharge_event,
                    &y.crisis_workshop,
                    &y.maternity_panel,
                    &y.emergency_group,
                ],
            ),
        ),
        // QMJ's 5, J1 (12 days) and J3 (10 days); J2 was decided 85 days after: 7 of 11.
        m(
            "answered_within_window",
            (7.0, 11.0),
            Some(63.6),
            items.clone(),
        ),
        // QMJ's 3 and J3; J1 is stalled (Y2 past due), J2 declined: 4 of 11.
        m("acted_on", (4.0, 11.0), Some(36.4), items.clone()),
        m("loop_closed", (6.0, 11.0), Some(54.5), items.clone()),
        // I1, I6 and J3: 3 of 11.
        m("genuinely_acted_on", (3.0, 11.0), Some(27.3), items),
        // A2 of the 6: 1 of 6.
        m("joint_activities", (1.0, 6.0), Some(16.7), held),
        // I3 (answered) and I8 (not): 1 of 2; RAL referred nothing.
        m(
            "referred_input_answered",
            (1.0, 2.0),
            Some(50.0),
            of("INPUT_ITEM", &[&y.text_reminders, &y.pharmacy_hours]),
        ),
        // RAL's actions for QMJ's input: Y1 (completed 1 October) and Y4 (only proposed): 1 of 2.
        m(
            "partner_actions_completed",
            (1.0, 2.0),
            Some(50.0),
            of("ACTION", &[&y.reminder_service, &y.pharmacy_pilot]),
        ),
    ];
    check(&card, &expected);
    let text = card.to_string();
    assert!(
        !text.contains(&y.outside_activity),
        "RJ1's activity is counted nowhere"
    );
    for personal in PARTICIPANT_NAMES
        .iter()
        .chain(&PARTICIPANT_EMAILS)
        .map(|s| s.to_string())
        .chain(y.participants.iter().cloned())
    {
        assert!(!text.contains(&personal), "{personal} in the scorecard");
    }
}

on_both!(scorecard_of_the_ics_for_the_year,);
