//! The auditor's pages: finding a record by its reference or by words, its trace and its
//! field history, checking the log against a checkpoint uploaded from the page (and naming
//! the first event that fails once the log is tampered with), and downloading the audit trail
//! and "you said, we did". An auditor finds no write control and sees no personal details.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::audit::{disable_protection, sql};
use crate::helpers::{
    accepted_letters, plan_activity, propose_action, record_item, spawn_app, Backend, TestApp,
};
use crate::on_both;
use crate::web_visitor::{Page, Visitor};

on_both!(
    an_auditor_finds_traces_and_reads_every_change,
    an_auditor_checks_the_log_and_takes_the_evidence_away,
    an_auditor_reads_the_record_as_it_stood,
);

/// An activity with an item decided and acted on, and a correction of its topic; answers the
/// activity, the item and the action.
async fn record(app: &TestApp) -> (String, String, String) {
    let (officer, activity, item) = accepted_letters(app).await;
    let action = propose_action(app, &officer, "RX1", &item, "Send letters by email").await;
    app.call(
        &officer,
        "amendActivity",
        "activity { id }",
        json!({ "activityId": activity, "topic": "Letters and reminders",
            "reason": { "category": "WRONG_DETAIL", "detail": "The topic left out reminders" } }),
    )
    .await;
    app.call(
        &officer,
        "registerParticipant",
        "participant { id }",
        json!({ "organisation": "RX1", "registeredOn": "2026-03-01",
            "details": { "displayName": "Alice Example", "email": "alice@example.org" } }),
    )
    .await;
    (activity, item, action)
}

async fn auditor(app: &TestApp) -> Visitor {
    let mut visitor = Visitor::new(app);
    visitor
        .sign_in(app, "auditor@example.nhs.uk", Role::Auditor, &["RX1"])
        .await;
    visitor
}

