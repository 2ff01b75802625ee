//! Only JSON bodies are GraphQL requests: anything else is refused with 415 before it is read.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::Response;
use tower_http::validate_request::{ValidateRequest, ValidateRequestHeaderLayer};

use crate::api::common::error::ApiError;
use crate::api::transport::refusal::refuse;

/// Refuses a request whose `Content-Type` is not `application/json` (415).
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonOnly;

/// The layer refusing anything but JSON bodies.
pub fn json_only() -> ValidateRequestHeaderLayer<JsonOnly> {
    ValidateRequestHeaderLayer::custom(JsonOnly)
}

impl<B> ValidateRequest<B> for JsonOnly {
    type ResponseBody = Body;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response> {
        if is_json(request.headers()) {
            return Ok(());
        }
        Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(
                "GraphQL requests must be sent with Content-Type: application/json".into(),
            ),
        ))
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}
