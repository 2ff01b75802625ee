//! The figures as pages: the scorecard for an organisation and a period, each measure with
//! its value, its change against the period before, a chart with its figures as a table, and
//! the records it counts, each opening to its page; a period that is not one is named.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend};
use crate::on_both;
use crate::web_visitor::Visitor;

on_both!(the_scorecard_shows_each_measure_and_opens_to_its_records);

async fn the_scorecard_shows_each_measure_and_opens_to_its_records(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &officer, "RX1", "2026-03-10").await;
    let item = record_item(
        &app,
        &officer,
        &activity,
        "Letters arrive after the clinic date",
        "2026-03-10",
    )
    .await;
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": item, "outcome": "ACCEPTED", "decidedOn": "2026-03-20" }),
    )
    .await;
    let mut visitor = Visitor::officer(&app, &["RX1"]).await;
    assert!(visitor.get("/").await.body.contains("href=\"/scorecard\""));

    // The financial year from April 2025 holds the activity.
    let card = visitor
        .get("/scorecard?organisation=RX1&period=year&year=2025")
        .await;
    assert_eq!(card.status, 200, "{}", card.text());
    let text = card.text();
    assert!(text.contains("1 April 2025 to 31 March 2026"), "{text}");
    assert!(text.contains("Seeking patient input"), "{text}");
    assert!(
        text.contains("Show the figures"),
        "each chart has its table: {text}"
    );
    assert!(
        text.contains("1 April 2024 to 31 March 2025"),
        "the period before: {text}"
    );

    // A figure counting the item opens to it.
    let figures: Vec<String> = card
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with("/scorecard/records?"))
        .map(|href| href.replace("&#38;", "&").replace("&amp;", "&"))
        .collect();
    assert!(!figures.is_empty(), "each figure opens to its records");
    let mut found = false;
    for href in &figures {
        let records = visitor.get(href).await;
        assert_eq!(records.status, 200, "{href}: {}", records.text());
        if records.body.contains(&format!("href=\"/input/{item}\"")) {
            assert!(records
                .text()
                .contains("Letters arrive after the clinic date"));
            found = true;
            break;
        }
    }
    assert!(found, "some figure counts the item: {figures:?}");

    // A quarter that is not one, and a year that is not one, are named.
    let quarter = visitor
        .get("/scorecard?organisation=RX1&period=quarter&year=2025&quarter=7")
        .await;
    assert_eq!(quarter.status, 400);
    assert!(quarter.text().contains("Select the quarter"));
    let year = visitor
        .get("/scorecard?organisation=RX1&period=year&year=twenty")
        .await;
    assert_eq!(year.status, 400);
    assert!(year.text().contains("Enter the year as four digits"));
    // Another organisation's scorecard is not theirs to read.
    app.register("RX2", "Hilltop Hospital").await;
    let other = visitor.get("/scorecard?organisation=RX2").await;
    assert!(
        other.status == 403 || other.status == 404,
        "{}",
        other.status
    );
}
