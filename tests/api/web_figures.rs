//! The figures as pages: the scorecard for an organisation and a period, each measure with
//! its value, its change against the period before, a chart with its figures as a table, and
//! the records it counts, each opening to its page; a period that is not one is named.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{accepted_letters, plan_activity, spawn_app, Backend};
use crate::on_both;
use crate::web_visitor::{Page, Visitor};

on_both!(
    the_scorecard_shows_each_measure_and_opens_to_its_records,
    reach_names_the_groups_left_out_and_takes_a_new_baseline,
);

async fn the_scorecard_shows_each_measure_and_opens_to_its_records(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, item) = accepted_letters(&app).await;
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

    // The measures download as CSV and as a workbook, linked from the page.
    assert!(card.body.contains("format=csv"), "offered from the page");
    let csv = visitor
        .get("/scorecard?organisation=RX1&period=year&year=2025&format=csv")
        .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.starts_with(
            "Principle,Measure,Unit,Value,Numerator,Denominator,Previous period,Change,From,To"
        ),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(",2025-04-01,2026-03-31"), "{}", csv.body);
    let xlsx = visitor
        .get("/scorecard?organisation=RX1&period=year&year=2025&format=xlsx")
        .await;
    assert!(xlsx.body.starts_with("PK"), "a workbook");

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

/// Uploads `csv` as RX1's baseline from the reach page, as a person choosing a file would.
async fn upload(
    visitor: &mut Visitor,
    app: &crate::helpers::TestApp,
    csrf: &str,
    csv: &str,
) -> Page {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_owned())
        .part(
            "csv",
            reqwest::multipart::Part::text(csv.to_owned()).file_name("baseline.csv"),
        );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let request = client
        .post(format!("{}/reach/baseline?organisation=RX1", app.address))
        .multipart(form);
    visitor.send(request).await
}

async fn reach_names_the_groups_left_out_and_takes_a_new_baseline(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &officer, "RX1", "2026-05-10").await;
    app.call(
        &officer,
        "recordActivityHeld",
        "activity { id }",
        json!({ "activityId": activity, "heldOn": "2026-05-10",
            "attendance": { "patients": 10, "carers": 0, "public": 0, "staff": 0 },
            "demographics": { "ageBand": [{ "category": "18 to 44", "count": 9 },
                                          { "category": "65 and over", "count": 1 }] } }),
    )
    .await;
    let mut visitor = Visitor::officer(&app, &["RX1"]).await;
    let page = visitor.get("/reach?organisation=RX1").await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page
        .text()
        .contains("No population baseline has been uploaded"));
    let csrf = page.form_token();

    // A file with faults: every faulty line named, nothing changed.
    let events = app.event_count().await;
    let faulty = "dimension,category,count\nage_band,18 to 44,lots\nage_band,65 and over,300\nshoe_size,9,4\n";
    let refused = upload(&mut visitor, &app, &csrf, faulty).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    let text = refused.text();
    assert!(
        text.contains("Line 2, column 3: the count must be a whole number"),
        "{text}"
    );
    assert!(
        text.contains("Line 4, column 1: unknown dimension"),
        "{text}"
    );
    assert_eq!(app.event_count().await, events, "nothing recorded");

    // A good one: the chart names the group left out.
    let good = "dimension,category,count\nage_band,18 to 44,600\nage_band,65 and over,400\n";
    let uploaded = upload(&mut visitor, &app, &csrf, good).await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.text());
    let page = visitor.get(uploaded.location()).await;
    let text = page.text();
    assert!(text.contains("Population baseline uploaded"), "{text}");
    assert!(text.contains("Under-represented"), "{text}");
    assert!(
        text.contains("Age: 65 and over, 10% of those who took part against 40% of the population"),
        "{text}"
    );
    assert!(page.body.contains("<svg"), "drawn as a chart");
    let csv = visitor.get("/reach?organisation=RX1&format=csv").await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains("Age band,65 and over,1,10,40,Yes"),
        "each group as a row: {}",
        csv.body
    );
    assert!(
        text.contains("Share of the population"),
        "with its figures as a table: {text}"
    );

    // An auditor reads it but is offered no upload, and cannot post one.
    let mut auditor = Visitor::new(&app);
    auditor
        .sign_in(&app, "auditor@example.nhs.uk", Role::Auditor, &["RX1"])
        .await;
    let read = auditor.get("/reach?organisation=RX1").await;
    assert_eq!(read.status, 200);
    assert!(!read.body.contains("/reach/baseline"));
    let token = read.form_token();
    assert_eq!(upload(&mut auditor, &app, &token, good).await.status, 403);
}
