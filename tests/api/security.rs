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

/// Where introspection is on, the standard introspection queries of `gql`, graphql-js 16 and
/// GraphiQL are answered whole, though they nest deeper than ordinary queries may; the same
/// depth in an ordinary query, or an ordinary field added to one, is still refused.
async fn standard_introspection_queries_are_answered(backend: Backend) {
    let (mut settings, _dir, database) = crate::helpers::fresh_settings(backend).await;
    settings.introspection = Some(true);
    let service = crate::helpers::Replica::start(&settings).await;
    let token = service.token(Role::Auditor, &["QMJ"]);
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/introspection");
    for client in ["gql-3.5", "graphql-js-16", "graphiql"] {
        let query =
            std::fs::read_to_string(fixtures.join(format!("{client}.graphql"))).expect("fixture");
        let data = service.ok(&token, &query, json!({})).await;
        let types = data["__schema"]["types"].as_array().expect("types");
        let query_root = types
            .iter()
            .find(|t| t["name"] == "QueryRoot")
            .expect("the query type");
        assert!(
            query_root["fields"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["name"] == "organisations")),
            "{client}"
        );

        // An ordinary field beside the introspection makes it an ordinary query, with the
        // ordinary limits.
        let mixed = query.replacen(
            "__schema {",
            "organisations { nodes { odsCode } } __schema {",
            1,
        );
        let (_, body) = service.post(Some(&token), &mixed, json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "VALIDATION",
            "{client}: {body}"
        );
        assert!(body["data"].is_null(), "{client}: {body}");
    }
    service.stop().await;
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
}

on_both!(standard_introspection_queries_are_answered);

/// Each token subject, and each address without a valid token, gets so many requests a minute;
/// past that, 429 with `Retry-After`, and nothing runs.
async fn callers_over_the_rate_limit_wait(backend: Backend) {
    let (mut settings, _dir, database) = crate::helpers::fresh_settings(backend).await;
    settings.rate_limit_per_minute = 3;
    let service = crate::helpers::Replica::start(&settings).await;
    let first = service.token(Role::Auditor, &["QMJ"]);
    let query = "{ organisations { nodes { odsCode } } }";
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

/// Batches and oversized bodies are refused before anything runs.
async fn batches_and_huge_bodies_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let token = app.token(Role::EngagementOfficer, &["QMJ"]);
    let url = format!("{}/graphql", app.address);
    let before = app.event_count().await;
    let register = json!({ "query": "mutation { planActivity(input: { kind: FOCUS_GROUP, title: \"t\", topic: \"t\", leadOrganisation: \"QMJ\", plannedOn: \"2026-04-01\" }) { activity { id } } }" });
    let batch = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .json(&json!([register.clone(), register]))
        .send()
        .await
        .expect("request");
    assert_eq!(batch.status().as_u16(), 400);
    let body: serde_json::Value = batch.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");
    let huge = json!({ "query": format!("{{ organisations {{ nodes {{ odsCode }} }} }} #{}", "x".repeat(300 * 1024)) });
    let response = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .json(&huge)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(app.event_count().await, before, "nothing appended");
}

/// A database failure reaches the client as INTERNAL with a correlation id, and nothing about
/// the SQL, the tables or the server.
async fn a_database_failure_leaks_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let token = app.token(Role::Auditor, &["QMJ"]);
    let statement = "ALTER TABLE view_actions RENAME TO view_actions_elsewhere";
    match app.db() {
        partnership_ledger::store::Db::Postgres(pool) => {
            sqlx::query(statement).execute(pool).await.expect("rename");
        }
        partnership_ledger::store::Db::Sqlite(pool) => {
            sqlx::query(statement).execute(pool).await.expect("rename");
        }
    }
    let (status, body) = app
        .post(
            Some(&token),
            "{ actions { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL", "{body}");
    let correlation = error["extensions"]["correlationId"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(correlation.len(), 36, "a correlation id: {body}");
    let text = body.to_string().to_ascii_lowercase();
    for leak in [
        "view_actions",
        "select",
        "sqlite",
        "postgres",
        "does not exist",
        "no such",
        "table",
        "127.0.0.1",
        ".rs:",
    ] {
        assert!(!text.contains(leak), "`{leak}` leaked: {body}");
    }
}

/// A list costs its page size times its elements: a wide page of deep objects is refused before
/// any resolver runs, the same query over a small page is answered.
async fn wide_pages_of_deep_objects_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.token(Role::Auditor, &["QMJ"]);
    let query = |first: u32| {
        format!(
            "{{ inputItems(first: {first}) {{ edges {{ node {{ id summary verdict decisions {{ outcome reason }} \
             actions {{ id title status dueOn }} activity {{ id title status }} }} }} }} }}"
        )
    };
    let (status, body) = app.post(Some(&token), &query(200), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("too complex"),
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");
    let (_, body) = app.post(Some(&token), &query(5), json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
}

on_both!(
    wide_pages_of_deep_objects_are_refused,
    callers_over_the_rate_limit_wait,
    batches_and_huge_bodies_are_refused,
    a_database_failure_leaks_nothing
);
