//! QMJ's scorecard for its first calendar quarter of 2026, against the quarter before.

use serde_json::json;

use super::measures::*;
use super::*;
use crate::helpers::{spawn_app, Backend};
use crate::on_both;

async fn scorecard_of_the_icb_for_a_quarter(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "org": ICB }),
        json!({ "quarter": { "year": 2026, "quarter": 1 } }),
        5.0,
    )
    .await;
    assert_eq!(
        card["period"],
        json!({ "from": "2026-01-01", "to": "2026-03-31" })
    );
    // 90 days, so the previous period is the 90 days to 31 December 2025.
    assert_eq!(
        card["previousPeriod"],
        json!({ "from": "2025-10-03", "to": "2025-12-31" })
    );

    let seats = of("SEAT", &[&y.patient_member, &y.lay_member]);
    let appointments = of("APPOINTMENT", &[&y.patient_member, &y.lay_member]);
    // Held in the quarter: A3 and A4 (before: A2 alone).
    let held = of("ACTIVITY", &[&y.crisis_workshop, &y.pharmacy_survey]);
    // Raised in the quarter: I6, I7, I8 (before: I4 and I5).
    let items = of(
        "INPUT_ITEM",
        &[&y.weekend_crisis_line, &y.peer_support, &y.pharmacy_hours],
    );
    let expected = [
        // Seats on 31 March as for the year; on 31 December the same two held (L1 from
        // September): 66.7 then and now.
        m(
            "patient_seats_filled",
            (2.0, 3.0),
            Some(66.7),
            seats.clone(),
        )
        .was(Some(66.7), Some(0.0)),
        m("voting_share", (1.0, 2.0), Some(50.0), seats).was(Some(50.0), Some(0.0)),
        // Vacant since 1 April 2025: 365 days by 31 March, 275 by 31 December: change 90.
        m("days_vacant", (365.0, 1.0), Some(365.0), vec![]).was(Some(275.0), Some(90.0)),
        // M3 only, both present: 2 of 2. Before, M2: L1 present, P1 absent: 1 of 2.
        m(
            "patient_attendance",
            (2.0, 2.0),
            Some(100.0),
            appointments.clone(),
        )
        .was(Some(50.0), Some(50.0)),
        // P1's term (to 31 May) ends within 90 days of 31 March but not of 31 December.
        m(
            "terms_expiring_90_days",
            (1.0, 2.0),
            Some(1.0),
            appointments,
        )
        .was(Some(0.0), Some(1.0)),
        // A3 published 7 days before, A4 on the day: 1 of 2. Before: A2, 10 days before: 1 of 1.
        m(
            "information_before_activity",
            (1.0, 2.0),
            Some(50.0),
            held.clone(),
        )
        .was(Some(100.0), Some(-50.0)),
        m(
            "days_information_before",
            (7.0, 1.0),
            Some(7.0),
            of("ACTIVITY", &[&y.crisis_workshop]),
        )
        .was(Some(10.0), Some(-3.0)),
        // A4's audio version (on the day) counts, A3 had none: 1 of 2. Before: A2 (BSL): 1 of 1.
        m("accessible_formats", (1.0, 2.0), Some(50.0), held.clone()).was(Some(100.0), Some(-50.0)),
        // Loop closed: I6 only: 1 of 3. Before, as of 31 December: I4 (A2's feedback on 10
        // December after its acceptance), not I5: 1 of 2.
        m("feedback_given", (1.0, 3.0), Some(33.3), items.clone()).was(Some(50.0), Some(-16.7)),
        // M3: D4 cites I6, D5 cites nothing: 1 of 2. Before, M2: D3 cites input: 1 of 1.
        m(
            "decisions_citing_input",
            (1.0, 2.0),
            Some(50.0),
            of("BOARD_DECISION", &[&y.crisis_decision, &y.estates_decision]),
        )
        .was(Some(100.0), Some(-50.0)),
        // X3 (before: X2): 1 of 1.
        m(
            "actions_tracing_to_input",
            (1.0, 1.0),
            Some(100.0),
            of("ACTION", &[&y.weekend_rota]),
        )
        .was(Some(100.0), Some(0.0)),
        // D4 cites I6 after 35 days. Before: D3 cites I4 and I5 after 34 days each: median 34.
        m(
            "days_input_to_board_decision",
            (35.0, 1.0),
            Some(35.0),
            [
                of("BOARD_DECISION", &[&y.crisis_decision]),
                of("INPUT_ITEM", &[&y.weekend_crisis_line]),
            ]
            .concat(),
        )
        .was(Some(34.0), Some(1.0)),
        // A3 recorded demographics, A4 did not: 1 of 2. Before: A2: 1 of 1.
        m(
            "demographics_recorded",
            (1.0, 2.0),
            Some(50.0),
            held.clone(),
        )
        .was(Some(100.0), Some(-50.0)),
        // A3's 10 people: age 70/10/20% against 50/30/20 (45-64 20 points under); White 50%
        // against 60% (10 under), Asian 30%, Black 20%; Q1 40%, Q2-Q5 60% against 70% (10
        // under): 5 of 8 reached. Before, A2's 9 people: 18-44 33.3% (16.7 under), Black 11.1%
        // (8.9 under), Q1 22.2% (7.8 under): also 5 of 8.
        m(
            "population_groups_reached",
            (5.0, 8.0),
            Some(62.5),
            of("ACTIVITY", &[&y.crisis_workshop]),
        )
        .was(Some(62.5), Some(0.0)),
        // I6 (10 days) answered in time; I8 was referred to RAL after 8 days, and a referral
        // is no answer until RAL's, still to come on 31 March; I7 not by then: 1 of 3. Before:
        // I4 (19 days); I5 not (still in its window on 31 December): 1 of 2.
        m(
            "answered_within_window",
            (1.0, 3.0),
            Some(33.3),
            items.clone(),
        )
        .was(Some(50.0), Some(-16.7)),
        // I6 acted on: 1 of 3; before, I4 only planned: 0 of 2.
        m("acted_on", (1.0, 3.0), Some(33.3), items.clone()).was(Some(0.0), Some(33.3)),
        m("loop_closed", (1.0, 3.0), Some(33.3), items.clone()).was(Some(50.0), Some(-16.7)),
        m("genuinely_acted_on", (1.0, 3.0), Some(33.3), items).was(Some(0.0), Some(33.3)),
        // Neither A3 nor A4 was joint: 0 of 2. Before: A2 was: 1 of 1.
        m("joint_activities", (0.0, 2.0), Some(0.0), held).was(Some(100.0), Some(-100.0)),
        // I8 referred on 10 March and not answered: 0 of 1. Before: nothing referred.
        m(
            "referred_input_answered",
            (0.0, 1.0),
            Some(0.0),
            of("INPUT_ITEM", &[&y.pharmacy_hours]),
        ),
        m("partner_actions_completed", (0.0, 0.0), None, vec![]),
    ];
    check(&card, &expected);
}

on_both!(scorecard_of_the_icb_for_a_quarter,);
