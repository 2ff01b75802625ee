//! An activity moved to a later date: the activity shows its new date and every earlier one with
//! the reason, its field history shows the change, the scorecard judges information published
//! "before the activity" by the day it was held on the new date, and a date that is not later
//! is refused with the record untouched.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, spawn_app, Backend};
use crate::on_both;

const POSTPONE: &str = "mutation($i: PostponeActivityInput!) { postponeActivity(input: $i) {
    activity { plannedOn postponements { from to postponedOn reason } } } }";

async fn an_activity_is_postponed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    // Information goes out after the first date, for the new one.
    app.call(
        &officer,
        "recordInformationPublished",
        "activity { id }",
        json!({ "activityId": activity, "publishedOn": "2026-03-05", "accessibleFormats": ["EASY_READ"] }),
    )
    .await;

    let moved = app
        .ok(
            &officer,
            POSTPONE,
            json!({ "i": { "activityId": activity, "plannedOn": "2026-03-10",
                "postponedOn": "2026-02-25", "reason": " The venue flooded " } }),
        )
        .await;
    assert_eq!(
        moved["postponeActivity"]["activity"],
        json!({ "plannedOn": "2026-03-10", "postponements": [
            { "from": "2026-03-01", "to": "2026-03-10", "postponedOn": "2026-02-25",
              "reason": "The venue flooded" } ] })
    );

    // A date that is not later, no reason and a future decision day are refused at once, and
    // nothing is appended.
    let before = app.event_count().await;
    let (code, message) = app
        .err(
            &officer,
            POSTPONE,
            json!({ "i": { "activityId": activity, "plannedOn": "2026-03-08",
                "postponedOn": "2099-01-01", "reason": "" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(
        message,
        "plannedOn: 2026-03-08 is not after the date it is planned for, 2026-03-10; \
         postponedOn: must not be in the future; reason: is required"
    );
    assert_eq!(app.event_count().await, before);

    app.call(
        &officer,
        "recordActivityHeld",
        "activity { id }",
        json!({ "activityId": activity, "heldOn": "2026-03-10",
            "attendance": { "patients": 8, "carers": 1, "public": 0, "staff": 2 } }),
    )
    .await;

    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let history = app
        .ok(
            &auditor,
            "query($id: ID!) { fieldHistory(record: ACTIVITY, id: $id) {
               nodes { event { eventType } changes { field old new } } } }",
            json!({ "id": activity }),
        )
        .await;
    let postponed = history["fieldHistory"]["nodes"]
        .as_array()
        .expect("revisions")
        .iter()
        .find(|r| r["event"]["eventType"] == "ActivityPostponed")
        .cloned()
        .unwrap_or(Value::Null);
    let planned_change = postponed["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == "planned_on");
    assert_eq!(
        planned_change,
        Some(&json!({ "field": "planned_on", "old": "2026-03-01", "new": "2026-03-10" })),
        "{history}"
    );

    let card = app
        .ok(
            &auditor,
            "query { scorecard(organisation: \"QMJ\", period: { from: \"2026-01-01\", to: \"2026-03-31\" }) {
               measures { key numerator denominator value } } }",
            json!({}),
        )
        .await;
    let measure = |key: &str| {
        card["scorecard"]["measures"]
            .as_array()
            .expect("measures")
            .iter()
            .find(|m| m["key"] == key)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        measure("information_before_activity"),
        json!({ "key": "information_before_activity", "numerator": 1.0, "denominator": 1.0, "value": 100.0 })
    );
    assert_eq!(measure("days_information_before")["value"], 5.0);
}

on_both!(an_activity_is_postponed);
