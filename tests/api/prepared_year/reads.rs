//! The prepared year read back as described, and the trust's count of actions on referrals.

use partnership_ledger::auth::Role;
use serde_json::json;

use super::measures::*;
use super::*;
use crate::helpers::{spawn_app, Backend};
use crate::on_both;

/// The verdicts the measures above rest on, as of the year's last day, and the boards.
async fn the_prepared_year_reads_as_described(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let auditor = app.token(Role::Auditor, &[ICB, TRUST]);
    for (item, verdict, loop_closed, genuinely) in [
        (&y.plain_letters, "ACTED_ON", true, true),
        (&y.saturday_clinics, "DECLINED", true, false),
        (&y.text_reminders, "ACTED_ON", false, false),
        (&y.gp_letters, "PLANNED", true, false),
        (&y.discharge_medicines, "OVERDUE", false, false),
        (&y.weekend_crisis_line, "ACTED_ON", true, true),
        (&y.peer_support, "UNANSWERED", false, false),
        (&y.pharmacy_hours, "REFERRED", false, false),
        (&y.interpreters, "STALLED", true, false),
        (&y.overnight_stays, "DECLINED", false, false),
        (&y.waiting_screens, "ACTED_ON", true, true),
    ] {
        let got = app
            .ok(
                &auditor,
                "query($id: ID!) { inputItem(id: $id, asOf: \"2026-03-31\") { verdict loopClosed genuinelyActedOn } }",
                json!({ "id": item }),
            )
            .await["inputItem"]
            .clone();
        assert_eq!(
            got,
            json!({ "verdict": verdict, "loopClosed": loop_closed, "genuinelyActedOn": genuinely }),
            "item {item}"
        );
    }
    for (board, meetings) in [
        (&y.icb_board, &y.meetings[..3]),
        (&y.committee, &y.meetings[3..]),
    ] {
        let got = app
            .ok(
                &auditor,
                "query($id: ID!) { board(id: $id) { meetings { nodes { id } } } }",
                json!({ "id": board }),
            )
            .await;
        let mut ids: Vec<&str> = got["board"]["meetings"]["nodes"]
            .as_array()
            .expect("meetings")
            .iter()
            .map(|m| m["id"].as_str().expect("id"))
            .collect();
        let mut want: Vec<&str> = meetings.iter().map(String::as_str).collect();
        ids.sort_unstable();
        want.sort_unstable();
        assert_eq!(ids, want);
    }
    let people = app
        .ok(
            &app.admin(),
            "{ participants { nodes { id displayName contact { email } } } }",
            json!({}),
        )
        .await;
    let mut got: Vec<(String, String, String)> = people["participants"]["nodes"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("id").to_owned(),
                p["displayName"].as_str().expect("name").to_owned(),
                p["contact"]["email"].as_str().expect("email").to_owned(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String)> = (0..4)
        .map(|n| {
            (
                y.participants[n].clone(),
                PARTICIPANT_NAMES[n].to_owned(),
                PARTICIPANT_EMAILS[n].to_owned(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

/// The trust alone: the actions it took on QMJ's referred input still count once it has answered
/// the referral (and I3 is no longer referred to it).
async fn the_trust_counts_actions_on_referrals_it_answered(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "org": TRUST }),
        json!({ "financialYear": 2025 }),
        5.0,
    )
    .await;
    let partner = card["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["key"] == "partner_actions_completed")
        .expect("measure");
    // Y1 (for I3, answered; completed 1 October) and Y4 (for I8, still referred; open).
    assert_eq!(
        (
            partner["numerator"].as_f64(),
            partner["denominator"].as_f64(),
            partner["value"].as_f64()
        ),
        (Some(1.0), Some(2.0), Some(50.0)),
        "{partner}"
    );
    let mut ids: Vec<&str> = partner["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    let mut expected = vec![y.reminder_service.as_str(), y.pharmacy_pilot.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
}

on_both!(
    the_prepared_year_reads_as_described,
    the_trust_counts_actions_on_referrals_it_answered,
);
