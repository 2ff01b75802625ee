//! Putting a mistake right: an input item's recorded facts amended with a reason, a duplicate
//! withdrawn and reinstated. Verdicts as of any date follow the corrected record, the history
//! keeps what it said before with the reason, and `recordedAsOf` a moment before the correction
//! answers as the uncorrected record did.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::boards::a_year_of_a_board;
use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

on_both!(
    a_misdated_item_is_amended,
    a_duplicate_is_withdrawn_and_reinstated,
    only_the_owner_may_correct,
    an_action_agreed_earlier_is_linked_then_unlinked,
    a_board_meeting_is_postponed_then_cancelled,
    a_duplicates_links_are_answered_through_the_original
);

const ITEM: &str = "query($id: ID!, $on: Date, $at: DateTime) {
    inputItem(id: $id, asOf: $on, recordedAsOf: $at) {
      summary raisedOn verdict withdrawal { category detail duplicateOf decisionWithdrawn }
      corrections { action category detail fields } } }";

const ROLLUP: &str = "query($on: Date) { organisation(odsCode: \"QMJ\") {
    rollup(asOf: $on) { total counts { verdict count } } } }";

async fn item(app: &TestApp, token: &str, id: &str, on: &str, at: Option<&str>) -> Value {
    app.ok(token, ITEM, json!({ "id": id, "on": on, "at": at }))
        .await["inputItem"]
        .clone()
}

async fn total(app: &TestApp, token: &str, on: &str) -> Value {
    app.ok(token, ROLLUP, json!({ "on": on })).await["organisation"]["rollup"]["total"].clone()
}

fn reason(category: &str, detail: &str) -> Value {
    json!({ "category": category, "detail": detail })
}

