//! Bad input: a clear error naming what is wrong, and nothing appended.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const PLAN: &str =
    "mutation($i: PlanActivityInput!) { planActivity(input: $i) { activity { id } } }";
const HELD: &str = "mutation($i: RecordActivityHeldInput!) { recordActivityHeld(input: $i) {
    activity { status heldOn } } }";
const CANCEL: &str =
    "mutation($i: CancelActivityInput!) { cancelActivity(input: $i) { activity { status } } }";
const RECORD: &str =
    "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) { inputItem { id } } }";
const DECIDE: &str =
    "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { verdict } } }";
const FEEDBACK: &str = "mutation($i: RecordInputFeedbackInput!) { recordInputFeedback(input: $i) {
    inputItem { loopClosed } } }";
const PROPOSE: &str =
    "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id } } }";
const AGREE: &str =
    "mutation($i: AgreeActionInput!) { agreeAction(input: $i) { action { status } } }";
const COMPLETE: &str =
    "mutation($i: CompleteActionInput!) { completeAction(input: $i) { action { status } } }";

/// Sends a request that must be refused with `code` and a message naming `names`; checks
/// that the log did not grow. Answers with the message.
async fn refused(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    code: &str,
    names: &str,
) -> String {
    let before = app.event_count().await;
    let (got, message) = app.err(token, query, variables.clone()).await;
    assert_eq!(got, code, "code for {variables}: {message}");
    assert!(
        message.contains(names),
        "the message should name {names:?}: {message}"
    );
    assert_eq!(
        app.event_count().await,
        before,
        "a refused request appended an event: {variables}"
    );
    message
}

/// A recordInputItem input at `activity`.
fn item_at(activity: &str) -> Value {
    json!({ "i": { "activityId": activity, "kind": "CONCERN", "summary": "Car park too small",
        "raisedBy": "PATIENT", "raisedOn": "2026-03-01" } })
}

/// A decideInputItem input for `item`, with `extra` fields merged in.
fn decision(item: &str, outcome: &str, extra: Value) -> Value {
    let mut i = json!({ "inputItemId": item, "outcome": outcome, "decidedOn": "2026-03-05" });
    if let (Some(i), Some(extra)) = (i.as_object_mut(), extra.as_object()) {
        i.extend(extra.clone());
    }
    json!({ "i": i })
}

