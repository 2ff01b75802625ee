//! Amending what was recorded about actions and activities: the corrected facts change every
//! as-of answer, `recordedAsOf` before the amendment answers as the record did, and contradicting
//! dates are refused naming both.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

on_both!(
    a_misattributed_action_is_amended,
    a_misdated_activity_with_a_wrong_count_is_amended
);

fn reason(category: &str, detail: &str) -> Value {
    json!({ "category": category, "detail": detail })
}

/// The refusal of `mutation` with `input`, and that nothing was written.
async fn refused(app: &TestApp, token: &str, mutation: &str, input: Value) -> (String, String) {
    let events = app.event_count().await;
    let first = mutation[..1].to_ascii_uppercase() + &mutation[1..];
    let query = format!(
        "mutation($i: {first}Input!) {{ {mutation}(input: $i) {{ receipt {{ logPosition }} }} }}"
    );
    let refusal = app.err(token, &query, json!({ "i": input })).await;
    assert_eq!(app.event_count().await, events, "{mutation} wrote nothing");
    refusal
}

async fn a_misattributed_action_is_amended(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RAL", "Royal Free").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ", "RAL"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-10").await;
    let item = record_item(&app, &officer, &activity, "Evening clinics", "2026-03-10").await;
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": item, "outcome": "ACCEPTED", "decidedOn": "2026-03-12" }),
    )
    .await;
    let action = app
        .call(
            &officer,
            "proposeAction",
            "action { id }",
            json!({ "title": "Extend clinic hours", "ownerOrganisation": "QMJ",
                "ownerRole": "Head of Estates", "decisionForum": "Estates Board",
                "dueOn": "2026-06-30", "proposedOn": "2026-03-01", "inputItemIds": [item] }),
        )
        .await["action"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for (mutation, input) in [
        ("agreeAction", json!({ "agreedOn": "2026-03-20" })),
        (
            "completeAction",
            json!({ "completedOn": "2026-04-01", "outcome": "Clinics open until 8pm",
                "evidence": "Rota" }),
        ),
    ] {
        let mut input = input;
        input["actionId"] = json!(action);
        app.call(&officer, mutation, "action { id }", input).await;
    }
    const VERDICT: &str = "query($id: ID!, $on: Date, $at: DateTime) {
        inputItem(id: $id, asOf: $on, recordedAsOf: $at) { verdict warnings } }";
    let verdict = |on: &'static str, at: Option<String>| {
        let (app, auditor, item) = (&app, &auditor, &item);
        async move {
            app.ok(auditor, VERDICT, json!({ "id": item, "on": on, "at": at }))
                .await["inputItem"]
                .clone()
        }
    };
    assert_eq!(
        verdict("2026-04-02", None).await,
        json!({ "verdict": "ACTED_ON", "warnings": [] })
    );
    let before = chrono::Utc::now().to_rfc3339();

    // Contradicting dates are refused naming both, and so is a step not yet recorded.
    let (code, message) = refused(
        &app,
        &officer,
        "amendAction",
        json!({ "actionId": action, "agreedOn": "2026-04-05",
            "reason": reason("WRONG_DATE", "Agreed later") }),
    )
    .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "VALIDATION",
            "agreedOn: 2026-04-05 is after the action was completed, on 2026-04-01"
        )
    );
    // Another of the officer's organisations, but it cannot answer QMJ's input.
    let (code, message) = refused(
        &app,
        &officer,
        "amendAction",
        json!({ "actionId": action, "ownerOrganisation": "RAL",
            "reason": reason("WRONG_DETAIL", "Royal Free runs it") }),
    )
    .await;
    assert_eq!(code, "VALIDATION");
    assert!(
        message.starts_with("ownerOrganisation: neither owns"),
        "{message}"
    );
    let (code, _) = refused(
        &app,
        &auditor,
        "amendAction",
        json!({ "actionId": action, "title": "Audited", "reason": reason("TYPO", "No") }),
    )
    .await;
    assert_eq!(code, "FORBIDDEN");

    // Agreed at the Quality Committee on 5 March, before the input: the warning shows.
    let amended = app
        .call(
            &officer,
            "amendAction",
            "action { ownerRole decisionForum agreedOn evidence
               corrections { action category detail fields } }",
            json!({ "actionId": action, "ownerRole": "Head of Outpatients",
                "decisionForum": "Quality Committee", "agreedOn": "2026-03-05",
                "evidence": "Clinic rota from April; minutes of 5 March",
                "reason": reason("WRONG_DETAIL", "Minuted at the Quality Committee") }),
        )
        .await;
    assert_eq!(
        amended["action"],
        json!({ "ownerRole": "Head of Outpatients", "decisionForum": "Quality Committee",
            "agreedOn": "2026-03-05",
            "evidence": "Clinic rota from April; minutes of 5 March",
            "corrections": [{ "action": "AMENDED", "category": "WRONG_DETAIL",
                "detail": "Minuted at the Quality Committee",
                "fields": ["ownerRole", "decisionForum", "agreedOn", "evidence"] }] })
    );
    assert_eq!(
        verdict("2026-04-02", None).await,
        json!({ "verdict": "ACTED_ON", "warnings": ["DECIDED_BEFORE_INPUT"] })
    );
    // The record as it stood before the amendment still answers as it did.
    assert_eq!(
        verdict("2026-04-02", Some(before)).await,
        json!({ "verdict": "ACTED_ON", "warnings": [] })
    );
}

