//! HTTP: `/graphql` (POST JSON; GraphiQL on GET when enabled), `/health` and `/ready`.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use uuid::Uuid;

use super::context::RequestInfo;
use super::LedgerSchema;
use crate::auth::{AuthError, TokenAuthority};
use crate::ledger::Ledger;

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub schema: LedgerSchema,
    pub ledger: Arc<Ledger>,
    pub tokens: Arc<TokenAuthority>,
    pub graphiql: bool,
}

/// The service's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

fn error_body(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })),
    )
        .into_response()
}

async fn graphiql(State(state): State<AppState>) -> Response {
    if state.graphiql {
        Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response()
    } else {
        error_body(
            StatusCode::METHOD_NOT_ALLOWED,
            "VALIDATION",
            "GraphQL requests must be sent by POST",
        )
    }
}

async fn ready(State(state): State<AppState>) -> Response {
    match state.ledger.db().ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

async fn graphql(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if !is_json(&headers) {
        return error_body(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "VALIDATION",
            "GraphQL requests must be sent with Content-Type: application/json",
        );
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let principal = match token
        .ok_or(AuthError::Missing)
        .and_then(|t| state.tokens.verify(t))
    {
        Ok(principal) => principal,
        Err(error) => {
            tracing::info!(reason = %error, "request refused: not authenticated");
            return error_body(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                &error.to_string(),
            );
        }
    };
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => return error_body(
            StatusCode::BAD_REQUEST,
            "VALIDATION",
            "the body must be one GraphQL request as JSON: {\"query\": ..., \"variables\": ...}",
        ),
    };
    let correlation_id = Uuid::new_v4().to_string();
    let mut response = state
        .schema
        .execute(request.data(principal).data(RequestInfo {
            correlation_id: correlation_id.clone(),
        }))
        .await;
    // Errors raised by async-graphql itself (syntax, unknown fields, bad enum values or
    // scalars, limits) come without a code; they are all the client's input at fault.
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "VALIDATION");
        }
    }
    let mut http = Json(&response).into_response();
    if let Ok(value) = correlation_id.parse() {
        http.headers_mut().insert("x-correlation-id", value);
    }
    http
}
