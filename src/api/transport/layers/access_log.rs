//! One line in the log and one count in the metrics per request: its method, route (the path's
//! pattern, never the path itself, which may hold an id), the GraphQL operation it ran, its
//! status and outcome code, how long it took, and its request id (the client's `X-Request-Id`
//! when it sent a usable one). Nothing of the query string, the body or the caller goes in.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::telemetry::metrics::{REQUESTS, REQUEST_SECONDS};

/// What a GraphQL request ran and how it ended, put on its response for this layer to read.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Its kind and root field (see `CheckedSchema::label`).
    pub operation: String,
    /// Its first error's code, or `OK`.
    pub code: &'static str,
}

/// Logs and counts the request once answered.
pub async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let id = super::request_id::of(&request);
    let response = next.run(request).await;
    let (operation, code) = response
        .extensions()
        .get::<Outcome>()
        .map_or(("-".to_owned(), "-"), |o| (o.operation.clone(), o.code));
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    // The request's span (this layer runs inside it), as traces show it.
    let span = tracing::Span::current();
    span.record("http.response.status_code", status);
    span.record("graphql.operation", operation.as_str());
    if response.status().is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    metrics::counter!(REQUESTS, "route" => route.clone(), "operation" => operation.clone(),
        "status" => status.to_string(), "code" => code)
    .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route.clone(), "operation" => operation.clone())
        .record(seconds);
    tracing::info!(
        target: "access",
        method = %method,
        route = %route,
        operation = %operation,
        status,
        code,
        duration_ms = (seconds * 1000.0).round() as u64,
        request_id = %id,
        "request"
    );
    response
}

/// The outcome code of an answer's errors, from the closed set the API gives (`OK` without
/// errors; `OTHER` for a code outside it, which should not happen).
pub fn code_of(errors: &[async_graphql::ServerError]) -> &'static str {
    let Some(error) = errors.first() else {
        return "OK";
    };
    let code = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(|c| match c {
            async_graphql::Value::String(code) => Some(code.as_str()),
            _ => None,
        });
    CODES
        .iter()
        .find(|known| Some(**known) == code)
        .copied()
        .unwrap_or("OTHER")
}

/// Every code the API's errors carry (`ApiError::code`).
const CODES: &[&str] = &[
    "VALIDATION",
    "NOT_FOUND",
    "FORBIDDEN",
    "CONFLICT",
    "UNAUTHENTICATED",
    "RATE_LIMITED",
    "TIMEOUT",
    "LAGGING",
    "INTERNAL",
];
