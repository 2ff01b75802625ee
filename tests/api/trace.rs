//! Tracing: an input item's whole journey on one timeline, and back from an action or a board
//! decision to the input that led there.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const TRACE: &str = "query($id: ID!) { trace(inputItemId: $id) { inputItemIds steps {
    logPosition recordedAt occurredOn aggregateType aggregateId sequence eventType summary
    actor { subject role organisations } hash prevHash } } }";

async fn run(app: &TestApp, token: &str, field: &str, input: Value) -> Value {
    let name = field[..1].to_uppercase() + &field[1..];
    let query = format!(
        "mutation($i: {name}Input!) {{ {field}(input: $i) {{ receipt {{ logPosition }} }} }}"
    );
    app.ok(token, &query, json!({ "i": input })).await
}

fn id_of(data: &Value, field: &str, object: &str) -> String {
    data[field][object]["id"].as_str().expect("id").to_owned()
}

/// The journey: an item decided, the decision revised, two actions (one abandoned, one completed
/// after progress), feedback, and a board decision citing it. Answers with (activity, item,
/// abandoned action, completed action, meeting, decision).
async fn a_journey(app: &TestApp) -> (String, String, String, String, String, String) {
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let activity = plan_activity(app, &officer, "QMJ", "2026-01-10").await;
    run(
        app,
        &officer,
        "recordInformationPublished",
        json!({ "activityId": activity, "publishedOn": "2026-01-02" }),
    )
    .await;
    run(
        app,
        &officer,
        "recordActivityHeld",
        json!({ "activityId": activity, "heldOn": "2026-01-10",
        "attendance": { "patients": 8, "carers": 1, "public": 0, "staff": 2 } }),
    )
    .await;
    let item = record_item(
        app,
        &officer,
        &activity,
        "Letters in plain English",
        "2026-01-10",
    )
    .await;
    // Another item at the same activity is not part of this item's journey.
    let other = record_item(app, &officer, &activity, "Free parking", "2026-01-10").await;
    run(
        app,
        &officer,
        "decideInputItem",
        json!({ "inputItemId": item, "outcome": "DECLINED",
        "reason": "No budget", "decidedOn": "2026-01-20" }),
    )
    .await;
    run(
        app,
        &officer,
        "reviseDecision",
        json!({ "inputItemId": item, "outcome": "ACCEPTED",
        "decidedOn": "2026-02-01", "why": "Budget found in Q4" }),
    )
    .await;
    let propose = |title: &str| {
        json!({ "title": title, "ownerOrganisation": "QMJ", "ownerRole": "Comms lead",
        "decisionForum": "Quality Committee", "dueOn": "2026-06-30", "inputItemIds": [item], "proposedOn": "2026-02-02" })
    };
    let abandoned = app
        .ok(
            &officer,
            "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id } } }",
            json!({ "i": propose("Outsource letter rewriting") }),
        )
        .await;
    let abandoned = id_of(&abandoned, "proposeAction", "action");
    let completed = app
        .ok(
            &officer,
            "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id } } }",
            json!({ "i": propose("Rewrite letters in house") }),
        )
        .await;
    let completed = id_of(&completed, "proposeAction", "action");
    run(
        app,
        &officer,
        "abandonAction",
        json!({ "actionId": abandoned, "abandonedOn": "2026-02-10",
        "reason": "Supplier withdrew" }),
    )
    .await;
    run(
        app,
        &officer,
        "agreeAction",
        json!({ "actionId": completed, "agreedOn": "2026-02-05" }),
    )
    .await;
    run(
        app,
        &officer,
        "completeAction",
        json!({ "actionId": completed, "completedOn": "2026-03-01",
        "outcome": "All outpatient letters rewritten", "evidence": "Template library v2" }),
    )
    .await;
    run(
        app,
        &officer,
        "recordInputFeedback",
        json!({ "inputItemId": item, "givenOn": "2026-03-05",
        "channel": "LETTER", "summary": "We rewrote the letters" }),
    )
    .await;
    let board = app.ok(&secretary, "mutation($i: EstablishBoardInput!) { establishBoard(input: $i) { board { id } } }",
        json!({ "i": { "organisation": "QMJ", "name": "Quality Committee", "kind": "COMMITTEE", "establishedOn": "2026-01-01" } })).await;
    let board = id_of(&board, "establishBoard", "board");
    let meeting = app.ok(&secretary, "mutation($i: ScheduleBoardMeetingInput!) { scheduleBoardMeeting(input: $i) { meeting { id } } }",
        json!({ "i": { "boardId": board, "scheduledFor": "2026-03-10" } })).await;
    let meeting = id_of(&meeting, "scheduleBoardMeeting", "meeting");
    app.ok(
        &secretary,
        "mutation($i: RecordBoardMeetingHeldInput!) { recordBoardMeetingHeld(input: $i) { meeting { id } } }",
        json!({ "i": { "meetingId": meeting, "heldOn": "2026-03-10", "attendedAppointmentIds": [], "quorate": true } }),
    )
    .await;
    for (title, cited) in [
        ("Adopt the new letters", vec![item.clone()]),
        ("Car park tender", vec![other]),
    ] {
        app.ok(&secretary, "mutation($i: RecordBoardDecisionInput!) { recordBoardDecision(input: $i) { meeting { id } } }",
            json!({ "i": { "meetingId": meeting, "title": title, "citedInputItemIds": cited,
                "patientMembersPresent": true, "patientMembersVoted": true } })).await;
    }
    let decision = app
        .ok(
            &secretary,
            "query($id: ID!) { boardMeeting(id: $id) { decisions { id title } } }",
            json!({ "id": meeting }),
        )
        .await["boardMeeting"]["decisions"][0]["id"]
        .as_str()
        .expect("decision id")
        .to_owned();
    (activity, item, abandoned, completed, meeting, decision)
}

