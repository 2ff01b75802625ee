//! The public "you said, we did" pages: shown only once an administrator turns the
//! organisation's page on and an officer publishes the activity; each thing said with what
//! came of it in plain words, withdrawn items never; nothing personal anywhere; cached with an
//! entity tag that changes when the record does; an Atom feed of closed loops.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{
    plan_activity, propose_action, record_item, spawn_app, spawn_app_with, Backend, TestApp,
};
use crate::on_both;
use crate::web_visitor::{Page, Visitor};

on_both!(
    a_published_activity_says_what_was_done_in_plain_words,
    the_public_pages_hold_nothing_personal_and_follow_the_record,
);

/// The activity, with one item done and told, one declined, one waiting, one overdue and one
/// withdrawn; a participant with a name and email linked to it.
struct Story {
    activity: String,
    done: String,
}

async fn story(app: &TestApp, officer: &str) -> Story {
    let activity = plan_activity(app, officer, "RX1", "2026-03-10").await;
    app.call(
        officer,
        "recordActivityHeld",
        "activity { id }",
        json!({ "activityId": activity, "heldOn": "2026-03-10",
            "attendance": { "patients": 9, "carers": 2, "public": 0, "staff": 3 } }),
    )
    .await;
    let person = app
        .call(
            officer,
            "registerParticipant",
            "participant { id }",
            json!({ "organisation": "RX1", "registeredOn": "2026-03-01",
                "details": { "displayName": "Alice Example", "email": "alice@example.org" } }),
        )
        .await["participant"]["id"]
        .as_str()
        .expect("participant")
        .to_owned();
    app.call(
        officer,
        "linkParticipant",
        "participant { id }",
        json!({ "participantId": person, "activityId": activity }),
    )
    .await;
    let done = record_item(
        app,
        officer,
        &activity,
        "Letters arrive after the clinic date",
        "2026-03-10",
    )
    .await;
    let declined = record_item(
        app,
        officer,
        &activity,
        "Open the car park all night",
        "2026-03-10",
    )
    .await;
    record_item(
        app,
        officer,
        &activity,
        "Send reminders by text",
        "2026-11-30",
    )
    .await;
    record_item(
        app,
        officer,
        &activity,
        "Clinic signs are hard to read",
        "2026-03-10",
    )
    .await;
    let withdrawn = record_item(app, officer, &activity, "Entered by mistake", "2026-03-10").await;
    decide(
        app,
        officer,
        &done,
        "ACCEPTED",
        "Late letters mean missed appointments",
    )
    .await;
    let action = propose_action(app, officer, "RX1", &done, "Send letters by email as well").await;
    app.call(
        officer,
        "agreeAction",
        "action { id }",
        json!({ "actionId": action, "agreedOn": "2026-03-25" }),
    )
    .await;
    app.call(
        officer,
        "completeAction",
        "action { id }",
        json!({ "actionId": action, "completedOn": "2026-05-01",
            "outcome": "Letters now also go by email, a week sooner", "evidence": "Audit of 200 letters" }),
    )
    .await;
    app.call(
        officer,
        "recordInputFeedback",
        "inputItem { id }",
        json!({ "inputItemId": done, "givenOn": "2026-05-10", "channel": "EMAIL",
            "summary": "Emailed Alice Example about the change" }),
    )
    .await;
    let reason = "the car park is shared with the council and closes at midnight";
    decide(app, officer, &declined, "DECLINED", reason).await;
    app.call(
        officer,
        "withdrawInputItem",
        "inputItem { id }",
        json!({ "inputItemId": withdrawn,
            "reason": { "category": "RECORDED_IN_ERROR", "detail": "Typed twice" } }),
    )
    .await;
    Story { activity, done }
}

async fn decide(app: &TestApp, officer: &str, item: &str, outcome: &str, reason: &str) {
    app.call(
        officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": item, "outcome": outcome, "decidedOn": "2026-03-20", "reason": reason }),
    )
    .await;
}