/// Unknown, malformed and other organisations' ids: NOT_FOUND or VALIDATION, naming the id field.
async fn ids_unknown_malformed_or_foreign(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RJ1", "Riverside Trust").await;
    let qmj = app.token(Role::EngagementOfficer, &["QMJ"]);
    let rj1 = app.token(Role::EngagementOfficer, &["RJ1"]);
    let activity = plan_activity(&app, &qmj, "QMJ", "2026-03-01").await;
    let item = record_item(&app, &qmj, &activity, "Longer clinic hours", "2026-03-01").await;
    let unknown = Uuid::new_v4().to_string();

    // Unknown and malformed activity ids.
    let not_found = refused(
        &app,
        &qmj,
        RECORD,
        item_at(&unknown),
        "NOT_FOUND",
        "activityId",
    )
    .await;
    refused(
        &app,
        &qmj,
        RECORD,
        item_at("not-a-uuid"),
        "VALIDATION",
        "activityId",
    )
    .await;
    refused(
        &app,
        &qmj,
        HELD,
        json!({ "i": { "activityId": "not-a-uuid", "heldOn": "2026-03-01" } }),
        "VALIDATION",
        "activityId",
    )
    .await;

    // Unknown and malformed input item ids.
    let item_not_found = refused(
        &app,
        &qmj,
        DECIDE,
        decision(&unknown, "ACCEPTED", json!({})),
        "NOT_FOUND",
        "inputItemId",
    )
    .await;
    refused(
        &app,
        &qmj,
        DECIDE,
        decision("not-a-uuid", "ACCEPTED", json!({})),
        "VALIDATION",
        "inputItemId",
    )
    .await;

    // RJ1's officer acting on QMJ's records is told they do not exist, in the same words as
    // for an id that really does not exist.
    let foreign = refused(
        &app,
        &rj1,
        RECORD,
        item_at(&activity),
        "NOT_FOUND",
        "activityId",
    )
    .await;
    assert_eq!(foreign, not_found, "no hint that the activity exists");
    refused(
        &app,
        &rj1,
        HELD,
        json!({ "i": { "activityId": activity, "heldOn": "2026-03-01" } }),
        "NOT_FOUND",
        "activityId",
    )
    .await;
    refused(
        &app,
        &rj1,
        CANCEL,
        json!({ "i": { "activityId": activity, "reason": "Not ours to cancel" } }),
        "NOT_FOUND",
        "activityId",
    )
    .await;
    let foreign = refused(
        &app,
        &rj1,
        DECIDE,
        decision(&item, "ACCEPTED", json!({})),
        "NOT_FOUND",
        "inputItemId",
    )
    .await;
    assert_eq!(foreign, item_not_found, "no hint that the item exists");
    refused(
        &app,
        &rj1,
        FEEDBACK,
        json!({ "i": { "inputItemId": item, "channel": "EMAIL", "summary": "Done", "givenOn": "2026-03-05" } }),
        "NOT_FOUND",
        "inputItemId",
    )
    .await;

    // Linking QMJ's item to an action RJ1 owns: the item must look just as absent as an
    // unknown one.
    let propose = |items: Value| {
        json!({ "i": { "title": "Bigger car park", "ownerOrganisation": "RJ1",
            "ownerRole": "Estates Director", "decisionForum": "Board", "dueOn": "2026-09-30",
            "inputItemIds": items, "proposedOn": "2026-03-05" } })
    };
    refused(
        &app,
        &rj1,
        PROPOSE,
        propose(json!([unknown])),
        "NOT_FOUND",
        "inputItem",
    )
    .await;
    refused(
        &app,
        &rj1,
        PROPOSE,
        propose(json!(["not-a-uuid"])),
        "VALIDATION",
        "inputItemIds",
    )
    .await;
    let before = app.event_count().await;
    let (foreign_item_code, message) = app.err(&rj1, PROPOSE, propose(json!([item]))).await;
    assert!(message.contains("inputItem"), "{message}");
    assert_eq!(app.event_count().await, before, "{message}");

    // QMJ's records are as they were.
    let view = app
        .ok(
            &qmj,
            "query($a: ID!, $i: ID!) { activity(id: $a) { status cancellation { on } }
             inputItem(id: $i) { decisions { outcome } feedback { givenOn } } }",
            json!({ "a": activity, "i": item }),
        )
        .await;
    assert_eq!(view["activity"]["status"], "PLANNED");
    assert_eq!(view["activity"]["cancellation"], Value::Null);
    assert_eq!(view["inputItem"]["decisions"], json!([]));
    assert_eq!(view["inputItem"]["feedback"], json!([]));

    // Linking another organisation's item must not reveal that it exists.
    assert_eq!(foreign_item_code, "NOT_FOUND", "{message}");
}

