//! The whole loop over HTTP: from planning a focus group to "you said, we did", with every
//! verdict, warning and roll-up figure checked now and as of an earlier date.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{plan_activity, record_item, spawn_app, Backend};
use crate::on_both;

const ITEM: &str = "query($id: ID!, $asOf: Date) { inputItem(id: $id, asOf: $asOf) {
    verdict loopClosed warnings genuinelyActedOn respondBy decision { outcome } decisions { outcome reason revisionReason }
    actions { title status } } }";

const ROLLUP: &str = "query($code: String!, $asOf: Date) { organisation(odsCode: $code) { rollup(asOf: $asOf) {
    total answeredWithinWindow percentAnsweredWithinWindow actedOn percentActedOn loopClosed percentLoopClosed
    genuinelyActedOn medianDaysToDecision medianDaysToOutcome medianDaysToFeedback counts { verdict count } } } }";

fn count_of(rollup: &serde_json::Value, verdict: &str) -> i64 {
    rollup["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .find(|c| c["verdict"] == verdict)
        .map(|c| c["count"].as_i64().expect("count"))
        .expect("verdict listed")
}

async fn focus_group_to_you_said_we_did(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);

    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    app.ok(
        &officer,
        "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { informationPublished { publishedOn } } } }",
        json!({ "i": { "activityId": activity, "publishedOn": "2026-01-03", "accessibleFormats": ["EASY_READ", "LARGE_PRINT"] } }),
    )
    .await;
    let held = app
        .ok(
            &officer,
            "mutation($i: RecordActivityHeldInput!) { recordActivityHeld(input: $i) { activity { status heldOn attendance { patients carers } } } }",
            json!({ "i": { "activityId": activity, "heldOn": "2026-01-20",
                "attendance": { "patients": 9, "carers": 3, "public": 0, "staff": 2 },
                "demographics": { "ageBand": [{ "category": "65-74", "count": 5 }, { "category": "18-24", "count": 2 }] } } }),
        )
        .await;
    assert_eq!(held["recordActivityHeld"]["activity"]["status"], "HELD");
    assert_eq!(
        held["recordActivityHeld"]["activity"]["attendance"]["patients"],
        9
    );

    let accepted = record_item(
        &app,
        &officer,
        &activity,
        "Send letters in plain English",
        "2026-01-20",
    )
    .await;
    let declined = record_item(
        &app,
        &officer,
        &activity,
        "Move clinic to Saturdays",
        "2026-01-20",
    )
    .await;
    let unanswered = record_item(
        &app,
        &officer,
        &activity,
        "Add a hearing loop at reception",
        "2026-01-20",
    )
    .await;

    // Accept one and follow its action to completion.
    app.ok(
        &officer,
        "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { verdict } } }",
        json!({ "i": { "inputItemId": accepted, "outcome": "ACCEPTED", "decidedOn": "2026-02-01" } }),
    )
    .await;
    let action = app
        .ok(
            &officer,
            "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id status } } }",
            json!({ "i": { "title": "Rewrite outpatient letter templates", "ownerOrganisation": "QMJ",
                "ownerRole": "Head of Patient Experience", "decisionForum": "Quality Committee",
                "dueOn": "2026-06-30", "inputItemIds": [accepted], "proposedOn": "2026-02-01" } }),
        )
        .await;
    let action_id = action["proposeAction"]["action"]["id"]
        .as_str()
        .expect("action id")
        .to_owned();
    assert_eq!(action["proposeAction"]["action"]["status"], "PROPOSED");
    app.ok(
        &officer,
        "mutation($i: AgreeActionInput!) { agreeAction(input: $i) { action { status } } }",
        json!({ "i": { "actionId": action_id, "agreedOn": "2026-02-05" } }),
    )
    .await;
    // Progress, note by note: each answer shows every note so far, in order.
    for (n, on) in ["2026-03-01", "2026-04-01"].into_iter().enumerate() {
        let noted = app
            .ok(
                &officer,
                "mutation($i: RecordActionProgressInput!) { recordActionProgress(input: $i) {
                    action { status progress { on text } } } }",
                json!({ "i": { "actionId": action_id, "recordedOn": on,
                    "note": format!("{} of 14 templates rewritten", 7 * (n + 1)) } }),
            )
            .await["recordActionProgress"]["action"]
            .clone();
        assert_eq!(noted["status"], "IN_PROGRESS");
        assert_eq!(noted["progress"].as_array().map(Vec::len), Some(n + 1));
        assert_eq!(noted["progress"][n]["on"], on);
    }
    let completed = app
        .ok(
            &officer,
            "mutation($i: CompleteActionInput!) { completeAction(input: $i) { action { status outcome completedOn } } }",
            json!({ "i": { "actionId": action_id, "completedOn": "2026-05-01",
                "outcome": "All 14 templates rewritten with the patient panel", "evidence": "Template library v3" } }),
        )
        .await;
    assert_eq!(completed["completeAction"]["action"]["status"], "COMPLETED");

    // Decline one with a reason; leave the third alone.
    app.ok(
        &officer,
        "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { verdict } } }",
        json!({ "i": { "inputItemId": declined, "outcome": "DECLINED", "decidedOn": "2026-02-10",
            "reason": "No Saturday staffing budget this year" } }),
    )
    .await;

    // "You said, we did": feedback to everyone who took part.
    app.ok(
        &officer,
        "mutation($i: RecordActivityFeedbackInput!) { recordActivityFeedback(input: $i) { activity { feedback { givenOn } } } }",
        json!({ "i": { "activityId": activity, "givenOn": "2026-05-10", "channel": "LETTER",
            "summary": "You said letters were confusing; we rewrote them" } }),
    )
    .await;

    // Now (the service's today is well past every date above).
    let a = app.ok(&auditor, ITEM, json!({ "id": accepted })).await["inputItem"].clone();
    assert_eq!(a["verdict"], "ACTED_ON");
    assert_eq!(a["loopClosed"], true);
    assert_eq!(a["genuinelyActedOn"], true);
    assert_eq!(a["warnings"], json!([]));
    assert_eq!(a["actions"][0]["status"], "COMPLETED");
    let notes = app
        .ok(
            &auditor,
            "query($id: ID!) { action(id: $id) { progress { on text } } }",
            json!({ "id": action_id }),
        )
        .await["action"]["progress"]
        .clone();
    assert_eq!(
        notes,
        json!([
            { "on": "2026-03-01", "text": "7 of 14 templates rewritten" },
            { "on": "2026-04-01", "text": "14 of 14 templates rewritten" }
        ])
    );
    let d = app.ok(&auditor, ITEM, json!({ "id": declined })).await["inputItem"].clone();
    assert_eq!(d["verdict"], "DECLINED");
    assert_eq!(d["loopClosed"], true);
    assert_eq!(d["genuinelyActedOn"], false);
    assert_eq!(
        d["decisions"][0]["reason"],
        "No Saturday staffing budget this year"
    );
    let u = app.ok(&auditor, ITEM, json!({ "id": unanswered })).await["inputItem"].clone();
    assert_eq!(u["verdict"], "OVERDUE");
    assert_eq!(u["loopClosed"], false);
    assert_eq!(u["respondBy"], "2026-03-21");

    let r =
        app.ok(&auditor, ROLLUP, json!({ "code": "QMJ" })).await["organisation"]["rollup"].clone();
    assert_eq!(r["total"], 3);
    assert_eq!(count_of(&r, "ACTED_ON"), 1);
    assert_eq!(count_of(&r, "DECLINED"), 1);
    assert_eq!(count_of(&r, "OVERDUE"), 1);
    assert_eq!(count_of(&r, "PLANNED"), 0);
    assert_eq!(r["answeredWithinWindow"], 2);
    assert_eq!(r["percentAnsweredWithinWindow"], 66.7);
    assert_eq!(r["percentActedOn"], 33.3);
    assert_eq!(r["loopClosed"], 2);
    assert_eq!(r["percentLoopClosed"], 66.7);
    assert_eq!(r["genuinelyActedOn"], 1);
    assert_eq!(r["medianDaysToDecision"], 16.5, "12 and 21 days");
    assert_eq!(r["medianDaysToOutcome"], 101.0, "20 January to 1 May");
    assert_eq!(r["medianDaysToFeedback"], 110.0, "20 January to 10 May");

    // As of 15 February: the action was agreed but not done, and the third item was still
    // inside its window.
    let earlier = json!("2026-02-15");
    let a = app
        .ok(&auditor, ITEM, json!({ "id": accepted, "asOf": earlier }))
        .await["inputItem"]
        .clone();
    assert_eq!(a["verdict"], "PLANNED");
    assert_eq!(a["loopClosed"], false);
    let u = app
        .ok(&auditor, ITEM, json!({ "id": unanswered, "asOf": earlier }))
        .await["inputItem"]
        .clone();
    assert_eq!(u["verdict"], "UNANSWERED");
    let r = app
        .ok(&auditor, ROLLUP, json!({ "code": "QMJ", "asOf": earlier }))
        .await["organisation"]["rollup"]
        .clone();
    assert_eq!(count_of(&r, "PLANNED"), 1);
    assert_eq!(count_of(&r, "DECLINED"), 1);
    assert_eq!(count_of(&r, "UNANSWERED"), 1);
    assert_eq!(r["loopClosed"], 0);
    assert_eq!(r["medianDaysToOutcome"], serde_json::Value::Null);

    // The activity's own roll-up agrees, and lists its items.
    let act = app
        .ok(
            &auditor,
            "query($id: ID!) { activity(id: $id) { rollup { total actedOn } inputItems { verdict } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(act["activity"]["rollup"]["total"], 3);
    assert_eq!(act["activity"]["rollup"]["actedOn"], 1);
    assert_eq!(
        act["activity"]["inputItems"].as_array().map(Vec::len),
        Some(3)
    );

    // The verdict filter finds exactly the overdue one.
    let page = app
        .ok(
            &auditor,
            "query { inputItems(filter: { verdict: OVERDUE }) { edges { node { id } } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        page["inputItems"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        page["inputItems"]["edges"][0]["node"]["id"],
        unanswered.as_str()
    );

    // A mutation's answer on an item is taken from the views just written, joined with its
    // actions and verdict only when asked: it agrees with what a query reads.
    let fed_back = app
        .ok(
            &officer,
            "mutation($i: RecordInputFeedbackInput!) { recordInputFeedback(input: $i) { inputItem {
                verdict loopClosed genuinelyActedOn respondBy actions { id status } feedback { channel } } } }",
            json!({ "i": { "inputItemId": accepted, "givenOn": "2026-05-12", "channel": "EMAIL",
                "summary": "Your letters idea is now in use" } }),
        )
        .await["recordInputFeedback"]["inputItem"]
        .clone();
    assert_eq!(fed_back["verdict"], "ACTED_ON");
    assert_eq!(fed_back["loopClosed"], true);
    assert_eq!(fed_back["genuinelyActedOn"], true);
    assert_eq!(fed_back["respondBy"], a["respondBy"]);
    assert_eq!(fed_back["actions"][0]["id"], action_id.as_str());
    assert_eq!(fed_back["actions"][0]["status"], "COMPLETED");
    assert_eq!(fed_back["feedback"][0]["channel"], "EMAIL");
}

