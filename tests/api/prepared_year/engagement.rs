//! The prepared year's engagement: the organisations' activities, the input raised at them,
//! and what was decided and done about it.

use serde_json::json;

use super::builders::{counts, Officer};
use super::{PreparedYear, ICB, OUTSIDER, TRUST};

/// Records the activities, input items and actions of the year (see the module documentation
/// of [`super`]) as QMJ's, RAL's and RJ1's officers.
pub(super) async fn build(qmj: &Officer<'_>, ral: &Officer<'_>, rj1: &Officer<'_>) -> PreparedYear {
    // QMJ's activities.
    let letters_group = qmj
        .activity(json!({ "kind": "FOCUS_GROUP", "title": "Outpatient letters", "topic": "Communication",
            "leadOrganisation": ICB, "principles": ["INFORMED", "SEEKING_INPUT"], "plannedOn": "2025-05-20" }))
        .await;
    qmj.publish(&letters_group, "2025-05-06", &["EASY_READ", "LARGE_PRINT"])
        .await;
    qmj.publish(&letters_group, "2025-05-16", &[]).await;
    qmj.held(
        &letters_group,
        "2025-05-20",
        10,
        json!({ "ageBand": counts(&[("18-44", 2), ("45-64", 3), ("65+", 5)]),
            "ethnicGroup": counts(&[("White", 7), ("Asian", 1), ("Black", 2)]),
            "deprivationQuintile": counts(&[("Q1", 1), ("Q2-Q5", 9)]) }),
    )
    .await;
    let discharge_event = qmj
        .activity(json!({ "kind": "LISTENING_EVENT", "title": "Leaving hospital", "topic": "Discharge",
            "leadOrganisation": ICB, "partnerOrganisations": [TRUST], "principles": ["JOINING_SERVICES"],
            "plannedOn": "2025-11-12" }))
        .await;
    qmj.publish(&discharge_event, "2025-11-02", &["BRITISH_SIGN_LANGUAGE"])
        .await;
    qmj.held(
        &discharge_event,
        "2025-11-12",
        9,
        json!({ "ageBand": counts(&[("18-44", 3), ("45-64", 4), ("65+", 2)]),
            "ethnicGroup": counts(&[("White", 6), ("Asian", 2), ("Black", 1)]),
            "deprivationQuintile": counts(&[("Q1", 2), ("Q2-Q5", 7)]) }),
    )
    .await;
    let crisis_workshop = qmj
        .activity(
            json!({ "kind": "CO_DESIGN_WORKSHOP", "title": "Crisis line", "topic": "Mental health",
            "leadOrganisation": ICB, "plannedOn": "2026-02-10" }),
        )
        .await;
    qmj.publish(&crisis_workshop, "2026-02-03", &[]).await;
    qmj.held(
        &crisis_workshop,
        "2026-02-10",
        10,
        json!({ "ageBand": counts(&[("18-44", 7), ("45-64", 1), ("65+", 2)]),
            "ethnicGroup": counts(&[("White", 5), ("Asian", 3), ("Black", 2)]),
            "deprivationQuintile": counts(&[("Q1", 4), ("Q2-Q5", 6)]) }),
    )
    .await;
    let pharmacy_survey = qmj
        .activity(
            json!({ "kind": "SURVEY", "title": "Community pharmacy", "topic": "Pharmacy",
            "leadOrganisation": ICB, "plannedOn": "2026-03-02" }),
        )
        .await;
    qmj.publish(&pharmacy_survey, "2026-03-02", &["AUDIO"])
        .await;
    qmj.held(&pharmacy_survey, "2026-03-02", 40, json!({}))
        .await;

    // RAL's activities, and RJ1's (another ICS) with RAL as partner.
    let maternity_panel = ral
        .activity(
            json!({ "kind": "PATIENT_PANEL", "title": "Maternity voices", "topic": "Maternity",
            "leadOrganisation": TRUST, "plannedOn": "2025-07-08" }),
        )
        .await;
    ral.publish(&maternity_panel, "2025-06-24", &["TRANSLATION"])
        .await;
    ral.held(
        &maternity_panel,
        "2025-07-08",
        10,
        json!({ "ageBand": counts(&[("18-44", 9), ("45-64", 1)]),
            "sex": counts(&[("female", 9), ("male", 1)]) }),
    )
    .await;
    let emergency_group = ral
        .activity(
            json!({ "kind": "FOCUS_GROUP", "title": "Waiting in A&E", "topic": "Urgent care",
            "leadOrganisation": TRUST, "plannedOn": "2026-01-20" }),
        )
        .await;
    ral.held(
        &emergency_group,
        "2026-01-20",
        10,
        json!({ "ageBand": counts(&[("18-44", 3), ("45-64", 4), ("65+", 3)]),
            "sex": counts(&[("female", 5), ("male", 5)]) }),
    )
    .await;
    let outside_activity = rj1
        .activity(json!({ "kind": "FOCUS_GROUP", "title": "Renal transport", "topic": "Transport",
            "leadOrganisation": OUTSIDER, "partnerOrganisations": [TRUST], "plannedOn": "2025-09-01" }))
        .await;
    rj1.publish(&outside_activity, "2025-08-01", &["EASY_READ"])
        .await;
    rj1.held(
        &outside_activity,
        "2025-09-01",
        50,
        json!({ "ageBand": counts(&[("18-44", 50)]), "sex": counts(&[("male", 50)]) }),
    )
    .await;

    // QMJ's input at A1: accepted and done, declined, and referred to RAL, which answers.
    let plain_letters = qmj
        .item(
            &letters_group,
            "Send letters in plain English",
            &["letters", "access"],
            "2025-05-20",
        )
        .await;
    let saturday_clinics = qmj
        .item(
            &letters_group,
            "Open clinics on Saturdays",
            &["access"],
            "2025-05-20",
        )
        .await;
    let text_reminders = qmj
        .item(
            &letters_group,
            "Text reminders for hospital appointments",
            &["reminders"],
            "2025-05-20",
        )
        .await;
    qmj.decide(&plain_letters, "ACCEPTED", "2025-06-10", "")
        .await;
    let rewrite_letters = qmj
        .action(
            "Rewrite outpatient letter templates",
            &[&plain_letters],
            ("2025-06-10", "2025-12-31"),
            Some("2025-06-15"),
        )
        .await;
    qmj.complete(&rewrite_letters, "2025-09-30").await;
    qmj.tell(&plain_letters, "2025-10-15").await;
    qmj.decide(
        &saturday_clinics,
        "DECLINED",
        "2025-06-10",
        "No weekend staffing budget this year",
    )
    .await;
    qmj.refer(&text_reminders, TRUST, "2025-06-05").await;
    // While the item is referred to it, RAL takes an action for it, then answers.
    let reminder_service = ral
        .action(
            "Switch on text reminders in the booking system",
            &[&text_reminders],
            ("2025-06-20", "2025-11-30"),
            Some("2025-06-25"),
        )
        .await;
    ral.call(
        "reviseDecision",
        "inputItem { id }",
        json!({ "inputItemId": text_reminders, "outcome": "ACCEPTED", "decidedOn": "2025-06-20",
            "why": "RAL runs the booking system and takes it on" }),
    )
    .await;
    ral.complete(&reminder_service, "2025-10-01").await;
    qmj.tell_everyone(&letters_group, "2025-06-20").await;

    // QMJ's input at A2: accepted with an open action, and never decided.
    let gp_letters = qmj
        .item(
            &discharge_event,
            "Send discharge letters to the GP the same day",
            &["discharge", "letters"],
            "2025-11-12",
        )
        .await;
    let discharge_medicines = qmj
        .item(
            &discharge_event,
            "Have medicines ready before discharge",
            &["discharge"],
            "2025-11-12",
        )
        .await;
    qmj.decide(&gp_letters, "ACCEPTED", "2025-12-01", "").await;
    let gp_letters_pilot = qmj
        .action(
            "Same-day discharge letters pilot",
            &[&gp_letters],
            ("2025-12-01", "2026-06-30"),
            Some("2025-12-05"),
        )
        .await;
    qmj.tell_everyone(&discharge_event, "2025-12-10").await;

    // QMJ's input at A3: accepted and done, and answered only after the year.
    let weekend_crisis_line = qmj
        .item(
            &crisis_workshop,
            "Open the crisis line at weekends",
            &["mental health"],
            "2026-02-10",
        )
        .await;
    let peer_support = qmj
        .item(
            &crisis_workshop,
            "Peer support workers on the crisis line",
            &["mental health"],
            "2026-02-10",
        )
        .await;
    qmj.decide(&weekend_crisis_line, "ACCEPTED", "2026-02-20", "")
        .await;
    let weekend_rota = qmj
        .action(
            "Weekend crisis-line rota",
            &[&weekend_crisis_line],
            ("2026-02-20", "2026-06-30"),
            Some("2026-02-24"),
        )
        .await;
    qmj.complete(&weekend_rota, "2026-03-20").await;
    qmj.tell(&weekend_crisis_line, "2026-03-25").await;
    qmj.decide(
        &peer_support,
        "ALREADY_IN_PLACE",
        "2026-04-20",
        "Peer supporters joined the line in January",
    )
    .await;

    // QMJ's input at A4: referred to RAL, which takes an action but never answers.
    let pharmacy_hours = qmj
        .item(
            &pharmacy_survey,
            "Longer pharmacy opening hours",
            &["pharmacy"],
            "2026-03-02",
        )
        .await;
    qmj.refer(&pharmacy_hours, TRUST, "2026-03-10").await;
    let pharmacy_pilot = ral
        .action(
            "Late-opening hospital pharmacy pilot",
            &[&pharmacy_hours],
            ("2026-03-25", "2026-09-30"),
            None,
        )
        .await;

    // RAL's input.
    let interpreters = ral
        .item(
            &maternity_panel,
            "Interpreters at antenatal appointments",
            &["maternity", "access"],
            "2025-07-08",
        )
        .await;
    let overnight_stays = ral
        .item(
            &maternity_panel,
            "Birth partners staying overnight",
            &["maternity"],
            "2025-07-08",
        )
        .await;
    ral.decide(&interpreters, "ACCEPTED", "2025-07-20", "")
        .await;
    let interpreter_booking = ral
        .action(
            "Book interpreters with the appointment",
            &[&interpreters],
            ("2025-07-20", "2025-10-31"),
            Some("2025-07-22"),
        )
        .await;
    ral.tell_everyone(&maternity_panel, "2025-08-01").await;
    ral.decide(
        &overnight_stays,
        "DECLINED",
        "2025-10-01",
        "The postnatal ward has no room for beds",
    )
    .await;
    let waiting_screens = ral
        .item(
            &emergency_group,
            "Show waiting times on screens",
            &["urgent care"],
            "2026-01-20",
        )
        .await;
    ral.decide(&waiting_screens, "ACCEPTED", "2026-01-30", "")
        .await;
    let ed_screens = ral
        .action(
            "Waiting-time screens in the emergency department",
            &[&waiting_screens],
            ("2026-01-30", "2026-05-31"),
            Some("2026-02-02"),
        )
        .await;
    ral.complete(&ed_screens, "2026-03-15").await;
    ral.tell(&waiting_screens, "2026-03-18").await;

    PreparedYear {
        letters_group,
        discharge_event,
        crisis_workshop,
        pharmacy_survey,
        maternity_panel,
        emergency_group,
        outside_activity,
        plain_letters,
        saturday_clinics,
        text_reminders,
        gp_letters,
        discharge_medicines,
        weekend_crisis_line,
        peer_support,
        pharmacy_hours,
        interpreters,
        overnight_stays,
        waiting_screens,
        rewrite_letters,
        gp_letters_pilot,
        weekend_rota,
        reminder_service,
        interpreter_booking,
        ed_screens,
        pharmacy_pilot,
        ..PreparedYear::default()
    }
}