/// Decisions missing what their outcome needs, and a second decision where a revision belongs.
async fn decisions_missing_what_they_need(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let item = record_item(&app, &officer, &activity, "Evening clinics", "2026-03-01").await;

    refused(
        &app,
        &officer,
        DECIDE,
        decision(&item, "DECLINED", json!({})),
        "VALIDATION",
        "reason",
    )
    .await;
    refused(
        &app,
        &officer,
        DECIDE,
        decision(&item, "DECLINED", json!({ "reason": "   " })),
        "VALIDATION",
        "reason",
    )
    .await;
    refused(
        &app,
        &officer,
        DECIDE,
        decision(&item, "ALREADY_IN_PLACE", json!({})),
        "VALIDATION",
        "reason",
    )
    .await;
    refused(
        &app,
        &officer,
        DECIDE,
        decision(&item, "REFERRED", json!({})),
        "VALIDATION",
        "referredTo",
    )
    .await;
    refused(
        &app,
        &officer,
        DECIDE,
        decision(&item, "ACCEPTED", json!({ "decidedOn": "2099-01-01" })),
        "VALIDATION",
        "decidedOn",
    )
    .await;
    refused(
        &app,
        &officer,
        DECIDE,
        decision(&item, "ACCEPTED", json!({ "decidedOn": "2026-02-01" })),
        "VALIDATION",
        "decidedOn",
    )
    .await;

    // The first good decision stands; a second one is a conflict pointing at revision.
    let before = app.event_count().await;
    let decided = app
        .ok(&officer, DECIDE, decision(&item, "ACCEPTED", json!({})))
        .await;
    assert_eq!(
        decided["decideInputItem"]["inputItem"]["verdict"],
        "PLANNED"
    );
    assert_eq!(app.event_count().await, before + 1);
    let message = refused(
        &app,
        &officer,
        DECIDE,
        decision(&item, "DECLINED", json!({ "reason": "Changed our minds" })),
        "CONFLICT",
        "revise",
    )
    .await;
    assert!(message.contains("decision"), "{message}");
    let view = app
        .ok(
            &officer,
            "query($id: ID!) { inputItem(id: $id) { decisions { outcome } } }",
            json!({ "id": item }),
        )
        .await;
    assert_eq!(
        view["inputItem"]["decisions"],
        json!([{ "outcome": "ACCEPTED" }])
    );
}

/// Dates that are not real calendar dates, lie in the future, or come in the wrong order.
async fn dates_unreal_future_or_out_of_order(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let plan = |planned_on: &str| {
        json!({ "i": { "kind": "SURVEY", "title": "Discharge survey", "topic": "Discharge",
            "leadOrganisation": "QMJ", "plannedOn": planned_on } })
    };

    // Not real dates: refused before anything is recorded. Each answer's message is kept
    // with the field it should name, and checked at the end.
    let mut unreal: Vec<(&str, String)> = Vec::new();
    for bad in ["2026-13-01", "2026-02-30"] {
        // Inside an input object variable ...
        let message = refused(&app, &officer, PLAN, plan(bad), "VALIDATION", "").await;
        unreal.push(("plannedOn", message));
        // ... and as a variable of type Date in its own right.
        let by_date_variable = "mutation($d: Date!) { planActivity(input: { kind: SURVEY,
            title: \"Discharge survey\", topic: \"Discharge\", leadOrganisation: \"QMJ\",
            plannedOn: $d }) { activity { id } } }";
        let message = refused(
            &app,
            &officer,
            by_date_variable,
            json!({ "d": bad }),
            "VALIDATION",
            "",
        )
        .await;
        unreal.push(("plannedOn", message));
    }

    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-10").await;
    let held = |extra: Value| {
        let mut i = json!({ "activityId": activity, "attendance": { "patients": 4 } });
        if let (Some(i), Some(extra)) = (i.as_object_mut(), extra.as_object()) {
            i.extend(extra.clone());
        }
        json!({ "i": i })
    };
    let message = refused(
        &app,
        &officer,
        HELD,
        held(json!({ "heldOn": "2026-02-30" })),
        "VALIDATION",
        "",
    )
    .await;
    unreal.push(("heldOn", message));
    refused(
        &app,
        &officer,
        HELD,
        held(json!({ "heldOn": "2099-01-01" })),
        "VALIDATION",
        "heldOn",
    )
    .await;
    let message = refused(
        &app,
        &officer,
        HELD,
        held(json!({ "heldOn": "2026-03-01" })),
        "VALIDATION",
        "heldOn",
    )
    .await;
    assert!(message.contains("beforePlannedDate"), "{message}");
    let before = app.event_count().await;
    let done = app
        .ok(
            &officer,
            HELD,
            held(json!({ "heldOn": "2026-03-01", "beforePlannedDate": true })),
        )
        .await;
    assert_eq!(done["recordActivityHeld"]["activity"]["status"], "HELD");
    assert_eq!(
        done["recordActivityHeld"]["activity"]["heldOn"],
        "2026-03-01"
    );
    assert_eq!(app.event_count().await, before + 1);

    // Input raised in the future.
    let mut future_item = item_at(&activity);
    future_item["i"]["raisedOn"] = json!("2099-01-01");
    refused(
        &app,
        &officer,
        RECORD,
        future_item,
        "VALIDATION",
        "raisedOn",
    )
    .await;

    // An action due before it was proposed.
    let item = record_item(&app, &officer, &activity, "Text reminders", "2026-03-01").await;
    app.ok(&officer, DECIDE, decision(&item, "ACCEPTED", json!({})))
        .await;
    let propose = |due_on: &str| {
        json!({ "i": { "title": "Send text reminders", "ownerOrganisation": "QMJ",
            "ownerRole": "Head of Outpatients", "decisionForum": "Operations Board",
            "dueOn": due_on, "inputItemIds": [item], "proposedOn": "2026-03-05" } })
    };
    refused(
        &app,
        &officer,
        PROPOSE,
        propose("2026-03-01"),
        "VALIDATION",
        "dueOn",
    )
    .await;
    let message = refused(
        &app,
        &officer,
        PROPOSE,
        propose("2026-04-31"),
        "VALIDATION",
        "",
    )
    .await;
    unreal.push(("dueOn", message));

    // Every message names the date field at fault.
    let unnamed: Vec<&(&str, String)> = unreal.iter().filter(|(f, m)| !m.contains(f)).collect();
    assert!(
        unnamed.is_empty(),
        "messages must name the date field: {unnamed:?}"
    );
}

