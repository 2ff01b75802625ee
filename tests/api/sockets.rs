//! The WebSocket endpoint keeps the HTTP rules: queries and mutations are refused there,
//! subscriptions count against the rate limit, a socket runs a bounded number of them, a
//! socket that never signs in is closed, and one whose token stops being valid is closed.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use partnership_ledger::api::socket::{INIT_TIMEOUT, MAX_SOCKET_OPERATIONS};
use partnership_ledger::auth::Role;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{fresh_settings, spawn_app, Backend, Endpoint, Replica};
use crate::on_both;
use crate::subscriptions::{connect_with, next_message, send_subscribe, Socket};

const EVENTS: &str = "subscription { events { eventType } }";

/// Opens a socket speaking graphql-transport-ws, without signing in.
async fn open(endpoint: &Endpoint) -> Socket {
    let url = endpoint.address.replace("http://", "ws://") + "/graphql/ws";
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects")
        .0
}

/// The close code the socket ends with, waiting up to `wait`; `None` if it stays open.
async fn closed_with(socket: &mut Socket, wait: Duration) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
            Ok(None | Some(Err(_))) => return Some(1006),
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// The `error` message answering operation `id`: its code and message.
async fn refused_with(socket: &mut Socket, id: &str) -> (String, String) {
    let answer = next_message(socket).await.expect("an answer");
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(answer["id"], id, "{answer}");
    let error = &answer["payload"][0];
    (
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn queries_and_mutations_go_by_post_only(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let before = app.event_count().await;
    let mut socket = connect_with(&app, &officer).await;

    send_subscribe(&mut socket, "q", "{ organisations { nodes { odsCode } } }").await;
    let (code, message) = refused_with(&mut socket, "q").await;
    assert_eq!(code, "VALIDATION");
    assert!(message.contains("only subscriptions"), "{message}");
    let plan = "mutation { planActivity(input: { kind: FOCUS_GROUP, title: \"T\", topic: \"X\", \
                leadOrganisation: \"QMJ\", plannedOn: \"2026-05-01\" }) { activity { id } } }";
    send_subscribe(&mut socket, "m", plan).await;
    let (code, _) = refused_with(&mut socket, "m").await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(app.event_count().await, before, "nothing was recorded");

    // Errors of a subscription's text carry codes, as over HTTP.
    send_subscribe(&mut socket, "x", "subscription { nothingHere }").await;
    let (code, _) = refused_with(&mut socket, "x").await;
    assert_eq!(code, "VALIDATION");

    // A socket runs a bounded number of subscriptions at once; completing one frees a place.
    for n in 0..MAX_SOCKET_OPERATIONS {
        send_subscribe(&mut socket, &format!("s{n}"), EVENTS).await;
    }
    send_subscribe(&mut socket, "over", EVENTS).await;
    let (code, message) = refused_with(&mut socket, "over").await;
    assert_eq!(code, "RATE_LIMITED");
    assert!(
        message.contains(&MAX_SOCKET_OPERATIONS.to_string()),
        "{message}"
    );
    socket
        .send(Message::text(
            json!({ "id": "s0", "type": "complete" }).to_string(),
        ))
        .await
        .expect("complete");
    send_subscribe(&mut socket, "again", EVENTS).await;
    assert_eq!(
        closed_with(&mut socket, Duration::from_millis(500)).await,
        None
    );
    // Reusing a running operation's id closes the socket, as the protocol says.
    send_subscribe(&mut socket, "again", EVENTS).await;
    assert_eq!(
        closed_with(&mut socket, Duration::from_secs(5)).await,
        Some(4409)
    );
}

on_both!(queries_and_mutations_go_by_post_only);

async fn a_socket_counts_against_the_rate_limit(backend: Backend) {
    let (mut settings, _dir, database) = fresh_settings(backend).await;
    settings.rate_limit_per_minute = 4;
    let service = Replica::start(&settings).await;
    let auditor = service.token(Role::Auditor, &["QMJ"]);
    // Opening the socket is one request of the address; two subscriptions are two of the
    // subject's; two posts make four; the next subscription is one too many.
    let mut socket = connect_with(&service, &auditor).await;
    send_subscribe(&mut socket, "1", EVENTS).await;
    send_subscribe(&mut socket, "2", EVENTS).await;
    for _ in 0..2 {
        let (status, _) = service
            .post(
                Some(&auditor),
                "{ organisations { nodes { odsCode } } }",
                json!({}),
            )
            .await;
        assert_eq!(status, 200);
    }
    send_subscribe(&mut socket, "3", EVENTS).await;
    let (code, message) = refused_with(&mut socket, "3").await;
    assert_eq!(code, "RATE_LIMITED");
    assert!(message.contains("retry after"), "{message}");

    // Over HTTP the refusal carries the standard headers.
    let response = service
        .client
        .post(format!("{}/graphql", service.address))
        .bearer_auth(&auditor)
        .json(&json!({ "query": "{ organisations { nodes { odsCode } } }" }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 429);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("retry-after").parse::<u64>().is_ok_and(|s| s >= 1));
    assert_eq!(header("ratelimit-policy"), "\"per-caller\";q=4;w=60");
    assert!(header("ratelimit").starts_with("\"per-caller\";r=0;t="));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    drop(socket);
    service.stop().await;
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
}

on_both!(a_socket_counts_against_the_rate_limit);

async fn silent_and_expired_sockets_are_closed(backend: Backend) {
    let (mut settings, _dir, database) = fresh_settings(backend).await;
    settings.jwt.leeway_secs = 0;
    let service = Replica::start(&settings).await;

    // Never sends connection_init: closed with 4408 once the time to sign in has passed.
    let mut silent = open(&service).await;
    let started = Instant::now();
    assert_eq!(
        closed_with(&mut silent, INIT_TIMEOUT + Duration::from_secs(5)).await,
        Some(4408)
    );
    assert!(started.elapsed() >= INIT_TIMEOUT - Duration::from_millis(500));

    // Subscribing before signing in: 4401.
    let mut eager = open(&service).await;
    send_subscribe(&mut eager, "1", EVENTS).await;
    assert_eq!(
        closed_with(&mut eager, Duration::from_secs(5)).await,
        Some(4401)
    );

    // A token that expires while the socket is open: closed with 4403 within a second or two
    // of its expiry, and nothing more is answered on it.
    let short = service
        .tokens
        .mint("brief@example.nhs.uk", Role::Auditor, &["QMJ".into()], 2)
        .expect("mint");
    let mut socket = connect_with(&service, &short).await;
    send_subscribe(&mut socket, "1", EVENTS).await;
    assert_eq!(
        closed_with(&mut socket, Duration::from_millis(1_000)).await,
        None,
        "open while the token is valid"
    );
    assert_eq!(
        closed_with(&mut socket, Duration::from_secs(5)).await,
        Some(4403)
    );

    // A bad token at sign-in: 4403 too.
    let mut forged = open(&service).await;
    forged
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } })
                .to_string(),
        ))
        .await
        .expect("init");
    assert_eq!(
        closed_with(&mut forged, Duration::from_secs(5)).await,
        Some(4403)
    );

    service.stop().await;
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
}

on_both!(silent_and_expired_sockets_are_closed);

async fn the_bearer_scheme_is_matched_in_any_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", format!("{scheme} {auditor}"))
            .json(&json!({ "query": "{ organisations { nodes { odsCode } } }" }))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 200, "{scheme}");
    }
}

on_both!(the_bearer_scheme_is_matched_in_any_case);