fn event_types(trace: &Value) -> Vec<(String, String)> {
    trace["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["aggregateType"].as_str().expect("type").to_owned(),
                s["eventType"].as_str().expect("event").to_owned(),
            )
        })
        .collect()
}

async fn an_item_traced_from_activity_to_outcome(backend: Backend) {
    let app = spawn_app(backend).await;
    let (activity, item, abandoned, completed, meeting, _) = a_journey(&app).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let trace = app.ok(&auditor, TRACE, json!({ "id": item })).await["trace"].clone();
    assert_eq!(trace["inputItemIds"], json!([item]));
    let expected: Vec<(String, String)> = [
        ("Activity", "ActivityPlanned"),
        ("Activity", "InformationPublished"),
        ("Activity", "ActivityHeld"),
        ("InputItem", "InputItemRecorded"),
        ("InputItem", "InputItemDecided"),
        ("InputItem", "DecisionRevised"),
        ("Action", "ActionProposed"),
        ("Action", "ActionProposed"),
        ("Action", "ActionAbandoned"),
        ("Action", "ActionAgreed"),
        ("Action", "ActionCompleted"),
        ("InputItem", "FeedbackGiven"),
        ("BoardMeeting", "MeetingScheduled"),
        ("BoardMeeting", "MeetingHeld"),
        ("BoardMeeting", "DecisionRecorded"),
    ]
    .iter()
    .map(|(a, e)| ((*a).to_owned(), (*e).to_owned()))
    .collect();
    assert_eq!(event_types(&trace), expected);
    let steps = trace["steps"].as_array().expect("steps");
    // In the order recorded, each with its actor and a hash chained to its stream.
    let positions: Vec<i64> = steps
        .iter()
        .map(|s| s["logPosition"].as_i64().expect("position"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    for step in steps {
        assert_eq!(step["actor"]["subject"], "tester@example.nhs.uk");
        assert_eq!(step["hash"].as_str().map(str::len), Some(64));
        assert!(step["recordedAt"]
            .as_str()
            .expect("recorded")
            .ends_with('Z'));
    }
    let ids: Vec<&str> = steps
        .iter()
        .map(|s| s["aggregateId"].as_str().expect("id"))
        .collect();
    for id in [&activity, &item, &abandoned, &completed, &meeting] {
        assert!(ids.contains(&id.as_str()), "{id} in the trace");
    }
    let step = |event: &str| {
        steps
            .iter()
            .find(|s| s["eventType"] == event)
            .expect("step")
    };
    assert_eq!(step("DecisionRevised")["occurredOn"], "2026-02-01");
    assert!(step("DecisionRevised")["summary"]
        .as_str()
        .expect("summary")
        .contains("why: Budget found in Q4"));
    assert_eq!(
        step("ActionAbandoned")["actor"]["role"],
        "ENGAGEMENT_OFFICER"
    );
    assert_eq!(step("DecisionRecorded")["actor"]["role"], "BOARD_SECRETARY");
    assert!(step("DecisionRecorded")["summary"]
        .as_str()
        .expect("summary")
        .contains("Adopt the new letters"));
    // The revision's link: its previous hash is the first decision's hash.
    assert_eq!(
        step("DecisionRevised")["prevHash"],
        step("InputItemDecided")["hash"]
    );
}

async fn traced_back_from_an_action_and_a_board_decision(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, item, _, completed, meeting, decision) = a_journey(&app).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let from_action = app
        .ok(&auditor, "query($id: ID!) { traceAction(actionId: $id) { inputItemIds steps { aggregateType eventType aggregateId } } }",
            json!({ "id": completed }))
        .await["traceAction"]
        .clone();
    assert_eq!(from_action["inputItemIds"], json!([item]));
    assert!(event_types(&from_action).contains(&("InputItem".into(), "InputItemRecorded".into())));
    let from_decision = app
        .ok(&auditor, "query($m: ID!, $d: ID!) { traceBoardDecision(meetingId: $m, decisionId: $d) { inputItemIds steps { eventType summary } } }",
            json!({ "m": meeting, "d": decision }))
        .await["traceBoardDecision"]
        .clone();
    assert_eq!(from_decision["inputItemIds"], json!([item]));
    let summaries: Vec<&str> = from_decision["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["summary"].as_str().expect("summary"))
        .collect();
    assert!(summaries
        .iter()
        .any(|s| s.contains("Adopt the new letters")));
    assert!(
        !summaries.iter().any(|s| s.contains("Car park tender")),
        "the other decision is not this one's"
    );

    // Someone else's records are not found; a bad id is named.
    app.register("RAL", "Royal Free").await;
    let outsider = app.token(Role::Auditor, &["RAL"]);
    let (code, _) = app.err(&outsider, TRACE, json!({ "id": item })).await;
    assert_eq!(code, "NOT_FOUND");
    let (code, message) = app.err(&auditor, TRACE, json!({ "id": "nope" })).await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("VALIDATION", "inputItemId: is not a valid id")
    );
}

const HISTORY: &str = "query($r: HistoryRecord!, $id: ID!) { fieldHistory(record: $r, id: $id) { nodes {
    event { eventType logPosition recordedAt actor { subject role } hash } changes { field old new } } } }";

