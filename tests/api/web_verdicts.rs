//! Verdicts over time as a page: an organisation's or an activity's verdicts at each of the
//! last twelve month ends as a stacked chart with its figures as a table, and the median days
//! to a decision; another organisation's are not shown.

use chrono::{Datelike, Days, Utc};
use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend};
use crate::on_both;
use crate::web_visitor::Visitor;

on_both!(verdicts_over_time_count_each_month_as_it_ended,);

/// The words of the figures table's row headed `label`: its counts, then its total.
fn row(body: &str, label: &str) -> Vec<String> {
    let start = body
        .find(&format!("scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("no row {label}: {body}"));
    let rest = &body[start..];
    let row = &rest[..rest.find("</tr>").expect("the row ends")];
    row.split("<td")
        .skip(1)
        .filter_map(|cell| cell.split('>').nth(1))
        .filter_map(|cell| cell.split('<').next())
        .map(str::to_owned)
        .collect()
}

async fn verdicts_over_time_count_each_month_as_it_ended(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    // Raised forty days ago, so after the end of the month three months back, and declined five
    // days later.
    let today = Utc::now().date_naive();
    let raised = today - Days::new(40);
    let activity = plan_activity(&app, &officer, "RX1", &raised.to_string()).await;
    let item = record_item(
        &app,
        &officer,
        &activity,
        "Saturday clinics",
        &raised.to_string(),
    )
    .await;
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": item, "outcome": "DECLINED", "reason": "No weekend staffing",
            "decidedOn": (raised + Days::new(5)).to_string() }),
    )
    .await;

    let mut visitor = Visitor::officer(&app, &["RX1"]).await;
    let scorecard = visitor.get("/scorecard?organisation=RX1").await;
    assert!(
        scorecard
            .body
            .contains("href=\"/verdicts?organisation=RX1\""),
        "the scorecard links to it"
    );
    let page = visitor.get("/verdicts?organisation=RX1").await;
    assert_eq!(page.status, 200, "{}", page.text());
    let text = page.text();
    assert!(text.contains("Riverside Hospital"), "{text}");
    assert!(text.contains("Median days to a decision 5 days"), "{text}");
    // Twelve months, as a chart with its key and as a table: eight verdicts and a total.
    let months_held = |d: chrono::NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month());
    let bars = (months_held(today) - months_held(raised) + 1) as usize;
    assert_eq!(
        page.body.matches("class=\"ledger-stack__part\" x=").count(),
        bars,
        "a bar a month since the item was raised, of one part"
    );
    assert!(page.body.contains("class=\"ledger-key\""));
    let this_month = format!("{} (to {})", today.format("%B %Y"), today.format("%-d %B"));
    let now = row(&page.body, &this_month);
    assert_eq!(now.len(), 9, "{now:?}");
    let declined = 5; // Acted on, planned, stalled, already in place, referred, then declined.
    assert_eq!(now[declined], "1", "{now:?}");
    assert_eq!(now[8], "1", "the total: {now:?}");
    let before = today
        .checked_sub_months(chrono::Months::new(3))
        .expect("a date");
    let then = row(&page.body, &before.format("%B %Y").to_string());
    assert_eq!(then[8], "0", "nothing was raised yet: {then:?}");
    assert!(text.contains("None yet"), "no decision then: {text}");

    // The activity's page leads to its own.
    let record = visitor.get(&format!("/activities/{activity}")).await;
    let href = format!("/verdicts?activity={activity}");
    assert!(record.body.contains(&href), "{}", record.text());
    let own = visitor.get(&href).await;
    assert_eq!(own.status, 200, "{}", own.text());
    assert_eq!(row(&own.body, &this_month)[declined], "1");
    assert!(own
        .body
        .contains(&format!("href=\"/activities/{activity}\"")));

    // Another organisation's verdicts, or its activity's, are not shown to this officer.
    app.register("RX2", "Hilltop Hospital").await;
    let theirs = app.token(Role::EngagementOfficer, &["RX2"]);
    let other = plan_activity(&app, &theirs, "RX2", &raised.to_string()).await;
    let mut stranger = Visitor::officer(&app, &["RX2"]).await;
    let refused = stranger.get(&href).await;
    assert_eq!(refused.status, 404, "{}", refused.text());
    assert!(!refused.text().contains("Saturday clinics"));
    let refused = stranger.get("/verdicts?organisation=RX1").await;
    assert!(
        refused.status == 403 || refused.status == 404,
        "{}",
        refused.status
    );
    assert_eq!(
        stranger
            .get(&format!("/verdicts?activity={other}"))
            .await
            .status,
        200
    );
    // An organisation that is not one is named as not found.
    assert_eq!(visitor.get("/verdicts?organisation=ZZZ9").await.status, 404);
}
