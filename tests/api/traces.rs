//! Traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the real binary sends its spans over
//! OTLP/HTTP, read here as a collector reads them (the protocol's own protobuf messages). One
//! mutation is one tree continuing the caller's W3C trace: the request, its command, the commit
//! batch that wrote it and the wait for the views; and no attribute names the person recorded
//! or carries the caller's token.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use partnership_ledger::auth::Role;
use prost::Message as _;
use serde_json::json;

use crate::on_both;
use crate::process::ServiceProcess;

on_both!(a_mutation_is_one_tree_of_spans_continuing_the_callers_trace,);

/// The caller's trace and span, as its `traceparent` names them.
const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";
const NAME: &str = "Tracey Spanswick";
const EMAIL: &str = "tracey.spanswick@example.org";

/// A collector's OTLP/HTTP endpoint on a free port, keeping every span it is sent.
async fn collector() -> (String, Arc<Mutex<Vec<Span>>>) {
    let received: Arc<Mutex<Vec<Span>>> = Arc::default();
    let kept = received.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| async move {
            let request = ExportTraceServiceRequest::decode(body).expect("an OTLP trace request");
            let spans = request
                .resource_spans
                .into_iter()
                .flat_map(|r| r.scope_spans)
                .flat_map(|s| s.spans);
            kept.lock().expect("spans").extend(spans);
            // An empty `ExportTraceServiceResponse`: everything accepted.
            Vec::<u8>::new()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), received)
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    let value = span
        .attributes
        .iter()
        .find(|a| a.key == key)?
        .value
        .as_ref()?;
    Some(match value.value.as_ref()? {
        AnyValue::StringValue(s) => s.clone(),
        AnyValue::IntValue(i) => i.to_string(),
        AnyValue::BoolValue(b) => b.to_string(),
        other => format!("{other:?}"),
    })
}

async fn a_mutation_is_one_tree_of_spans_continuing_the_callers_trace(
    backend: crate::helpers::Backend,
) {
    let (endpoint, received) = collector().await;
    let service = ServiceProcess::start_with(
        backend,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    )
    .await;
    service.register("QMJ", "Riverside Hospital").await;
    let officer = service.token(Role::EngagementOfficer, &["QMJ"]);
    let answer: serde_json::Value = service
        .client
        .post(format!("{}/graphql", service.address))
        .bearer_auth(&officer)
        .header("traceparent", format!("00-{TRACE}-{CALLER_SPAN}-01"))
        .json(&json!({
            "query": "mutation($i: RegisterParticipantInput!) { registerParticipant(input: $i) { participant { id } } }",
            "variables": { "i": { "organisation": "QMJ", "registeredOn": "2026-01-05",
                "details": { "displayName": NAME, "email": EMAIL } } },
        }))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert!(answer["errors"].is_null(), "{answer}");

    // The batch sends every 100 ms: wait for the mutation's spans and a projector batch.
    // A request's span is named by its method and route, a command's by the command.
    let names = [
        "POST /graphql",
        "registerParticipant",
        "commit batch",
        "views wait",
    ];
    let deadline = Instant::now() + Duration::from_secs(20);
    let spans = loop {
        let spans = received.lock().expect("spans").clone();
        let ours: Vec<Span> = spans
            .iter()
            .filter(|s| hex::encode(&s.trace_id) == TRACE)
            .cloned()
            .collect();
        let projected = spans.iter().any(|s| s.name == "projector batch");
        if projected && names.iter().all(|n| ours.iter().any(|s| s.name == *n)) {
            break spans;
        }
        assert!(
            Instant::now() < deadline,
            "the mutation's spans did not all arrive: {:?}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let one = |name: &str| {
        spans
            .iter()
            .find(|s| s.name == name && hex::encode(&s.trace_id) == TRACE)
            .unwrap_or_else(|| panic!("a `{name}` span in the caller's trace"))
    };
    let (request, command) = (one("POST /graphql"), one("registerParticipant"));
    assert_eq!(
        hex::encode(&request.parent_span_id),
        CALLER_SPAN,
        "the caller's span is the request's parent"
    );
    assert_eq!(
        command.parent_span_id, request.span_id,
        "the command is the request's child"
    );
    assert_eq!(
        one("commit batch").parent_span_id,
        command.span_id,
        "the commit batch is the command's child"
    );
    assert_eq!(
        one("views wait").parent_span_id,
        command.span_id,
        "the wait for the views is the command's child"
    );
    for (span, key, value) in [
        (request, "http.route", "/graphql"),
        (request, "http.response.status_code", "200"),
        (request, "graphql.operation", "mutation:registerParticipant"),
        (command, "command", "registerParticipant"),
        (command, "outcome", "recorded"),
    ] {
        assert_eq!(
            attribute(span, key).as_deref(),
            Some(value),
            "{}'s {key}",
            span.name
        );
    }

    // Nothing of the person, nor the token, in any span sent.
    let sent = format!("{spans:?}");
    for secret in [NAME, EMAIL, officer.as_str()] {
        assert!(!sent.contains(secret), "a span carries {secret}");
    }
}
