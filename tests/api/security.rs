//! Hardening: what the schema reveals about itself.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{spawn_app, Backend};
use crate::on_both;

/// Introspection and "did you mean" suggestions are on for the embedded default and off for
/// PostgreSQL deployments unless configured; clients use the checked-in schema file.
async fn introspection_follows_the_deployment(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.token(Role::Auditor, &["QMJ"]);
    let (status, body) = app
        .post(
            Some(&token),
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, misspelt) = app
        .post(Some(&token), "{ organisatons { odsCode } }", json!({}))
        .await;
    let message = misspelt["errors"][0]["message"]
        .as_str()
        .expect("an error")
        .to_owned();
    match backend {
        Backend::Sqlite => {
            assert_eq!(
                body["data"]["__schema"]["queryType"]["name"], "QueryRoot",
                "{body}"
            );
            assert!(message.contains("Did you mean"), "{message}");
        }
        Backend::Postgres => {
            // async-graphql answers introspection with nothing rather than an error.
            assert_eq!(body, json!({ "data": { "__schema": null } }));
            assert!(!message.contains("Did you mean"), "{message}");
        }
    }
}

on_both!(introspection_follows_the_deployment);
