//! Reads of personal data are recorded once per participant per request, whatever the request
//! asks for (aliases, repeated fields), and every kind of personal data counts: name, contact
//! details and self-description.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

const RECORD: &str =
    "query($id: ID!) { participantAccessRecord(participantId: $id) { nodes { reader role purpose } } }";

/// The reads recorded for `person` so far.
async fn reads(app: &TestApp, person: &str) -> Vec<Value> {
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let data = app.ok(&auditor, RECORD, json!({ "id": person })).await;
    data["participantAccessRecord"]["nodes"]
        .as_array()
        .cloned()
        .expect("access record")
}

async fn reads_are_recorded_once_per_request(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let registered = app
        .call(
            &officer,
            "registerParticipant",
            "participant { id }",
            json!({
            "organisation": "QMJ", "registeredOn": "2026-01-01",
            "details": { "displayName": "Ada Patient", "email": "ada@example.org",
                "selfDescription": { "ageBand": "65-74" } } }),
        )
        .await;
    let person = registered["participant"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        reads(&app, &person).await.len(),
        0,
        "registering is not a read"
    );

    // Thirty aliases reading the same email in one request: one read recorded.
    let aliases: String = (0..30)
        .map(|i| format!("p{i}: participant(id: $id) {{ contact {{ email }} }} "))
        .collect();
    let query = format!("query($id: ID!) {{ {aliases} }}");
    let before = app.event_count().await;
    let data = app.ok(&officer, &query, json!({ "id": person })).await;
    assert_eq!(data["p29"]["contact"]["email"], "ada@example.org");
    let recorded = reads(&app, &person).await;
    assert_eq!(recorded.len(), 1, "one request, one read: {recorded:?}");
    assert_eq!(recorded[0]["role"], "ENGAGEMENT_OFFICER");
    assert_eq!(recorded[0]["purpose"], "VIEW_RECORD");
    assert_eq!(
        app.event_count().await,
        before + 1,
        "one event for thirty aliases"
    );

    // A name alone is personal data: recorded.
    let name = app
        .ok(
            &officer,
            "query($id: ID!) { participant(id: $id) { displayName } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(name["participant"]["displayName"], "Ada Patient");
    assert_eq!(
        reads(&app, &person).await.len(),
        2,
        "a name read is recorded"
    );

    // So is a self-description.
    let described = app
        .ok(
            &officer,
            "query($id: ID!) { participant(id: $id) { selfDescription { ageBand } } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(
        described["participant"]["selfDescription"]["ageBand"],
        "65-74"
    );
    assert_eq!(
        reads(&app, &person).await.len(),
        3,
        "a self-description read is recorded"
    );

    // Name, contact and self-description, through a list and by id, in one request: once.
    let everything = app
        .ok(
            &officer,
            "query($id: ID!) { participants { nodes { displayName contact { phone } } }
            one: participant(id: $id) { displayName selfDescription { sex } contact { email } } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(everything["one"]["displayName"], "Ada Patient");
    assert_eq!(
        reads(&app, &person).await.len(),
        4,
        "one more request, one more read"
    );

    // Whatever reveals nothing personal records nothing.
    app.ok(
        &officer,
        "query($id: ID!) { participant(id: $id) { id status consents { purpose } } }",
        json!({ "id": person }),
    )
    .await;
    assert_eq!(
        reads(&app, &person).await.len(),
        4,
        "no personal data, no read"
    );
}

on_both!(reads_are_recorded_once_per_request);