/// Text too long or missing, and values outside a vocabulary.
async fn text_and_vocabulary_out_of_bounds(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;

    // Oversized and empty summaries.
    let mut long = item_at(&activity);
    long["i"]["summary"] = json!("x".repeat(5000));
    let message = refused(&app, &officer, RECORD, long, "VALIDATION", "summary").await;
    assert!(
        !message.contains("xxxxxxxxxx"),
        "the message must not echo the text: {message}"
    );
    let mut empty = item_at(&activity);
    empty["i"]["summary"] = json!("  ");
    refused(&app, &officer, RECORD, empty, "VALIDATION", "summary").await;

    // An enum value that is not in the vocabulary, as a variable.
    let plan = json!({ "i": { "kind": "FOCUS_GRUP", "title": "Outpatient letters",
        "topic": "Communication", "leadOrganisation": "QMJ", "plannedOn": "2026-03-01" } });
    let message = refused(&app, &officer, PLAN, plan, "VALIDATION", "kind").await;
    assert!(message.contains("FOCUS_GRUP"), "{message}");
    let mut raised_by = item_at(&activity);
    raised_by["i"]["raisedBy"] = json!("NEIGHBOUR");
    refused(&app, &officer, RECORD, raised_by, "VALIDATION", "raisedBy").await;

    // Completing an action needs evidence.
    let item = record_item(
        &app,
        &officer,
        &activity,
        "Plain English letters",
        "2026-03-01",
    )
    .await;
    app.ok(&officer, DECIDE, decision(&item, "ACCEPTED", json!({})))
        .await;
    let action = app
        .ok(
            &officer,
            PROPOSE,
            json!({ "i": { "title": "Rewrite letters", "ownerOrganisation": "QMJ",
                "ownerRole": "Head of Patient Experience", "decisionForum": "Quality Committee",
                "dueOn": "2026-09-30", "inputItemIds": [item], "proposedOn": "2026-03-05" } }),
        )
        .await["proposeAction"]["action"]["id"]
        .as_str()
        .expect("action id")
        .to_owned();
    app.ok(
        &officer,
        AGREE,
        json!({ "i": { "actionId": action, "agreedOn": "2026-03-06" } }),
    )
    .await;
    let complete = |evidence: &str| {
        json!({ "i": { "actionId": action, "completedOn": "2026-06-01",
            "outcome": "All letters rewritten", "evidence": evidence } })
    };
    refused(
        &app,
        &officer,
        COMPLETE,
        complete(""),
        "VALIDATION",
        "evidence",
    )
    .await;
    refused(
        &app,
        &officer,
        COMPLETE,
        complete(" \t "),
        "VALIDATION",
        "evidence",
    )
    .await;
    let done = app
        .ok(&officer, COMPLETE, complete("Letter template library v3"))
        .await;
    assert_eq!(done["completeAction"]["action"]["status"], "COMPLETED");
}

