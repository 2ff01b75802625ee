//! QMJ's scorecard for the whole financial year, every measure worked out by hand.

use serde_json::json;

use super::measures::*;
use super::*;
use crate::helpers::{spawn_app, Backend};
use crate::on_both;

async fn scorecard_of_the_icb_for_the_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "org": ICB }),
        json!({ "financialYear": 2025 }),
        5.0,
    )
    .await;
    assert_eq!(card["organisations"], json!([ICB]));
    assert_eq!(
        card["period"],
        json!({ "from": "2025-04-01", "to": "2026-03-31" })
    );
    assert_eq!(
        card["previousPeriod"],
        json!({ "from": "2024-04-01", "to": "2025-03-31" })
    );
    let keys: Vec<&str> = MEASURES.iter().map(|(_, k, _)| *k).collect();
    assert_eq!(keys.len(), 21);

    let seats = of("SEAT", &[&y.patient_member, &y.lay_member]);
    let appointments = of("APPOINTMENT", &[&y.patient_member, &y.lay_member]);
    let held = of(
        "ACTIVITY",
        &[
            &y.letters_group,
            &y.discharge_event,
            &y.crisis_workshop,
            &y.pharmacy_survey,
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
        ],
    );
    // Nothing happened in 2024/25 (the boards were established on 1 April 2025), so no measure
    // has a previous value or a change.
    let expected = [
        // Equals, as of 31 March 2026: the ICB Board has 2 patient seats (P1 in one) and 1 lay
        // seat (L1): 2 of 3 filled; of the 2 filled, P1 votes and L1 does not.
        m(
            "patient_seats_filled",
            (2.0, 3.0),
            Some(66.7),
            seats.clone(),
        ),
        m("voting_share", (1.0, 2.0), Some(50.0), seats),
        // The second patient seat stood vacant every day from 1 April 2025 to 31 March 2026.
        m("days_vacant", (365.0, 1.0), Some(365.0), vec![]),
        // P1 at M1 yes, M2 no, M3 yes (2 of 3); L1 (from 1 September) at M2 and M3 (2 of 2): 4/5.
        m(
            "patient_attendance",
            (4.0, 5.0),
            Some(80.0),
            appointments.clone(),
        ),
        // In force on 31 March: P1 (ends 31 May 2026, within 90 days) and L1 (ends 2027): 1 of 2.
        m(
            "terms_expiring_90_days",
            (1.0, 2.0),
            Some(1.0),
            appointments,
        ),
        // Informed. Held: A1-A4. Published strictly before: A1 (earliest 6 May, 14 days), A2
        // (10 days), A3 (7 days); A4 only on the day: 3 of 4.
        m(
            "information_before_activity",
            (3.0, 4.0),
            Some(75.0),
            held.clone(),
        ),
        // 14 + 10 + 7 = 31 over 3; median 10.
        m(
            "days_information_before",
            (31.0, 3.0),
            Some(10.0),
            of(
                "ACTIVITY",
                &[&y.letters_group, &y.discharge_event, &y.crisis_workshop],
            ),
        ),
        // Accessible formats by the day held: A1 (easy read), A2 (BSL), A4 (audio, on the
        // day); A3 none: 3 of 4.
        m("accessible_formats", (3.0, 4.0), Some(75.0), held.clone()),
        // Loop closed as of 31 March: I1 (item feedback after the outcome), I2 (A1's feedback
        // after the decline), I4 (A2's feedback after the acceptance), I6: 4 of 8. Not I3 (A1's
        // feedback came before Y1's outcome), I5 and I7 (undecided), I8 (no feedback).
        m("feedback_given", (4.0, 8.0), Some(50.0), items.clone()),
        // Shared decisions: D1-D5 at M1-M3; D1, D3 and D4 cite input: 3 of 5.
        m(
            "decisions_citing_input",
            (3.0, 5.0),
            Some(60.0),
            of(
                "BOARD_DECISION",
                &[
                    &y.letters_decision,
                    &y.budget_decision,
                    &y.discharge_decision,
                    &y.crisis_decision,
                    &y.estates_decision,
                ],
            ),
        ),
        // X1, X2, X3 proposed in the year, all for input: 3 of 3.
        m(
            "actions_tracing_to_input",
            (3.0, 3.0),
            Some(100.0),
            of(
                "ACTION",
                &[&y.rewrite_letters, &y.gp_letters_pilot, &y.weekend_rota],
            ),
        ),
        // D1 cites I1: 20 May to 15 July = 56 days; D3 cites I4 and I5: 12 November to 16
        // December = 34 and 34; D4 cites I6: 10 February to 17 March = 35. Sum 159 over 4;
        // median of 34, 34, 35, 56 = 34.5.
        m(
            "days_input_to_board_decision",
            (159.0, 4.0),
            Some(34.5),
            [
                of(
                    "BOARD_DECISION",
                    &[
                        &y.letters_decision,
                        &y.discharge_decision,
                        &y.crisis_decision,
                    ],
                ),
                of(
                    "INPUT_ITEM",
                    &[
                        &y.plain_letters,
                        &y.gp_letters,
                        &y.discharge_medicines,
                        &y.weekend_crisis_line,
                    ],
                ),
            ]
            .concat(),
        ),
        // Inequalities: A1-A3 recorded demographics, A4 did not: 3 of 4.
        m(
            "demographics_recorded",
            (3.0, 4.0),
            Some(75.0),
            held.clone(),
        ),
        // 29 people over A1-A3. Age 18-44 12/29 = 41.4% against 50% (8.6 points under), 45-64
        // 8/29 = 27.6% against 30%, 65+ 9/29 = 31.0% against 20%; White 18/29 = 62.1% against
        // 60%, Asian 6/29 = 20.7% against 20%, Black 5/29 = 17.2% against 20% (2.8 under);
        // deprivation Q1 7/29 = 24.1% against 30% (5.9 under), Q2-Q5 22/29 against 70%.
        // Two of 8 groups more than 5 points under: 6 of 8 reached.
        m(
            "population_groups_reached",
            (6.0, 8.0),
            Some(75.0),
            of(
                "ACTIVITY",
                &[&y.letters_group, &y.discharge_event, &y.crisis_workshop],
            ),
        ),
        // Seeking input, I1-I8 as of 31 March. Answered in time: I1, I2, I3 (referred after 16
        // days, answered by RAL 15 days later), I4, I6; not I5 (never), I7 (decided only in
        // April), I8 (referred, RAL's answer still to come): 5 of 8.
        m(
            "answered_within_window",
            (5.0, 8.0),
            Some(62.5),
            items.clone(),
        ),
        // Acted on (a linked action completed): I1 (X1), I3 (RAL's Y1), I6 (X3): 3 of 8.
        m("acted_on", (3.0, 8.0), Some(37.5), items.clone()),
        m("loop_closed", (4.0, 8.0), Some(50.0), items.clone()),
        // Acted on with the loop closed: I1 and I6 (I3's loop is open): 2 of 8.
        m("genuinely_acted_on", (2.0, 8.0), Some(25.0), items),
        // Joining services: of A1-A4, A2 was led jointly with RAL: 1 of 4.
        m("joint_activities", (1.0, 4.0), Some(25.0), held),
        // Referred: I3 (answered by RAL on 20 June) and I8 (not answered): 1 of 2.
        m(
            "referred_input_answered",
            (1.0, 2.0),
            Some(50.0),
            of("INPUT_ITEM", &[&y.text_reminders, &y.pharmacy_hours]),
        ),
        // QMJ took no action on another organisation's input.
        m("partner_actions_completed", (0.0, 0.0), None, vec![]),
    ];
    check(&card, &expected);
}

on_both!(scorecard_of_the_icb_for_the_year,);
