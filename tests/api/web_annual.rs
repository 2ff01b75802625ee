//! The annual report's involvement section as a page: previewed for a financial year, its
//! examples of change chosen from the actions completed with an outcome, its sources named by
//! title, and downloaded as HTML and Markdown with the examples chosen; a year or an example
//! that is not one is named, and another organisation's report is not shown.

use serde_json::json;

use crate::helpers::{accepted_letters, propose_action, spawn_app, Backend, TestApp};
use crate::on_both;
use crate::web_visitor::Visitor;

on_both!(the_annual_report_is_previewed_with_its_examples_and_downloaded,);

/// An action answering `item`, agreed and completed on `completed_on` with `outcome`.
async fn completed(
    app: &TestApp,
    token: &str,
    item: &str,
    title: &str,
    completed_on: &str,
    outcome: &str,
) -> String {
    let action = propose_action(app, token, "RX1", item, title).await;
    for (mutation, input) in [
        ("agreeAction", json!({ "agreedOn": "2026-04-02" })),
        (
            "completeAction",
            json!({ "completedOn": completed_on, "outcome": outcome, "evidence": "Audit" }),
        ),
    ] {
        let mut input = input;
        input["actionId"] = json!(action);
        app.call(token, mutation, "action { id }", input).await;
    }
    action
}

async fn the_annual_report_is_previewed_with_its_examples_and_downloaded(backend: Backend) {
    let app = spawn_app(backend).await;
    let (officer, _, item) = accepted_letters(&app).await;
    let letters = completed(
        &app,
        &officer,
        &item,
        "Send letters three weeks ahead",
        "2026-05-20",
        "Letters now arrive in time",
    )
    .await;
    let loop_ = completed(
        &app,
        &officer,
        &item,
        "Fit a hearing loop",
        "2026-06-01",
        "A loop at every desk",
    )
    .await;

    let mut visitor = Visitor::officer(&app, &["RX1"]).await;
    let scorecard = visitor.get("/scorecard?organisation=RX1").await;
    assert!(scorecard
        .body
        .contains("href=\"/annual-report?organisation=RX1\""));
    let page = visitor
        .get("/annual-report?organisation=RX1&year=2026")
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    let text = page.text();
    assert!(text.contains("Riverside Hospital"), "{text}");
    // Both actions are offered, and by default both are told (the most recent first).
    for (action, title) in [
        (&letters, "Send letters three weeks ahead"),
        (&loop_, "Fit a hearing loop"),
    ] {
        assert!(
            page.body.contains(&format!("value=\"{action}\" checked")),
            "{title} is offered and chosen by default"
        );
        assert!(
            page.body.contains(&format!("<h4>{title}</h4>")),
            "{}",
            page.body
        );
    }
    assert!(
        text.contains("Completed 20 May 2026: Letters now arrive in time"),
        "{text}"
    );
    // Sources name their records by title as well as by id.
    assert!(
        page.body.contains(&format!(
            "Send letters three weeks ahead: action <span class=\"ref\">{letters}</span>"
        )),
        "{}",
        page.body
    );

    // One example chosen: only it is told, and the downloads keep the choice.
    let chosen = visitor
        .get(&format!(
            "/annual-report?organisation=RX1&year=2026&example={loop_}"
        ))
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text());
    assert!(chosen.body.contains("<h4>Fit a hearing loop</h4>"));
    assert!(!chosen
        .body
        .contains("<h4>Send letters three weeks ahead</h4>"));
    assert!(
        chosen.body.contains(&format!("value=\"{letters}\" aria")),
        "offered, not chosen"
    );
    let html_link =
        format!("/annual-report/download?organisation=RX1&year=2026&format=html&example={loop_}");
    assert!(
        chosen
            .body
            .replace("&#38;", "&")
            .replace("&amp;", "&")
            .contains(&html_link),
        "{}",
        chosen.body
    );
    let html = visitor.get(&html_link).await;
    assert_eq!(html.status, 200);
    assert_eq!(
        html.headers
            .get("content-disposition")
            .map(|v| v.to_str().unwrap_or_default()),
        Some("attachment; filename=\"involvement-RX1-2026-27.html\"")
    );
    assert!(html.body.starts_with("<!DOCTYPE html>"));
    assert!(html.body.contains("<h3>Fit a hearing loop</h3>"));
    assert!(!html.body.contains("Send letters three weeks ahead</h3>"));
    assert!(html.body.contains("@media print"));
    let markdown = visitor
        .get(&format!(
            "/annual-report/download?organisation=RX1&year=2026&format=markdown&example={loop_}"
        ))
        .await;
    assert_eq!(markdown.status, 200);
    assert!(
        markdown
            .body
            .starts_with("# Working with people and communities: Riverside Hospital"),
        "{}",
        markdown.body
    );
    assert!(markdown.body.contains("### Fit a hearing loop"));
    assert!(
        markdown.body.contains("Fit a hearing loop (action "),
        "{}",
        markdown.body
    );

    // An action not completed in the year is named, and so is a year that is not one.
    let wrong = visitor
        .get(&format!(
            "/annual-report?organisation=RX1&year=2025&example={loop_}"
        ))
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.text());
    assert!(
        wrong.text().contains(&format!(
            "Action {loop_} was not completed with an outcome within the year"
        )),
        "{}",
        wrong.text()
    );
    let year = visitor
        .get("/annual-report?organisation=RX1&year=twenty")
        .await;
    assert_eq!(year.status, 400);
    assert!(year.text().contains("Enter the year as four digits"));
    let too_many: String = (0..21)
        .map(|i| format!("&example=00000000-0000-0000-0000-{i:012}"))
        .collect();
    let many = visitor
        .get(&format!(
            "/annual-report?organisation=RX1&year=2026{too_many}"
        ))
        .await;
    assert_eq!(many.status, 400);
    assert!(many.text().contains("Choose 20 examples or fewer"));

    // Another organisation's report is not this officer's to read.
    app.register("RX2", "Hilltop Hospital").await;
    let mut stranger = Visitor::officer(&app, &["RX2"]).await;
    let refused = stranger
        .get("/annual-report?organisation=RX1&year=2026")
        .await;
    assert!(
        refused.status == 403 || refused.status == 404,
        "{}",
        refused.status
    );
    assert!(!refused.text().contains("Fit a hearing loop"));
    let refused = stranger
        .get("/annual-report/download?organisation=RX1&year=2026&format=markdown")
        .await;
    assert!(
        refused.status == 403 || refused.status == 404,
        "{}",
        refused.status
    );
}