/// The change to `field` made by the revision whose event is `event`.
fn change<'a>(history: &'a Value, event: &str, field: &str) -> &'a Value {
    history
        .as_array()
        .expect("revisions")
        .iter()
        .find(|r| r["event"]["eventType"] == event)
        .unwrap_or_else(|| panic!("no {event}"))["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == field)
        .unwrap_or_else(|| panic!("{event} did not change {field}: {history}"))
}

async fn field_history_of_an_item_and_an_action(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, item, _, completed, _, _) = a_journey(&app).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let history = app
        .ok(&auditor, HISTORY, json!({ "r": "INPUT_ITEM", "id": item }))
        .await["fieldHistory"]["nodes"]
        .clone();
    let events: Vec<&str> = history
        .as_array()
        .expect("revisions")
        .iter()
        .map(|r| r["event"]["eventType"].as_str().expect("event"))
        .collect();
    assert_eq!(
        events,
        [
            "InputItemRecorded",
            "InputItemDecided",
            "DecisionRevised",
            "FeedbackGiven"
        ]
    );
    assert_eq!(
        change(&history, "InputItemRecorded", "summary"),
        &json!({ "field": "summary", "old": null, "new": "Letters in plain English" })
    );
    assert_eq!(
        change(&history, "InputItemDecided", "decisions[0].outcome")["new"],
        "DECLINED"
    );
    // The revision adds a decision; the first one stays as it was.
    assert_eq!(
        change(&history, "DecisionRevised", "decisions[1].outcome"),
        &json!({ "field": "decisions[1].outcome", "old": null, "new": "ACCEPTED" })
    );
    assert_eq!(
        change(&history, "DecisionRevised", "decisions[1].revision_reason")["new"],
        "Budget found in Q4"
    );
    let revised = history
        .as_array()
        .expect("revisions")
        .iter()
        .find(|r| r["event"]["eventType"] == "DecisionRevised")
        .expect("revision");
    assert!(revised["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .all(|c| !c["field"]
            .as_str()
            .expect("field")
            .starts_with("decisions[0]")));
    assert_eq!(
        revised["event"]["actor"]["subject"],
        "tester@example.nhs.uk"
    );
    assert_eq!(revised["event"]["actor"]["role"], "ENGAGEMENT_OFFICER");

    let action = app
        .ok(&auditor, HISTORY, json!({ "r": "ACTION", "id": completed }))
        .await["fieldHistory"]["nodes"]
        .clone();
    assert_eq!(
        change(&action, "ActionAgreed", "agreed_on"),
        &json!({ "field": "agreed_on", "old": null, "new": "2026-02-05" })
    );
    assert_eq!(
        change(&action, "ActionCompleted", "completed.outcome")["new"],
        "All outpatient letters rewritten"
    );

    // Another organisation's record is not found.
    app.register("RAL", "Royal Free").await;
    let outsider = app.token(Role::Auditor, &["RAL"]);
    let (code, _) = app
        .err(
            &outsider,
            HISTORY,
            json!({ "r": "ACTION", "id": completed }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
}

on_both!(
    an_item_traced_from_activity_to_outcome,
    traced_back_from_an_action_and_a_board_decision,
    field_history_of_an_item_and_an_action
);