async fn revised_decision_keeps_history(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RJ1", "Riverside Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["RJ1"]);
    let activity = plan_activity(&app, &officer, "RJ1", "2026-03-01").await;
    let item = record_item(
        &app,
        &officer,
        &activity,
        "Longer visiting hours",
        "2026-03-01",
    )
    .await;
    app.ok(
        &officer,
        "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { verdict } } }",
        json!({ "i": { "inputItemId": item, "outcome": "DECLINED", "reason": "Infection control", "decidedOn": "2026-03-10" } }),
    )
    .await;
    app.ok(
        &officer,
        "mutation($i: RecordInputFeedbackInput!) { recordInputFeedback(input: $i) { inputItem { loopClosed } } }",
        json!({ "i": { "inputItemId": item, "givenOn": "2026-03-12", "channel": "EMAIL", "summary": "We cannot, because..." } }),
    )
    .await;
    let revised = app
        .ok(
            &officer,
            "mutation($i: ReviseDecisionInput!) { reviseDecision(input: $i) { inputItem { verdict loopClosed decisions { outcome revisionReason } } } }",
            json!({ "i": { "inputItemId": item, "outcome": "ALREADY_IN_PLACE", "decidedOn": "2026-04-01",
                "reason": "Open visiting started on ward 7 in March", "why": "Ward 7 pilot found" } }),
        )
        .await;
    let item_now = &revised["reviseDecision"]["inputItem"];
    assert_eq!(item_now["verdict"], "ALREADY_IN_PLACE");
    assert_eq!(
        item_now["loopClosed"], false,
        "the earlier feedback does not cover the revision"
    );
    assert_eq!(item_now["decisions"][0]["outcome"], "DECLINED");
    assert_eq!(item_now["decisions"][1]["outcome"], "ALREADY_IN_PLACE");
    assert_eq!(
        item_now["decisions"][1]["revisionReason"],
        "Ward 7 pilot found"
    );
    let before = app
        .ok(
            &officer,
            "query($id: ID!) { inputItem(id: $id, asOf: \"2026-03-20\") { verdict loopClosed } }",
            json!({ "id": item }),
        )
        .await;
    assert_eq!(before["inputItem"]["verdict"], "DECLINED");
    assert_eq!(before["inputItem"]["loopClosed"], true);
}

