//! Refusals before GraphQL runs, shaped as GraphQL errors, and the codes given to
//! async-graphql's own errors.

use async_graphql::ServerError;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::layers::access_log::Outcome;
use super::limits::RateLimiter;
use crate::api::common::error::ApiError;
use crate::api::schema::{MAX_COMPLEXITY, MAX_DEPTH};

/// A refusal before GraphQL runs: `status`, and the error as GraphQL would give it.
pub fn refuse(status: StatusCode, error: ApiError) -> Response {
    let body = json!({ "errors": [{ "message": error.message(), "extensions": { "code": error.code() } }] });
    let mut response = (status, Json(body)).into_response();
    // The access log and the metrics name the refusal by its code.
    response.extensions_mut().insert(Outcome {
        operation: "-".to_owned(),
        code: error.code(),
    });
    response
}

/// 429 with how long to wait, in `Retry-After` and in the `RateLimit` fields of the IETF
/// draft (`RateLimit-Policy`: the quota a minute; `RateLimit`: none remaining, reset in
/// `seconds`).
pub fn rate_limited(limiter: &RateLimiter, seconds: u64) -> Response {
    let mut response = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        ApiError::RateLimited(format!("too many requests; retry after {seconds} s")),
    );
    let quota = limiter.per_minute();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::RETRY_AFTER.as_str(), seconds.to_string()),
        ("ratelimit-policy", format!("\"per-caller\";q={quota};w=60")),
        ("ratelimit", format!("\"per-caller\";r=0;t={seconds}")),
    ] {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    }
    response
}

/// Gives every error without a code `VALIDATION`: errors raised by async-graphql itself
/// (syntax, unknown fields, bad enum values or scalars, limits) come without one, and they are
/// all the client's input at fault.
pub fn with_codes(errors: &mut [ServerError]) {
    for error in errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "VALIDATION");
            if let Some(clearer) = clearer_limit_message(&error.message) {
                error.message = clearer;
            }
        }
    }
}

/// async-graphql's own limit messages, restated with the limit itself.
fn clearer_limit_message(message: &str) -> Option<String> {
    match message {
        "Query is nested too deep." => Some(format!(
            "the query is nested too deep: at most {MAX_DEPTH} levels of fields are allowed"
        )),
        "Query is too complex." => Some(format!(
            "the query is too complex: at most {MAX_COMPLEXITY} is allowed, each list counting \
             its page size (first or last) times the fields under it"
        )),
        _ => None,
    }
}
