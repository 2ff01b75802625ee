//! The time limit on a GraphQL request, covering everything it waits for (the views reaching
//! its `X-Log-Position`, then running it).
//!
//! tower-http's `TimeoutLayer` answers a request past its time with a bare status and an empty
//! body, and the API promises 503 with a `TIMEOUT` GraphQL error saying what happened. So the
//! limit is tower's own `TimeoutLayer`, whose elapsed error axum's `HandleErrorLayer` turns into
//! that answer with [`timed_out`].

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use tower::BoxError;

use crate::api::common::error::ApiError;
use crate::api::transport::refusal::refuse;

/// The answer to a request stopped at the time limit (or, should the time limit ever pass on
/// another failure, the same 503: nothing else below it fails).
pub async fn timed_out(headers: HeaderMap, error: BoxError) -> Response {
    let correlation_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::warn!(correlation_id, error = %error, "request timed out");
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        ApiError::Timeout(
            "the request took too long and was stopped; retry, or ask for less".into(),
        ),
    )
}