const SCORECARD: &str = "query { scorecard(organisation: \"QMJ\",
    period: { from: \"2026-01-01\", to: \"2026-03-31\" }) { measures { key numerator denominator } } }";

/// The numerator and denominator of each named measure of QMJ's last quarter of 2025/26.
async fn measures(app: &TestApp, token: &str, keys: &[&str]) -> Vec<(String, Value, Value)> {
    let card = app.ok(token, SCORECARD, json!({})).await;
    let all = card["scorecard"]["measures"]
        .as_array()
        .expect("measures")
        .clone();
    keys.iter()
        .map(|key| {
            let m = all
                .iter()
                .find(|m| m["key"] == *key)
                .expect("measure listed");
            (
                (*key).to_owned(),
                m["numerator"].clone(),
                m["denominator"].clone(),
            )
        })
        .collect()
}

async fn a_misdated_activity_with_a_wrong_count_is_amended(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let item = record_item(&app, &officer, &activity, "Evening clinics", "2026-03-28").await;
    let steps = [
        (
            "recordInformationPublished",
            json!({ "publishedOn": "2026-03-05" }),
        ),
        // Held on 28 March, entered as 2 April; 12 patients came, entered as 2.
        (
            "recordActivityHeld",
            json!({ "heldOn": "2026-04-02", "attendance": { "patients": 2, "staff": 1 } }),
        ),
        (
            "recordActivityFeedback",
            json!({ "givenOn": "2026-04-10", "channel": "EMAIL", "summary": "What we heard" }),
        ),
    ];
    for (mutation, mut input) in steps {
        input["activityId"] = json!(activity);
        app.call(&officer, mutation, "activity { id }", input).await;
    }
    let keys = ["information_before_activity", "accessible_formats"];
    let none_held = vec![
        (
            "information_before_activity".to_owned(),
            json!(0.0),
            json!(0.0),
        ),
        ("accessible_formats".to_owned(), json!(0.0), json!(0.0)),
    ];
    assert_eq!(measures(&app, &auditor, &keys).await, none_held);
    let before = chrono::Utc::now().to_rfc3339();

    // A held date after the feedback that followed it is refused, naming both.
    let (code, message) = refused(
        &app,
        &officer,
        "amendActivity",
        json!({ "activityId": activity, "heldOn": "2026-04-11",
            "reason": reason("WRONG_DATE", "Later") }),
    )
    .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "VALIDATION",
            "heldOn: 2026-04-11 is after participants were first given feedback, on 2026-04-10"
        )
    );
    let (code, message) = refused(
        &app,
        &officer,
        "amendActivityFeedback",
        json!({ "activityId": activity, "feedback": { "index": 0, "givenOn": "2026-03-01" },
            "reason": reason("WRONG_DATE", "Earlier") }),
    )
    .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "VALIDATION",
            "givenOn: 2026-03-01 is before the activity was held, on 2026-04-02"
        )
    );

    const FIELDS: &str = "activity { heldOn attendance { patients staff }
        informationPublished { publishedOn accessibleFormats } feedback { channel }
        corrections { category fields } }";
    app.call(
        &officer,
        "amendActivity",
        FIELDS,
        json!({ "activityId": activity, "heldOn": "2026-03-28",
            "attendance": { "patients": 12, "staff": 1 },
            "reason": reason("WRONG_DATE", "Typed from the wrong sign-in sheet") }),
    )
    .await;
    app.call(
        &officer,
        "amendInformationPublished",
        FIELDS,
        json!({ "activityId": activity, "index": 0, "accessibleFormats": ["EASY_READ"],
            "reason": reason("LATE_INFORMATION", "The easy read version went out too") }),
    )
    .await;
    let amended = app
        .call(
            &officer,
            "amendActivityFeedback",
            FIELDS,
            json!({ "activityId": activity, "feedback": { "index": 0, "channel": "LETTER" },
                "reason": reason("WRONG_DETAIL", "Sent by post") }),
        )
        .await;
    assert_eq!(
        amended["activity"],
        json!({ "heldOn": "2026-03-28", "attendance": { "patients": 12, "staff": 1 },
            "informationPublished": [{ "publishedOn": "2026-03-05", "accessibleFormats": ["EASY_READ"] }],
            "feedback": [{ "channel": "LETTER" }],
            "corrections": [
                { "category": "WRONG_DATE", "fields": ["heldOn", "attendance"] },
                { "category": "LATE_INFORMATION",
                  "fields": ["informationPublished[0].accessibleFormats"] },
                { "category": "WRONG_DETAIL", "fields": ["feedback[0].channel"] } ] })
    );
    // Held in the quarter after all, with information beforehand in an accessible format.
    assert_eq!(
        measures(&app, &auditor, &keys).await,
        vec![
            (
                "information_before_activity".to_owned(),
                json!(1.0),
                json!(1.0)
            ),
            ("accessible_formats".to_owned(), json!(1.0), json!(1.0)),
        ]
    );
    // The record as it stood before says what it said.
    let then = app
        .ok(
            &auditor,
            "query($id: ID!, $at: DateTime) { activity(id: $id, recordedAsOf: $at) {
               heldOn attendance { patients } corrections { category } } }",
            json!({ "id": activity, "at": before }),
        )
        .await;
    assert_eq!(
        then["activity"],
        json!({ "heldOn": "2026-04-02", "attendance": { "patients": 2 }, "corrections": [] })
    );

    // Feedback on an item is put right the same way, and only by its owner.
    app.call(
        &officer,
        "recordInputFeedback",
        "inputItem { id }",
        json!({ "inputItemId": item, "givenOn": "2026-04-10", "channel": "EMAIL",
            "summary": "We will pilot evening clinics" }),
    )
    .await;
    let (code, _) = refused(
        &app,
        &auditor,
        "amendInputFeedback",
        json!({ "inputItemId": item, "feedback": { "index": 0, "summary": "No" },
            "reason": reason("TYPO", "No") }),
    )
    .await;
    assert_eq!(code, "FORBIDDEN");
    let amended = app
        .call(
            &officer,
            "amendInputFeedback",
            "inputItem { feedback { givenOn summary } corrections { fields } }",
            json!({ "inputItemId": item,
                "feedback": { "index": 0, "summary": "We will pilot evening clinics from May" },
                "reason": reason("LATE_INFORMATION", "The start date was confirmed") }),
        )
        .await;
    assert_eq!(
        amended["inputItem"],
        json!({ "feedback": [{ "givenOn": "2026-04-10",
                "summary": "We will pilot evening clinics from May" }],
            "corrections": [{ "fields": ["feedback[0].summary"] }] })
    );
}