async fn an_auditor_finds_traces_and_reads_every_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let (activity, item, action) = record(&app).await;
    let mut auditor = auditor(&app).await;
    assert!(auditor.get("/").await.body.contains("href=\"/audit\""));

    // By reference, straight to the record; by words, a list; an unknown reference, said so.
    let found = auditor.get(&format!("/audit?q={item}")).await;
    assert_eq!(found.status, 303);
    assert_eq!(found.location(), format!("/input/{item}"));
    let words = auditor.get("/audit?q=letters+clinic").await.text();
    assert!(words.contains("Input items: 1"), "{words}");
    assert!(
        words.contains("Letters arrive after the clinic date"),
        "{words}"
    );
    let unknown = auditor
        .get(&format!("/audit?q={}", uuid::Uuid::new_v4()))
        .await;
    assert!(unknown
        .text()
        .contains("There is no record with that reference that you may read"));

    // The trace: from the activity to the action, each step recorded by whom, with its hash.
    let item_page = auditor.get(&format!("/input/{item}")).await;
    assert!(item_page.body.contains(&format!("/input/{item}/trace")));
    let trace = auditor.get(&format!("/input/{item}/trace")).await;
    assert_eq!(trace.status, 200, "{}", trace.text());
    let text = trace.text();
    for step in [
        "Activity planned",
        "Input item recorded",
        "Input item decided",
        "Action proposed",
    ] {
        assert!(text.contains(step), "{step} in {text}");
    }
    assert!(
        text.contains("by tester@example.nhs.uk (engagement officer)"),
        "{text}"
    );
    assert_eq!(
        trace.body.matches("Hash</dt>").count(),
        text.matches("Position in the log").count()
    );
    let back = auditor
        .get(&format!("/actions/{action}/trace"))
        .await
        .text();
    assert!(
        back.contains("Input item recorded") && back.contains("Action proposed"),
        "{back}"
    );

    // Every change, field by field, with the reason for the correction.
    let history = auditor.get(&format!("/history/activity/{activity}")).await;
    assert_eq!(history.status, 200, "{}", history.text());
    let text = history.text();
    assert!(text.contains("Activity amended"), "{text}");
    assert!(
        text.contains("Field topic Before Communication After Letters and reminders"),
        "{text}"
    );
    assert!(text.contains("Why: Another detail was entered wrongly (a count, a kind, an owner): The topic left out reminders"), "{text}");
    assert_eq!(
        auditor
            .get(&format!("/history/nothing/{activity}"))
            .await
            .status,
        404
    );

    // No write control on any record's page; a forged post with the auditor's own form token
    // is refused and records nothing.
    let events = app.event_count().await;
    for page in [
        format!("/activities/{activity}"),
        format!("/input/{item}"),
        format!("/actions/{action}"),
    ] {
        let shown = auditor.get(&page).await;
        assert!(
            !shown.text().contains("What to do next"),
            "{page}: {}",
            shown.text()
        );
        assert!(!shown.body.contains("Correct its details"), "{page}");
    }
    let csrf = item_page.form_token();
    let forged = auditor
        .post(
            &format!("/activities/{activity}/cancel/confirm"),
            &[("csrf_token", &csrf), ("reason", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(app.event_count().await, events);
}

/// Posts `file` (or none) to the check as a multipart form with the form token.
async fn check(visitor: &mut Visitor, app: &TestApp, csrf: &str, file: Option<&str>) -> Page {
    let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf.to_owned());
    form = form.part(
        "checkpoint",
        reqwest::multipart::Part::text(file.unwrap_or_default().to_owned())
            .file_name("checkpoint.json"),
    );
    let request = reqwest::Client::new()
        .post(format!("{}/audit/verify", app.address))
        .multipart(form);
    visitor.send(request).await
}

async fn an_auditor_checks_the_log_and_takes_the_evidence_away(backend: Backend) {
    let app = spawn_app(backend).await;
    record(&app).await;
    let mut auditor = auditor(&app).await;
    let csrf = auditor.get("/audit/verify").await.form_token();

    let chains = check(&mut auditor, &app, &csrf, None).await;
    assert_eq!(chains.status, 200, "{}", chains.text());
    assert!(
        chains
            .text()
            .contains("Verified: every record's chain holds"),
        "{}",
        chains.text()
    );

    // A checkpoint, issued and downloaded, then uploaded again.
    let issued = auditor
        .post("/audit/checkpoint", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let disposition = issued.headers["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"checkpoint-"),
        "{disposition}"
    );
    let matched = check(&mut auditor, &app, &csrf, Some(&issued.body)).await;
    assert!(
        matched
            .text()
            .contains("and the log matches the checkpoint"),
        "{}",
        matched.text()
    );
    let wrong = check(
        &mut auditor,
        &app,
        &csrf,
        Some("{\"not\": \"a checkpoint\"}"),
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.text().contains("The file chosen is not a checkpoint"));
    // Without the form token, nothing is checked.
    let forged = check(&mut auditor, &app, "not-the-token", None).await;
    assert_eq!(forged.status, 403);

    // Tampered with in the database, the check names the event and what it means.
    disable_protection(app.db()).await;
    sql(app.db(), "UPDATE events SET payload = replace(payload, 'Letters arrive', 'Letters come') WHERE event_type = 'InputItemRecorded'").await;
    let failed = check(&mut auditor, &app, &csrf, Some(&issued.body)).await;
    let text = failed.text();
    assert!(text.contains("Not verified"), "{text}");
    assert!(
        text.contains("The first event that fails is at position"),
        "{text}"
    );
    assert!(
        text.contains("it was changed after it was recorded"),
        "{text}"
    );

    // The audit trail and "you said, we did", downloaded.
    let missing = auditor
        .get("/audit/downloads/trail?organisation=RX1&format=CSV")
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.text().contains("Enter the first and the last day"));
    let trail = auditor
        .get("/audit/downloads/trail?organisation=RX1&from-day=1&from-month=1&from-year=2020&to-day=31&to-month=12&to-year=2030&format=CSV")
        .await;
    assert_eq!(trail.status, 200, "{}", trail.body);
    assert!(trail.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".csv"));
    assert!(trail.body.contains("ActivityPlanned"), "{}", trail.body);
    let said = auditor
        .get("/audit/downloads/you-said-we-did?organisation=RX1&format=HTML")
        .await;
    assert_eq!(said.status, 200);
    assert!(
        said.body.contains("Letters come after the clinic date")
            || said.body.contains("Letters arrive")
    );
    assert!(!said.body.contains("alice@example.org"));

    // Over the days the input was raised on: within them the item is there, outside not.
    let days = |from: (u32, u32), to: (u32, u32)| {
        format!(
            "/audit/downloads/you-said-we-did?organisation=RX1&format=CSV\
             &raised-from-day={}&raised-from-month={}&raised-from-year=2026\
             &raised-to-day={}&raised-to-month={}&raised-to-year=2026",
            from.0, from.1, to.0, to.1
        )
    };
    let march = auditor.get(&days((1, 3), (31, 3))).await;
    assert_eq!(march.status, 200, "{}", march.body);
    assert!(march.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("you-said-we-did-RX1-2026-03-01-2026-03-31.csv"));
    assert!(march.body.contains("Letters"), "{}", march.body);
    let april = auditor.get(&days((1, 4), (30, 4))).await;
    assert_eq!(april.status, 200);
    assert!(!april.body.contains("Letters"), "{}", april.body);
    assert_eq!(april.body.lines().count(), 1, "the header alone");
    let backwards = auditor.get(&days((30, 4), (1, 4))).await;
    assert_eq!(backwards.status, 400);
    assert!(backwards
        .text()
        .contains("The last day must be on or after the first"));
}

