//! Home, "what needs you": an officer sees their own organisations' input that needs doing,
//! each line opening its record, with the counts per verdict the API gives; never another
//! organisation's.

use partnership_ledger::auth::Role;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend};
use crate::on_both;
use crate::web_visitor::Visitor;

on_both!(the_home_page_lists_what_needs_the_officer);

async fn the_home_page_lists_what_needs_the_officer(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    app.register("RY2", "Yonder Community Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &officer, "RX1", "2025-01-10").await;
    // Raised long ago and never answered: overdue.
    let overdue = record_item(
        &app,
        &officer,
        &activity,
        "Letters arrive after the appointment",
        "2025-01-10",
    )
    .await;
    let theirs_officer = app.token(Role::EngagementOfficer, &["RY2"]);
    let theirs = plan_activity(&app, &theirs_officer, "RY2", "2025-01-10").await;
    record_item(
        &app,
        &theirs_officer,
        &theirs,
        "Parking is too far from the clinic",
        "2025-01-10",
    )
    .await;

    let mut visitor = Visitor::officer(&app, &["RX1"]).await;
    let home = visitor.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Riverside Hospital"));
    let overdue_list = home
        .body
        .split("<h3>Overdue for a decision: 1</h3>")
        .nth(1)
        .expect("the overdue list, with its count");
    let overdue_list = overdue_list.split("<h3>").next().expect("the list");
    assert!(overdue_list.contains(&format!(
        "<a href=\"/input/{overdue}\">Letters arrive after the appointment</a>"
    )));
    assert!(overdue_list.contains(&format!(
        "<a href=\"/activities/{activity}\">Outpatient letters</a>"
    )));
    assert!(
        overdue_list.contains("Overdue for a decision</strong>"),
        "the verdict's tag"
    );
    assert!(home.body.contains("<h3>Participants not yet told: 0</h3>"));

    // The counts per verdict are the API's.
    let rollup = app
        .ok(
            &officer,
            "{ organisation(odsCode: \"RX1\") { rollup { counts { verdict count } } } }",
            serde_json::json!({}),
        )
        .await;
    let overdue_count = rollup["organisation"]["rollup"]["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .find(|c| c["verdict"] == "OVERDUE")
        .expect("overdue count")["count"]
        .as_i64()
        .expect("count");
    assert_eq!(overdue_count, 1);
    let counts = home
        .body
        .split("How Riverside Hospital's input stands")
        .nth(1)
        .expect("the counts");
    let row = counts
        .split("Overdue for a decision</strong>")
        .nth(1)
        .expect("the overdue row");
    assert!(row.trim_start().starts_with(&format!("</td>\n        <td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">{overdue_count}</td>")), "{row}");

    // Another organisation's input never shows.
    assert!(!home.body.contains("Yonder Community Trust"));
    assert!(!home.body.contains("Parking is too far"));
}