async fn public(app: &TestApp, path: &str) -> Page {
    Visitor::new(app).get(path).await
}

async fn a_published_activity_says_what_was_done_in_plain_words(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let Story { activity, .. } = story(&app, &officer).await;
    let page = format!("/public/RX1/activities/{activity}");

    // Off by default: no page, and none for an organisation that does not exist.
    assert_eq!(public(&app, "/public/RX1").await.status, 404);
    assert_eq!(public(&app, "/public/ZZZ9").await.status, 404);
    assert_eq!(public(&app, "/public/not a code").await.status, 404);

    // Only an administrator turns it on.
    let (code, _) = app
        .err(
            &officer,
            "mutation($i: SetPublicPageInput!) { setPublicPage(input: $i) { organisation { publicPage } } }",
            json!({ "i": { "odsCode": "RX1", "published": true } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let on = app
        .call(
            &app.admin(),
            "setPublicPage",
            "organisation { publicPage }",
            json!({ "odsCode": "RX1", "published": true }),
        )
        .await;
    assert_eq!(on["organisation"]["publicPage"], true);
    let empty = public(&app, "/public/RX1").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.text().contains("Nothing has been published here yet"));
    assert_eq!(public(&app, &page).await.status, 404, "not published yet");

    // Publishing needs the officer to confirm nothing in it is personal.
    let events = app.event_count().await;
    let (code, message) = app
        .err(
            &officer,
            "mutation($i: PublishActivityInput!) { publishActivity(input: $i) { activity { publicSince } } }",
            json!({ "i": { "activityId": activity, "nothingPersonal": false } }),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{message}");
    assert!(message.starts_with("nothingPersonal:"), "{message}");
    assert_eq!(app.event_count().await, events, "nothing recorded");

    // The officer publishes it from the activity's page.
    let mut clerk = Visitor::officer(&app, &["RX1"]).await;
    let record = clerk.get(&format!("/activities/{activity}")).await;
    assert!(record
        .body
        .contains(&format!("/activities/{activity}/publish")));
    let csrf = record.form_token();
    let unticked = clerk
        .post(
            &format!("/activities/{activity}/publish"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert!(
        unticked.text().contains("Confirm that you have read it"),
        "{}",
        unticked.text()
    );
    let published = clerk
        .submit(
            &format!("/activities/{activity}/publish"),
            &[("csrf_token", &csrf), ("nothingPersonal", "true")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.text());
    let record = clerk.get(&format!("/activities/{activity}")).await;
    assert!(
        record.text().contains("Shown on the public page"),
        "{}",
        record.text()
    );
    assert!(record
        .body
        .contains(&format!("/activities/{activity}/unpublish")));

    let list = public(&app, "/public/RX1").await;
    assert_eq!(list.status, 200);
    let text = list.text();
    assert!(text.contains("Outpatient letters"), "{text}");
    assert!(
        text.contains("People raised 4 things"),
        "the withdrawn item is not counted: {text}"
    );
    let shown = public(&app, &page).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let text = shown.text();
    for expected in [
        "You said: Letters arrive after the clinic date",
        "Done",
        "We agreed to act on it (20 March 2026): Late letters mean missed appointments",
        "Send letters by email as well: done on 1 May 2026. Letters now also go by email, a week sooner",
        "We told the people who raised it on 10 May 2026",
        "Not going ahead",
        "We decided not to go ahead (20 March 2026): the car park is shared with the council",
        "You said: Send reminders by text",
        "Waiting for a decision",
        "Overdue for a decision",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(
        !text.contains("Entered by mistake"),
        "withdrawn items never appear"
    );

    // Taken off again, it is gone.
    let off = clerk
        .submit(
            &format!("/activities/{activity}/unpublish"),
            &[
                ("csrf_token", &csrf),
                ("reason", "The report is being rewritten"),
            ],
        )
        .await;
    assert_eq!(off.status, 303, "{}", off.text());
    assert_eq!(public(&app, &page).await.status, 404);
    assert!(public(&app, "/public/RX1")
        .await
        .text()
        .contains("Nothing has been published here yet"));
}

async fn the_public_pages_hold_nothing_personal_and_follow_the_record(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let Story { activity, done } = story(&app, &officer).await;
    app.call(
        &app.admin(),
        "setPublicPage",
        "organisation { publicPage }",
        json!({ "odsCode": "RX1", "published": true }),
    )
    .await;
    app.call(
        &officer,
        "publishActivity",
        "activity { id }",
        json!({ "activityId": activity, "nothingPersonal": true }),
    )
    .await;
    let page = format!("/public/RX1/activities/{activity}");
    let feed = "/public/RX1/feed.atom";

    // No name, email or actor on any public page, nor the feedback's own words.
    for path in ["/public/RX1", page.as_str(), feed] {
        let shown = public(&app, path).await;
        assert_eq!(shown.status, 200, "{path}: {}", shown.body);
        for personal in [
            "Alice Example",
            "alice@example.org",
            "tester@example.nhs.uk",
            "officer@example.nhs.uk",
            "Emailed",
        ] {
            assert!(!shown.body.contains(personal), "{personal} on {path}");
        }
        assert!(
            shown.headers.get("set-cookie").is_none(),
            "{path} sets no cookie"
        );
        assert_eq!(shown.headers["cache-control"], "public, max-age=60");
    }

    // The feed carries the closed loop, and only it.
    let atom = public(&app, feed).await;
    assert!(atom.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    assert!(
        atom.body.contains(&format!("<id>urn:uuid:{done}</id>")),
        "{}",
        atom.body
    );
    assert_eq!(atom.body.matches("<entry>").count(), 1, "{}", atom.body);

    // Asked again with its tag, the page is not sent again.
    let first = public(&app, &page).await;
    let tag = first.headers["etag"].to_str().unwrap().to_owned();
    let mut visitor = Visitor::new(&app);
    let again = visitor
        .send(
            reqwest::Client::new()
                .get(format!("{}{page}", app.address))
                .header("if-none-match", &tag),
        )
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    // A change to the record changes the page and its tag.
    let later = record_item(
        &app,
        &officer,
        &activity,
        "More seats in the waiting room",
        "2026-12-01",
    )
    .await;
    let changed = public(&app, &page).await;
    assert!(
        changed.text().contains("More seats in the waiting room"),
        "{later}: {}",
        changed.text()
    );
    assert_ne!(changed.headers["etag"].to_str().unwrap(), tag);
    let stale = visitor
        .send(
            reqwest::Client::new()
                .get(format!("{}{page}", app.address))
                .header("if-none-match", &tag),
        )
        .await;
    assert_eq!(stale.status, 200, "an old tag gets the new page");

    // Turned off by an administrator, every page is gone.
    app.call(
        &app.admin(),
        "setPublicPage",
        "organisation { publicPage }",
        json!({ "odsCode": "RX1", "published": false }),
    )
    .await;
    for path in ["/public/RX1", page.as_str(), feed] {
        assert_eq!(public(&app, path).await.status, 404, "{path}");
    }
}

/// Anyone may read the public pages, so each address has its share of the rate limit: past
/// it, even a kept page is refused, and the page says when to come back.
#[tokio::test]
async fn the_public_pages_are_rate_limited_by_address() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.rate_limit_per_minute = 3).await;
    app.register("RX1", "Riverside Hospital").await;
    app.call(
        &app.admin(),
        "setPublicPage",
        "organisation { publicPage }",
        json!({ "odsCode": "RX1", "published": true }),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(public(&app, "/public/RX1").await.status, 200);
    }
    let refused = public(&app, "/public/RX1").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.heading(), "Too many requests");
    assert!(refused.headers.contains_key("retry-after"));
}