async fn an_auditor_reads_the_record_as_it_stood(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &officer, "RX1", "2026-03-10").await;
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(1_100));
    pause().await;
    let between = chrono::Utc::now();
    pause().await;
    app.call(
        &officer,
        "amendActivity",
        "activity { id }",
        json!({ "activityId": activity, "topic": "Letters and reminders",
            "reason": { "category": "WRONG_DETAIL", "detail": "The topic left out reminders" } }),
    )
    .await;
    record_item(&app, &officer, &activity, "Reminders by text", "2026-03-10").await;
    let mut auditor = auditor(&app).await;
    assert!(auditor.get("/").await.text().contains("All input 1"));
    let page = format!("/activities/{activity}");
    assert!(auditor
        .get(&page)
        .await
        .text()
        .contains("Letters and reminders"));

    // Only a moment in the past; then every page says which, and the activity is as it stood.
    let csrf = auditor.get("/audit/as-of").await.form_token();
    let at = |day: &str, month: &str, year: &str, time: &str| {
        vec![
            ("csrf_token".to_owned(), csrf.clone()),
            ("day-day".to_owned(), day.to_owned()),
            ("day-month".to_owned(), month.to_owned()),
            ("day-year".to_owned(), year.to_owned()),
            ("time".to_owned(), time.to_owned()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let mut visitor = Visitor::new(&app);
        visitor.cookie = auditor.cookie.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            visitor.post("/audit/as-of", &pairs).await
        }
    };
    let future = post(at("1", "1", "2099", "")).await;
    assert_eq!(future.status, 400);
    assert!(future.text().contains("The moment must be in the past"));
    let bad_time = post(at("1", "1", "2026", "25:99")).await;
    assert!(bad_time
        .text()
        .contains("Enter the time as hours and minutes"));
    let f = |pattern: &str| between.format(pattern).to_string();
    let chosen = post(at(&f("%-d"), &f("%-m"), &f("%Y"), &f("%H:%M:%S"))).await;
    assert_eq!(chosen.status, 303, "{}", chosen.text());
    let then = auditor.get(&page).await.text();
    assert!(
        then.contains("Recorded as of"),
        "every page says so: {then}"
    );
    assert!(
        then.contains("Topic Communication"),
        "the topic before the correction: {then}"
    );
    assert!(!then.contains("Letters and reminders"), "{then}");
    // What needs you counts the input as it stood: none yet.
    let home = auditor.get("/").await.text();
    assert!(home.contains("Recorded as of"), "{home}");
    assert!(home.contains("All input 0"), "{home}");

    // Back to now.
    let back = auditor
        .post("/audit/as-of/clear", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(back.status, 303);
    let now = auditor.get(&page).await.text();
    assert!(now.contains("Letters and reminders"));
    assert!(!now.contains("Recorded as of"));
    assert!(auditor.get("/").await.text().contains("All input 1"));

    // An officer does not get the choice.
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    assert_eq!(officer.get("/audit/as-of").await.status, 403);
}
