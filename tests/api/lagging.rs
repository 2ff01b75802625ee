//! A mutation whose effect the views do not show in time answers `LAGGING`, never `INTERNAL`:
//! it was recorded, and a retry with the same idempotency key answers once the views catch up.

use partnership_ledger::api::context::RequestInfo;
use partnership_ledger::auth::{Principal, Role};
use partnership_ledger::startup::Application;
use serde_json::json;

use crate::helpers::{drop_postgres_database, fresh_settings, Backend, Replica};
use crate::on_both;

const REGISTER: &str =
    "mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) {
    organisation { odsCode } receipt { replayed } } }";

async fn unseen_writes_are_lagging_and_replay_later(backend: Backend) {
    let (settings, _dir, database) = fresh_settings(backend).await;
    let input = json!({ "i": { "odsCode": "QMJ", "name": "North Central Trust", "kind": "NHS_TRUST",
        "idempotencyKey": "register-qmj" } });
    // A service whose projector never runs: its views stay where they are.
    let stalled = Application::build(&settings).await.expect("builds");
    let request = async_graphql::Request::new(REGISTER)
        .variables(async_graphql::Variables::from_json(input.clone()))
        .data(Principal {
            subject: "tester@example.nhs.uk".into(),
            role: Role::Admin,
            organisations: vec![],
        })
        .data(RequestInfo {
            correlation_id: "lagging-test".into(),
        });
    let response = stalled.schema().execute(request).await;
    let error = response.errors.first().expect("an error");
    let code = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .map(|c| c.to_string());
    assert_eq!(code.as_deref(), Some("\"LAGGING\""), "{}", error.message);
    assert!(
        error.message.contains("recorded at log position"),
        "{}",
        error.message
    );
    drop(stalled);

    // Once views run, the same request with the same key replays and shows the record.
    let service = Replica::start(&settings).await;
    let data = service.ok(&service.admin(), REGISTER, input).await;
    assert_eq!(
        data["registerOrganisation"]["organisation"]["odsCode"],
        "QMJ"
    );
    assert_eq!(data["registerOrganisation"]["receipt"]["replayed"], true);
    service.stop().await;
    if let Some(name) = database {
        drop_postgres_database(name);
    }
}

on_both!(unseen_writes_are_lagging_and_replay_later);