async fn a_misdated_item_is_amended(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-05").await;
    // Raised at the March session, entered as January: overdue by March, wrongly.
    let id = record_item(&app, &officer, &activity, "Evneing clinics", "2026-01-05").await;
    let before = item(&app, &auditor, &id, "2026-03-10", None).await;
    assert_eq!(before["verdict"], "OVERDUE");
    let uncorrected = chrono::Utc::now().to_rfc3339();

    // A bad correction is refused naming every fault, and nothing is written.
    let events = app.event_count().await;
    let (code, message) = app
        .err(
            &officer,
            "mutation($i: AmendInputItemInput!) { amendInputItem(input: $i) { inputItem { id } } }",
            json!({ "i": { "inputItemId": id, "summary": " ", "raisedOn": "2099-01-01",
                "reason": reason("WRONG_DATE", "") } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(
        message,
        "summary: is required; raisedOn: must not be in the future; reason.detail: is required"
    );
    let (code, message) = app
        .err(
            &officer,
            "mutation($i: AmendInputItemInput!) { amendInputItem(input: $i) { inputItem { id } } }",
            json!({ "i": { "inputItemId": id, "summary": "Evneing clinics",
                "reason": reason("TYPO", "Nothing really") } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert!(message.starts_with("changes: changes nothing"), "{message}");
    assert_eq!(app.event_count().await, events);

    let amended = app
        .call(
            &officer,
            "amendInputItem",
            "inputItem { summary raisedOn verdict corrections { action category detail fields } }",
            json!({ "inputItemId": id, "summary": "Evening clinics", "raisedOn": "2026-03-05",
                "reason": reason("WRONG_DATE", "Raised at the March session, not January") }),
        )
        .await;
    assert_eq!(
        amended["inputItem"]["corrections"],
        json!([{ "action": "AMENDED", "category": "WRONG_DATE",
                 "detail": "Raised at the March session, not January",
                 "fields": ["summary", "raisedOn"] }])
    );
    // As of 10 March the item is now five days old: unanswered, not overdue.
    let after = item(&app, &auditor, &id, "2026-03-10", None).await;
    assert_eq!(
        (&after["summary"], &after["raisedOn"], &after["verdict"]),
        (
            &json!("Evening clinics"),
            &json!("2026-03-05"),
            &json!("UNANSWERED")
        )
    );
    // Before it was raised, it is not in the roll-up; after, it is.
    assert_eq!(total(&app, &auditor, "2026-02-01").await, 0);
    assert_eq!(total(&app, &auditor, "2026-03-10").await, 1);
    // What the record said before the correction, about the same day, is unchanged.
    let then = item(&app, &auditor, &id, "2026-03-10", Some(&uncorrected)).await;
    assert_eq!(
        (&then["summary"], &then["raisedOn"], &then["verdict"]),
        (
            &json!("Evneing clinics"),
            &json!("2026-01-05"),
            &json!("OVERDUE")
        )
    );
    assert_eq!(then["corrections"], json!([]));

    // The history shows the change with its reason.
    let history = app
        .ok(
            &auditor,
            "query($id: ID!) { fieldHistory(record: INPUT_ITEM, id: $id) {
               nodes { event { eventType } reason { category detail } changes { field old new } } } }",
            json!({ "id": id }),
        )
        .await;
    let revisions = history["fieldHistory"]["nodes"]
        .as_array()
        .expect("revisions");
    assert_eq!(revisions[0]["reason"], Value::Null);
    assert_eq!(
        revisions[1],
        json!({ "event": { "eventType": "InputItemAmended" },
                "reason": { "category": "WRONG_DATE", "detail": "Raised at the March session, not January" },
                "changes": [
                  { "field": "raised_on", "old": "2026-01-05", "new": "2026-03-05" },
                  { "field": "summary", "old": "Evneing clinics", "new": "Evening clinics" } ] })
    );

    // A raised date after the decision it had is refused, naming both dates.
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": id, "outcome": "ACCEPTED", "decidedOn": "2026-03-12" }),
    )
    .await;
    let (code, message) = app
        .err(
            &officer,
            "mutation($i: AmendInputItemInput!) { amendInputItem(input: $i) { inputItem { id } } }",
            json!({ "i": { "inputItemId": id, "raisedOn": "2026-03-20",
                "reason": reason("WRONG_DATE", "Later still") } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(
        message,
        "raisedOn: 2026-03-20 is after the first decision on this input item, taken 2026-03-12"
    );
}

async fn a_duplicate_is_withdrawn_and_reinstated(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let original = record_item(&app, &officer, &activity, "Evening clinics", "2026-03-01").await;
    let repeat = record_item(&app, &officer, &activity, "Evening clinic", "2026-03-01").await;
    // Both are overdue by June: the repeat doubles the count.
    assert_eq!(total(&app, &auditor, "2026-06-01").await, 2);
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": repeat, "outcome": "DECLINED", "reason": "Covered elsewhere",
            "decidedOn": "2026-03-10" }),
    )
    .await;

    const WITHDRAW: &str = "mutation($i: WithdrawInputItemInput!) {
        withdrawInputItem(input: $i) { inputItem { verdict withdrawal { category detail duplicateOf decisionWithdrawn } } } }";
    let events = app.event_count().await;
    let (code, message) = app
        .err(
            &officer,
            WITHDRAW,
            json!({ "i": { "inputItemId": repeat, "duplicateOf": original,
                "reason": reason("DUPLICATE", "Entered twice") } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert!(message.contains("withdrawDecision: true"), "{message}");
    let (code, message) = app
        .err(
            &officer,
            WITHDRAW,
            json!({ "i": { "inputItemId": repeat, "reason": reason("DUPLICATE", "Entered twice"),
                "withdrawDecision": true } }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "VALIDATION",
            "duplicateOf: is required for a duplicate: name the input item it repeats"
        )
    );
    assert_eq!(app.event_count().await, events);

    let withdrawn = app
        .ok(
            &officer,
            WITHDRAW,
            json!({ "i": { "inputItemId": repeat, "duplicateOf": original,
                "reason": reason("DUPLICATE", "Entered twice"), "withdrawDecision": true } }),
        )
        .await;
    assert_eq!(
        withdrawn["withdrawInputItem"]["inputItem"],
        json!({ "verdict": "WITHDRAWN", "withdrawal": { "category": "DUPLICATE",
            "detail": "Entered twice", "duplicateOf": original, "decisionWithdrawn": true } })
    );
    // Shown, as withdrawn, as of any date; counted nowhere.
    for on in ["2026-03-02", "2026-06-01"] {
        assert_eq!(
            item(&app, &auditor, &repeat, on, None).await["verdict"],
            "WITHDRAWN"
        );
        assert_eq!(total(&app, &auditor, on).await, 1, "{on}");
    }
    let card = app
        .ok(
            &auditor,
            "query { scorecard(organisation: \"QMJ\", period: { from: \"2026-01-01\", to: \"2026-06-30\" }) {
               measures { key denominator } } }",
            json!({}),
        )
        .await;
    let answered = card["scorecard"]["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["key"] == "answered_within_window")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(answered["denominator"], 1.0, "{card}");
    // No change to a withdrawn item but reinstating it.
    let (code, _) = app
        .err(
            &officer,
            "mutation($i: RecordInputFeedbackInput!) { recordInputFeedback(input: $i) { inputItem { id } } }",
            json!({ "i": { "inputItemId": repeat, "channel": "EMAIL", "summary": "Told them" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    let reinstated = app
        .call(
            &officer,
            "reinstateInputItem",
            "inputItem { verdict withdrawal { category } corrections { action } }",
            json!({ "inputItemId": repeat, "reason": reason("OTHER", "A different point after all") }),
        )
        .await;
    assert_eq!(
        reinstated["inputItem"],
        json!({ "verdict": "DECLINED", "withdrawal": null,
                "corrections": [{ "action": "WITHDRAWN" }, { "action": "REINSTATED" }] })
    );
    assert_eq!(total(&app, &auditor, "2026-06-01").await, 2);
}

async fn only_the_owner_may_correct(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RRV", "Partner Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let id = record_item(&app, &officer, &activity, "Evening clinics", "2026-03-01").await;
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": id, "outcome": "REFERRED", "referredTo": "RRV",
            "decidedOn": "2026-03-02" }),
    )
    .await;
    const AMEND: &str =
        "mutation($i: AmendInputItemInput!) { amendInputItem(input: $i) { inputItem { id } } }";
    let input = json!({ "i": { "inputItemId": id, "summary": "Evening clinics on Tuesdays",
        "reason": reason("LATE_INFORMATION", "The day came to light later") } });
    let cases = [
        (app.token(Role::Auditor, &["QMJ"]), "FORBIDDEN"),
        (app.token(Role::BoardSecretary, &["QMJ"]), "FORBIDDEN"),
        // The partner it was referred to sees it, but it is not theirs to correct.
        (app.token(Role::EngagementOfficer, &["RRV"]), "FORBIDDEN"),
        (app.token(Role::EngagementOfficer, &["A81001"]), "NOT_FOUND"),
    ];
    for (token, expected) in cases {
        let (code, _) = app.err(&token, AMEND, input.clone()).await;
        assert_eq!(code, expected);
    }
    let amended = app.ok(&officer, AMEND, input).await;
    assert_eq!(amended["amendInputItem"]["inputItem"]["id"], json!(id));
}

async fn an_action_agreed_earlier_is_linked_then_unlinked(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    // An action the trust had already agreed, starting from no input.
    let action = app
        .call(
            &officer,
            "proposeAction",
            "action { id inputItemIds }",
            json!({ "title": "Extend clinic hours", "ownerOrganisation": "QMJ",
                "ownerRole": "Head of Outpatients", "decisionForum": "Operations Board",
                "dueOn": "2026-06-30", "proposedOn": "2026-02-01" }),
        )
        .await;
    assert_eq!(action["action"]["inputItemIds"], json!([]));
    let action = action["action"]["id"].as_str().expect("id").to_owned();
    app.call(
        &officer,
        "agreeAction",
        "action { id }",
        json!({ "actionId": action, "agreedOn": "2026-02-05" }),
    )
    .await;
    app.call(
        &officer,
        "completeAction",
        "action { id }",
        json!({ "actionId": action, "completedOn": "2026-04-01",
            "outcome": "Clinics open until 8pm", "evidence": "Rota from April" }),
    )
    .await;
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-10").await;
    let id = record_item(&app, &officer, &activity, "Evening clinics", "2026-03-10").await;
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": id, "outcome": "ACCEPTED", "decidedOn": "2026-03-12" }),
    )
    .await;

    const VERDICT: &str = "query($id: ID!, $on: Date, $at: DateTime) {
        inputItem(id: $id, asOf: $on, recordedAsOf: $at) { verdict warnings genuinelyActedOn } }";
    let verdict = |on: &'static str, at: Option<String>| {
        let (app, auditor, id) = (&app, &auditor, &id);
        async move {
            app.ok(auditor, VERDICT, json!({ "id": id, "on": on, "at": at }))
                .await["inputItem"]
                .clone()
        }
    };
    let linked = app
        .call(
            &officer,
            "linkInputItemToAction",
            "action { inputItemIds links { inputItemId linkedOn } }",
            json!({ "actionId": action, "inputItemId": id, "linkedOn": "2026-03-15" }),
        )
        .await;
    assert_eq!(
        linked["action"],
        json!({ "inputItemIds": [id], "links": [{ "inputItemId": id, "linkedOn": "2026-03-15" }] })
    );
    // Before the link the item waits on an action; after, it was acted on, but by a decision
    // taken before the input was raised.
    assert_eq!(
        verdict("2026-03-14", None).await,
        json!({ "verdict": "PLANNED", "warnings": ["NO_LINKED_ACTION"], "genuinelyActedOn": false })
    );
    assert_eq!(
        verdict("2026-04-02", None).await,
        json!({ "verdict": "ACTED_ON", "warnings": ["DECIDED_BEFORE_INPUT"], "genuinelyActedOn": false })
    );
    let (code, _) = app
        .err(
            &officer,
            "mutation($i: LinkInputItemToActionInput!) { linkInputItemToAction(input: $i) { action { id } } }",
            json!({ "i": { "actionId": action, "inputItemId": id } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    let linked_at = chrono::Utc::now().to_rfc3339();
    let unlinked = app
        .call(
            &officer,
            "unlinkInputItemFromAction",
            "action { inputItemIds corrections { action category detail fields } }",
            json!({ "actionId": action, "inputItemId": id,
                "reason": reason("WRONG_DETAIL", "The extension answered a different request") }),
        )
        .await;
    assert_eq!(
        unlinked["action"],
        json!({ "inputItemIds": [], "corrections": [{ "action": "UNLINKED",
            "category": "WRONG_DETAIL", "detail": "The extension answered a different request",
            "fields": [id] }] })
    );
    // As of every date the action never answered it; the record before says it did.
    assert_eq!(verdict("2026-04-02", None).await["verdict"], "PLANNED");
    assert_eq!(
        verdict("2026-04-02", Some(linked_at)).await["verdict"],
        "ACTED_ON"
    );
}

async fn a_board_meeting_is_postponed_then_cancelled(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let board = app
        .call(
            &secretary,
            "establishBoard",
            "board { id }",
            json!({ "organisation": "QMJ", "name": "Quality Committee", "kind": "COMMITTEE",
                "establishedOn": "2026-01-01" }),
        )
        .await["board"]["id"]
        .clone();
    let meeting = app
        .call(
            &secretary,
            "scheduleBoardMeeting",
            "meeting { id }",
            json!({ "boardId": board, "scheduledFor": "2026-05-20" }),
        )
        .await["meeting"]["id"]
        .clone();
    let moved = app
        .call(
            &secretary,
            "postponeBoardMeeting",
            "meeting { scheduledFor postponements { from to postponedOn reason } }",
            json!({ "meetingId": meeting, "scheduledFor": "2026-05-27",
                "postponedOn": "2026-05-12", "reason": " The chair is away " }),
        )
        .await;
    assert_eq!(
        moved["meeting"],
        json!({ "scheduledFor": "2026-05-27", "postponements": [{ "from": "2026-05-20",
            "to": "2026-05-27", "postponedOn": "2026-05-12", "reason": "The chair is away" }] })
    );
    const POSTPONE: &str = "mutation($i: PostponeBoardMeetingInput!) {
        postponeBoardMeeting(input: $i) { meeting { id } } }";
    let events = app.event_count().await;
    let (code, message) = app
        .err(
            &secretary,
            POSTPONE,
            json!({ "i": { "meetingId": meeting, "scheduledFor": "2026-05-21", "reason": "Back" } }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "VALIDATION",
            "scheduledFor: 2026-05-21 is not after the day it is scheduled for, 2026-05-27"
        )
    );
    let (code, _) = app
        .err(
            &app.token(Role::Auditor, &["QMJ"]),
            POSTPONE,
            json!({ "i": { "meetingId": meeting, "scheduledFor": "2026-06-21", "reason": "Later" } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    assert_eq!(app.event_count().await, events);

    let called_off = app
        .call(
            &secretary,
            "cancelBoardMeeting",
            "meeting { cancellation { on text } heldOn }",
            json!({ "meetingId": meeting, "cancelledOn": "2026-05-20",
                "reason": "Business moved to the June meeting" }),
        )
        .await;
    assert_eq!(
        called_off["meeting"],
        json!({ "cancellation": { "on": "2026-05-20", "text": "Business moved to the June meeting" },
            "heldOn": null })
    );
    let (code, _) = app
        .err(
            &secretary,
            "mutation($i: RecordPapersIssuedInput!) { recordPapersIssued(input: $i) { meeting { id } } }",
            json!({ "i": { "meetingId": meeting, "issuedOn": "2026-05-13" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
}

/// The people who raised a duplicate and the board decisions that cited it are answered through
/// the item it repeats: its participants, its board decisions, its trace and whom to tell.
async fn a_duplicates_links_are_answered_through_the_original(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = a_year_of_a_board(&app).await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-05").await;
    let original = record_item(
        &app,
        &officer,
        &activity,
        "Patients on committees",
        "2026-01-05",
    )
    .await;
    // Bob raised the repeat (the item the board's first meeting cited), and wants feedback.
    app.ok(
        &officer,
        "mutation($i: LinkParticipantInput!) { linkParticipant(input: $i) { participant { id } } }",
        json!({ "i": { "participantId": y.bob_person, "inputItemId": y.item } }),
    )
    .await;
    const LINKS: &str = "query($id: ID!) { inputItem(id: $id) {
        duplicates participants { id } boardDecisions { title } } }";
    let links = |id: String| {
        let (app, auditor) = (&app, &auditor);
        async move { app.ok(auditor, LINKS, json!({ "id": id })).await["inputItem"].clone() }
    };
    let before = links(original.clone()).await;
    assert_eq!(
        before,
        json!({ "duplicates": [], "participants": [], "boardDecisions": [] })
    );
    let repeat = links(y.item.clone()).await;

    app.call(
        &officer,
        "withdrawInputItem",
        "inputItem { verdict }",
        json!({ "inputItemId": y.item, "duplicateOf": original,
            "reason": reason("DUPLICATE", "Entered again from the minutes") }),
    )
    .await;
    let after = links(original.clone()).await;
    assert_eq!(after["duplicates"], json!([y.item]));
    assert_eq!(after["participants"], repeat["participants"]);
    assert_eq!(after["boardDecisions"], repeat["boardDecisions"]);
    assert_ne!(
        after["boardDecisions"],
        json!([]),
        "the board cited the repeat"
    );

    // Reinstated, the repeat answers for its own links again.
    app.call(
        &officer,
        "reinstateInputItem",
        "inputItem { verdict }",
        json!({ "inputItemId": y.item, "reason": reason("OTHER", "A different point after all") }),
    )
    .await;
    assert_eq!(links(original).await, before);
}