/// Records whose state refuses more: a cancelled activity takes no input.
async fn cancelled_activity_takes_no_input(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    refused(
        &app,
        &officer,
        CANCEL,
        json!({ "i": { "activityId": activity, "cancelledOn": "2026-02-20" } }),
        "VALIDATION",
        "reason",
    )
    .await;
    app.ok(
        &officer,
        CANCEL,
        json!({ "i": { "activityId": activity, "cancelledOn": "2026-02-20", "reason": "Venue flooded" } }),
    )
    .await;
    refused(
        &app,
        &officer,
        RECORD,
        item_at(&activity),
        "CONFLICT",
        "cancelled",
    )
    .await;
    refused(
        &app,
        &officer,
        HELD,
        json!({ "i": { "activityId": activity, "heldOn": "2026-03-01" } }),
        "CONFLICT",
        "cancelled",
    )
    .await;
    let view = app
        .ok(
            &officer,
            "query($id: ID!) { activity(id: $id) { status inputItems { id } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(view["activity"]["status"], "CANCELLED");
    assert_eq!(view["activity"]["inputItems"], json!([]));
}

/// Asks something simple, to show the service still answers after a refusal.
async fn still_answers(app: &TestApp, token: &str) {
    let answer = app
        .ok(
            token,
            "{ organisation(odsCode: \"QMJ\") { odsCode } }",
            json!({}),
        )
        .await;
    assert_eq!(answer["organisation"]["odsCode"], "QMJ");
}

/// Dates, periods, years and counts beyond any sensible range: a `VALIDATION` error naming the
/// argument, never a dropped connection (each of these once panicked a worker).
async fn dates_and_counts_out_of_range(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let board = app
        .ok(
            &secretary,
            "mutation($i: EstablishBoardInput!) { establishBoard(input: $i) { board { id } } }",
            json!({ "i": { "organisation": "QMJ", "name": "Quality Committee", "kind": "COMMITTEE",
                "establishedOn": "2026-01-01" } }),
        )
        .await["establishBoard"]["board"]["id"]
        .as_str()
        .expect("board id")
        .to_owned();

    let scorecard = |period: &str| {
        format!("{{ scorecard(organisation: \"QMJ\", period: {period}) {{ organisations }} }}")
    };
    let representation = |args: &str| {
        format!("query($id: ID!) {{ board(id: $id) {{ representation({args}) {{ decisions }} }} }}")
    };
    let cases: Vec<(String, Value, &str)> = vec![
        (
            scorecard("{financialYear: 300000}"),
            json!({}),
            "period.financialYear",
        ),
        (
            scorecard("{financialYear: -2147483648}"),
            json!({}),
            "period.financialYear",
        ),
        (
            scorecard("{from: \"-262143-01-01\", to: \"-262143-01-02\"}"),
            json!({}),
            "period.from",
        ),
        (
            scorecard("{quarter: {year: 262143, quarter: 4}}"),
            json!({}),
            "period.quarter.year",
        ),
        (
            scorecard("{from: \"1900-01-01\", to: \"2200-12-31\"}"),
            json!({}),
            "period",
        ),
        (
            representation("asOf: \"+262142-12-31\", termsEndingWithinDays: 4294967295"),
            json!({ "id": board }),
            "asOf",
        ),
        (
            representation("asOf: \"2200-12-31\", termsEndingWithinDays: 4294967295"),
            json!({ "id": board }),
            "termsEndingWithinDays",
        ),
        (
            representation("from: \"1900-01-01\", to: \"2200-12-31\""),
            json!({ "id": board }),
            "from",
        ),
        (
            "{ organisation(odsCode: \"QMJ\") { rollup(asOf: \"9999-12-31\") { total } } }"
                .to_owned(),
            json!({}),
            "asOf",
        ),
    ];
    for (query, variables, names) in cases {
        let token = if query.contains("board(") {
            &secretary
        } else {
            &officer
        };
        let (status, body) = app.post(Some(token), &query, variables).await;
        let error = &body["errors"][0];
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(error["extensions"]["code"], "VALIDATION", "{query}: {body}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(names),
            "{query} should name {names}: {message}"
        );
        still_answers(&app, &officer).await;
    }

    // Head counts that would overflow when added up are refused by name, and nothing recorded.
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let huge = u32::MAX;
    for (input, names) in [
        (
            json!({ "attendance": { "patients": huge } }),
            "attendance.patients",
        ),
        (
            json!({ "demographics": { "sex": [
                { "category": "female", "count": huge }, { "category": "female", "count": huge }
            ] } }),
            "demographics.sex",
        ),
    ] {
        let mut i = json!({ "activityId": activity, "heldOn": "2026-03-01" });
        if let (Some(i), Some(extra)) = (i.as_object_mut(), input.as_object()) {
            i.extend(extra.clone());
        }
        refused(&app, &officer, HELD, json!({ "i": i }), "VALIDATION", names).await;
    }
    still_answers(&app, &officer).await;
}

/// Long lists are refused by their count, naming the field, before any entry is looked at
/// (20,000 themes once took ten seconds of CPU to de-duplicate). Each body stays under the
/// 256 KB request limit, so the refusal is the list's own.
async fn long_lists_refused_by_count(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let many = |n: usize| -> Vec<String> { (0..n).map(|k| format!("t{k}")).collect() };

    let mut item = item_at(&activity);
    item["i"]["themes"] = json!(many(20_000));
    let message = refused(&app, &officer, RECORD, item, "VALIDATION", "themes").await;
    assert!(
        message.contains("themes: has 20000 entries; the limit is 20"),
        "{message}"
    );
    // Repeats of one theme count too: the limit is on what was sent.
    let mut item = item_at(&activity);
    item["i"]["themes"] = json!(vec!["access"; 20_000]);
    refused(&app, &officer, RECORD, item, "VALIDATION", "themes").await;

    let plan = json!({ "i": { "kind": "SURVEY", "title": "Discharge survey", "topic": "Discharge",
        "leadOrganisation": "QMJ", "plannedOn": "2026-03-01",
        "partnerOrganisations": vec!["RJ1"; 20_000] } });
    refused(
        &app,
        &officer,
        PLAN,
        plan,
        "VALIDATION",
        "partnerOrganisations",
    )
    .await;
    let plan = json!({ "i": { "kind": "SURVEY", "title": "Discharge survey", "topic": "Discharge",
        "leadOrganisation": "QMJ", "plannedOn": "2026-03-01",
        "principles": vec!["INFORMED"; 20_000] } });
    refused(&app, &officer, PLAN, plan, "VALIDATION", "principles").await;
    let published = "mutation($i: RecordInformationPublishedInput!) {
        recordInformationPublished(input: $i) { activity { id } } }";
    let formats = json!({ "i": { "activityId": activity, "publishedOn": "2026-02-20",
        "accessibleFormats": vec!["EASY_READ"; 15_000] } });
    refused(
        &app,
        &officer,
        published,
        formats,
        "VALIDATION",
        "accessibleFormats",
    )
    .await;
    let sexes: Vec<Value> = (0..31)
        .map(|k| json!({ "category": format!("c{k}"), "count": 1 }))
        .collect();
    let held = json!({ "i": { "activityId": activity, "heldOn": "2026-03-01",
        "demographics": { "sex": sexes } } });
    refused(&app, &officer, HELD, held, "VALIDATION", "demographics.sex").await;
    let ids: Vec<String> = (0..5_000).map(|_| Uuid::new_v4().to_string()).collect();
    let propose = json!({ "i": { "title": "Longer hours", "ownerOrganisation": "QMJ",
        "ownerRole": "Lead", "decisionForum": "Board", "dueOn": "2026-09-01",
        "inputItemIds": ids, "proposedOn": "2026-03-02" } });
    refused(
        &app,
        &officer,
        PROPOSE,
        propose,
        "VALIDATION",
        "inputItemIds",
    )
    .await;

    // Twenty distinct themes, with repeats in other spellings, are still taken and collapsed.
    let mut item = item_at(&activity);
    item["i"]["themes"] = json!(["Access", " access ", "PARKING", "parking"]);
    let recorded = app
        .ok(
            &officer,
            "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) { inputItem { themes } } }",
            item,
        )
        .await;
    assert_eq!(
        recorded["recordInputItem"]["inputItem"]["themes"],
        json!(["Access", "PARKING"])
    );
}