/// A list of input items is read page by page: each page follows the cursor of the one before,
/// says whether more follow, and together they hold every item once, in the order raised.
async fn input_items_page_by_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let mut raised = Vec::new();
    for n in 1..=5 {
        raised.push(
            record_item(
                &app,
                &officer,
                &activity,
                &format!("Item {n}"),
                "2026-01-10",
            )
            .await,
        );
    }
    let page = |after: Option<String>| {
        let app = &app;
        let officer = &officer;
        async move {
            let data = app
                .ok(
                    officer,
                    "query($after: String) { inputItems(first: 2, after: $after, filter: { organisation: \"QMJ\" }) { \
                     edges { cursor node { id } } pageInfo { hasNextPage } } }",
                    json!({ "after": after }),
                )
                .await;
            let edges = data["inputItems"]["edges"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let ids: Vec<String> = edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
                .collect();
            let last = edges
                .last()
                .map(|e| e["cursor"].as_str().unwrap_or_default().to_owned());
            (
                ids,
                last,
                data["inputItems"]["pageInfo"]["hasNextPage"].clone(),
            )
        }
    };
    let (first, cursor, more) = page(None).await;
    assert_eq!((first.as_slice(), more), (&raised[0..2], json!(true)));
    let (second, cursor, more) = page(cursor).await;
    assert_eq!((second.as_slice(), more), (&raised[2..4], json!(true)));
    let (third, _, more) = page(cursor).await;
    assert_eq!((third.as_slice(), more), (&raised[4..5], json!(false)));

    // Filtered by verdict (worked out after reading), the pages are the same.
    let data = app
        .ok(
            &officer,
            "{ inputItems(first: 4, filter: { verdict: OVERDUE }) { edges { node { id } } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    let ids: Vec<&str> = data["inputItems"]["edges"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["node"]["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        raised[0..4].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(data["inputItems"]["pageInfo"]["hasNextPage"], true);

    let (code, message) = app
        .err(
            &officer,
            "{ inputItems(first: 2, after: \"not-a-cursor\") { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("VALIDATION", "after: is not a cursor from this list")
    );
}

on_both!(
    focus_group_to_you_said_we_did,
    revised_decision_keeps_history,
    input_items_page_by_cursor
);
