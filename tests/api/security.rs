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

/// Each token subject, and each address without a valid token, gets so many requests a minute;
/// past that, 429 with `Retry-After`, and nothing runs.
async fn callers_over_the_rate_limit_wait(backend: Backend) {
    let (mut settings, _dir, database) = crate::helpers::fresh_settings(backend).await;
    settings.rate_limit_per_minute = 3;
    let service = crate::helpers::Replica::start(&settings).await;
    let first = service.token(Role::Auditor, &["QMJ"]);
    let query = "{ organisations { odsCode } }";
    for _ in 0..3 {
        assert_eq!(service.post(Some(&first), query, json!({})).await.0, 200);
    }
    let response = service
        .client
        .post(format!("{}/graphql", service.address))
        .bearer_auth(&first)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=20).contains(&wait), "{wait}");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    // Another subject is counted apart; so are callers without a valid token, by address.
    let other = service
        .tokens
        .mint(
            "someone-else@example.nhs.uk",
            Role::Auditor,
            &["QMJ".into()],
            600,
        )
        .expect("token");
    assert_eq!(service.post(Some(&other), query, json!({})).await.0, 200);
    for _ in 0..3 {
        assert_eq!(service.post(Some("forged"), query, json!({})).await.0, 401);
    }
    assert_eq!(service.post(Some("forged"), query, json!({})).await.0, 429);
    service.stop().await;
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
}

on_both!(callers_over_the_rate_limit_wait);