/// Every fault of an input comes back at once, in the order of its fields, in one `VALIDATION`
/// error: a proposal sent without `proposedOn` (so proposed today), with no title and a due
/// date already past names both faults.
async fn every_fault_of_an_input_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let propose = json!({ "i": { "title": " ", "ownerOrganisation": "QMJ",
        "ownerRole": "Lead", "decisionForum": "Board", "dueOn": "2026-01-01",
        "inputItemIds": [] } });
    let message = refused(&app, &officer, PROPOSE, propose, "VALIDATION", "").await;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        message,
        format!(
            "title: is required; dueOn: 2026-01-01 is before the day it was proposed \
             (today, when proposedOn is not given), on {today}"
        )
    );
    let plan = json!({ "i": { "kind": "SURVEY", "title": "", "topic": " ",
        "leadOrganisation": "QMJ", "plannedOn": "2026-03-01", "partnerOrganisations": ["QMJ!"] } });
    let message = refused(&app, &officer, PLAN, plan, "VALIDATION", "").await;
    assert_eq!(
        message,
        "title: is required; topic: is required; \
         partnerOrganisations: must be an ODS code of 3 to 10 letters and digits"
    );
}

on_both!(
    every_fault_of_an_input_at_once,
    long_lists_refused_by_count,
    dates_and_counts_out_of_range,
    ids_unknown_malformed_or_foreign,
    decisions_missing_what_they_need,
    dates_unreal_future_or_out_of_order,
    text_and_vocabulary_out_of_bounds,
    cancelled_activity_takes_no_input,
    an_ics_names_a_registered_integrated_care_board,
);

