//! The scorecard over HTTP: figures with numerators, denominators, the records they count, and
//! the change against the previous period.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::boards::a_year_of_a_board;
use crate::helpers::{spawn_app, Backend};
use crate::on_both;

const SCORECARD: &str =
    "query($org: String, $period: PeriodInput!) { scorecard(organisation: $org, period: $period) {
    organisations period { from to } previousPeriod { from to }
    measures { principle key value numerator denominator previous change records { kind id } } } }";

fn measure<'a>(card: &'a Value, key: &str) -> &'a Value {
    card["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["key"] == key)
        .expect("measure listed")
}

async fn scorecard_for_a_half_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let vars = json!({ "org": "QMJ", "period": { "from": "2026-01-01", "to": "2026-06-30" } });
    let card = app.ok(&auditor, SCORECARD, vars).await["scorecard"].clone();
    assert_eq!(card["organisations"], json!(["QMJ"]));
    assert_eq!(
        card["previousPeriod"],
        json!({ "from": "2025-07-04", "to": "2025-12-31" })
    );

    // Principle 3: four decisions at the three meetings, two citing patient input.
    let cited = measure(&card, "decisions_citing_input");
    assert_eq!(cited["principle"], "SHARED_DECISIONS");
    assert_eq!(
        (
            cited["numerator"].as_f64(),
            cited["denominator"].as_f64(),
            cited["value"].as_f64()
        ),
        (Some(2.0), Some(4.0), Some(50.0))
    );
    assert_eq!(cited["records"].as_array().map(Vec::len), Some(4));
    assert!(cited["records"]
        .as_array()
        .expect("records")
        .iter()
        .all(|r| r["kind"] == "BOARD_DECISION"));
    assert_eq!(
        cited["previous"],
        Value::Null,
        "nothing happened in the previous half-year"
    );

    // Principle 1 on 30 June: patient and lay seats all filled (Alice, Carol, Dan).
    let seats = measure(&card, "patient_seats_filled");
    assert_eq!(
        (
            seats["numerator"].as_f64(),
            seats["denominator"].as_f64(),
            seats["value"].as_f64()
        ),
        (Some(3.0), Some(3.0), Some(100.0))
    );
    let mut holders: Vec<&str> = seats["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    holders.sort_unstable();
    let mut expected = vec![y.alice.as_str(), y.carol.as_str(), y.dan.as_str()];
    expected.sort_unstable();
    assert_eq!(
        holders, expected,
        "the figure opens to exactly the seats it counts"
    );

    // Principle 5: the one input item, raised in January and never decided, was not answered in time.
    let answered = measure(&card, "answered_within_window");
    assert_eq!(
        (
            answered["numerator"].as_f64(),
            answered["denominator"].as_f64(),
            answered["value"].as_f64()
        ),
        (Some(0.0), Some(1.0), Some(0.0))
    );
    assert_eq!(
        answered["records"],
        json!([{ "kind": "INPUT_ITEM", "id": y.item }])
    );

    // A quarter and a financial year are offered ready-made; a half-given period is refused.
    let q2 = app
        .ok(
            &auditor,
            SCORECARD,
            json!({ "org": "QMJ", "period": { "quarter": { "year": 2026, "quarter": 2 } } }),
        )
        .await;
    assert_eq!(
        q2["scorecard"]["period"],
        json!({ "from": "2026-04-01", "to": "2026-06-30" })
    );
    let fy = app
        .ok(
            &auditor,
            SCORECARD,
            json!({ "org": "QMJ", "period": { "financialYear": 2026 } }),
        )
        .await;
    assert_eq!(
        fy["scorecard"]["period"],
        json!({ "from": "2026-04-01", "to": "2027-03-31" })
    );
    let (code, message) = app
        .err(
            &auditor,
            SCORECARD,
            json!({ "org": "QMJ", "period": { "from": "2026-01-01" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{message}");

    // Another organisation's scorecard is not there for this caller.
    let stranger = app.token(Role::Auditor, &["RJ1"]);
    let (code, _) = app
        .err(
            &stranger,
            SCORECARD,
            json!({ "org": "QMJ", "period": { "financialYear": 2026 } }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
}

on_both!(scorecard_for_a_half_year);
