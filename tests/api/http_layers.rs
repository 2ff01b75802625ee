//! What every request passes on its way in: its `X-Request-Id`, sent back and used as the
//! correlation id, and gzip for large answers to clients that accept it.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{spawn_app, Backend};
use crate::on_both;

const QUERY: &str = "{ organisations { nodes { odsCode } } }";

/// Each request has an id: the client's own when it is a usable one, else a fresh UUID; it
/// comes back in `X-Request-Id` and, on GraphQL answers, as `X-Correlation-Id`.
async fn every_request_has_an_id_sent_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.token(Role::Auditor, &["QMJ"]);
    let url = format!("{}/graphql", app.address);
    let ask = |id: Option<&str>| {
        let mut request = app
            .client
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "query": QUERY }));
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        request.send()
    };
    let header = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };

    let fresh = ask(None).await.expect("answered");
    assert_eq!(fresh.status().as_u16(), 200);
    let id = header(&fresh, "x-request-id");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "a UUID: {id:?}");
    assert_eq!(header(&fresh, "x-correlation-id"), id);

    let own = ask(Some("checkout-42.a:b_c")).await.expect("answered");
    assert_eq!(header(&own, "x-request-id"), "checkout-42.a:b_c");
    assert_eq!(header(&own, "x-correlation-id"), "checkout-42.a:b_c");

    let unusable = ask(Some("two words")).await.expect("answered");
    let replaced = header(&unusable, "x-request-id");
    assert!(uuid::Uuid::parse_str(&replaced).is_ok(), "{replaced:?}");

    // Refusals carry it too.
    let refused = app
        .client
        .post(&url)
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("answered");
    assert_eq!(refused.status().as_u16(), 401);
    assert!(uuid::Uuid::parse_str(&header(&refused, "x-request-id")).is_ok());
}

/// A large answer is gzipped for a client that accepts gzip, and only then; a small one never.
async fn large_answers_are_gzipped_when_asked(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central London Integrated Care Board")
        .await;
    let token = app.token(Role::Auditor, &["QMJ"]);
    let url = format!("{}/graphql", app.address);
    let large = (0..20)
        .map(|i| {
            format!(
                "o{i}: organisations(first: 1) {{ nodes {{ odsCode name kind ics responseWindowDays }} }}"
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let send = |query: String, gzip: bool| {
        let mut request = app
            .client
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "query": format!("{{ {query} }}") }));
        if gzip {
            request = request.header("accept-encoding", "gzip");
        }
        request.send()
    };
    let encoding = |response: &reqwest::Response| {
        response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };

    let gzipped = send(large.clone(), true).await.expect("answered");
    assert_eq!(gzipped.status().as_u16(), 200);
    assert_eq!(encoding(&gzipped).as_deref(), Some("gzip"));
    let bytes = gzipped.bytes().await.expect("body");
    assert_eq!(&bytes[..2], [0x1f, 0x8b], "a gzip stream");

    let plain = send(large, false).await.expect("answered");
    assert_eq!(encoding(&plain), None);
    let body: serde_json::Value = plain.json().await.expect("json");
    assert_eq!(body["data"]["o19"]["nodes"][0]["odsCode"], "QMJ", "{body}");

    let small = send("organisations { nodes { odsCode } }".into(), true)
        .await
        .expect("answered");
    assert_eq!(encoding(&small), None);
}

on_both!(
    every_request_has_an_id_sent_back,
    large_answers_are_gzipped_when_asked
);