/// An organisation's ICS must be a registered integrated care board: a code nobody registered
/// or a trust's code is refused, and nothing is written.
async fn an_ics_names_a_registered_integrated_care_board(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RRV", "Partner Trust").await;
    let admin = app.admin();
    const REGISTER: &str = "mutation($i: RegisterOrganisationInput!) {
        registerOrganisation(input: $i) { organisation { odsCode ics } } }";
    let events = app.event_count().await;
    for (ics, code, message) in [
        (
            "QXX",
            "NOT_FOUND",
            "ics: no integrated care board is registered under that code; register it first",
        ),
        (
            "RRV",
            "VALIDATION",
            "ics: RRV is registered, but not as an integrated care board",
        ),
    ] {
        let refused = app
            .err(
                &admin,
                REGISTER,
                json!({ "i": { "odsCode": "F83004", "name": "Somewhere Surgery",
                "kind": "GP_PRACTICE", "ics": ics } }),
            )
            .await;
        assert_eq!(refused, (code.to_owned(), message.to_owned()));
    }
    assert_eq!(app.event_count().await, events);
    app.ok(
        &admin,
        REGISTER,
        json!({ "i": { "odsCode": "QXX", "name": "North ICB",
        "kind": "INTEGRATED_CARE_BOARD" } }),
    )
    .await;
    let registered = app
        .ok(
            &admin,
            REGISTER,
            json!({ "i": { "odsCode": "F83004", "name": "Somewhere Surgery",
            "kind": "GP_PRACTICE", "ics": "qxx" } }),
        )
        .await;
    assert_eq!(
        registered["registerOrganisation"]["organisation"]["ics"],
        "QXX"
    );
}
