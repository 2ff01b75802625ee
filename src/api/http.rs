//! HTTP: `/graphql` (POST JSON; GraphiQL on GET when enabled), `/graphql/ws` (subscriptions),
//! `/health` and `/ready`.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql::{Executor, ServerError};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use uuid::Uuid;

use super::context::RequestInfo;
use super::error::ApiError;
use super::CheckedSchema;
use crate::auth::{AuthError, TokenAuthority};
use crate::ledger::Ledger;
use crate::store::LogPosition;

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub schema: CheckedSchema,
    pub ledger: Arc<Ledger>,
    pub tokens: Arc<TokenAuthority>,
    pub graphiql: bool,
    pub ready_max_lag_secs: u64,
    pub limiter: Arc<super::limits::RateLimiter>,
    /// Longest a GraphQL request may run.
    pub request_timeout: std::time::Duration,
}

/// How long a request asking for a log position waits for the views to reach it.
const POSITION_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The position a client asks to be answered at or after: `tx:position`, as receipts give it.
fn wanted_position(headers: &HeaderMap) -> Result<Option<LogPosition>, String> {
    let Some(value) = headers.get("x-log-position") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let parsed = text.split_once(':').and_then(|(tx, position)| {
        Some(LogPosition {
            tx: tx.parse().ok()?,
            position: position.parse().ok()?,
        })
    });
    parsed
        .map(Some)
        .ok_or_else(|| "X-Log-Position: give a receipt's logPosition, such as 0:42".to_owned())
}

/// The service's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(subscriptions))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// A refusal before GraphQL runs: `status`, and the error as GraphQL would give it.
fn refuse(status: StatusCode, error: ApiError) -> Response {
    let body = json!({ "errors": [{ "message": error.message(), "extensions": { "code": error.code() } }] });
    (status, Json(body)).into_response()
}

/// The credentials of an `Authorization` value in the `Bearer` scheme, whose name is matched
/// in any case (RFC 7235).
pub(super) fn bearer(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(credentials.trim())
}

/// Gives every error without a code `VALIDATION`: errors raised by async-graphql itself
/// (syntax, unknown fields, bad enum values or scalars, limits) come without one, and they are
/// all the client's input at fault.
pub(super) fn with_codes(errors: &mut [ServerError]) {
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

async fn graphiql(State(state): State<AppState>) -> Response {
    if state.graphiql {
        Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response()
    } else {
        refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Validation("GraphQL requests must be sent by POST".into()),
        )
    }
}

async fn ready(State(state): State<AppState>) -> Response {
    if let Err(error) = state.ledger.db().ping().await {
        tracing::warn!(error = format!("{error:#}"), "not ready");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
    }
    match crate::projections::status::status(state.ledger.db()).await {
        Ok(s) if s.lag_seconds <= state.ready_max_lag_secs as f64 => {
            (StatusCode::OK, "ready").into_response()
        }
        Ok(s) => {
            tracing::warn!(
                lag_events = s.lag_events,
                lag_seconds = s.lag_seconds,
                "not ready: the views are behind the log"
            );
            let message = format!(
                "views behind the log: {} events, oldest waiting {:.1} s",
                s.lag_events, s.lag_seconds
            );
            (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
        }
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// GraphQL subscriptions over WebSocket, in the graphql-transport-ws protocol (see
/// [`super::socket`]). Opening a socket counts as a request against the caller's address.
async fn subscriptions(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let speaks = upgrade.requested_protocols().any(|p| {
        p.to_str()
            .is_ok_and(|p| p.split(',').any(|p| p.trim() == super::socket::PROTOCOL))
    });
    if !speaks {
        return refuse(
            StatusCode::BAD_REQUEST,
            ApiError::Validation(format!(
                "ask for the {} sub-protocol (Sec-WebSocket-Protocol)",
                super::socket::PROTOCOL
            )),
        );
    }
    if let Err(seconds) = state.limiter.check(&format!("addr:{}", peer.ip())) {
        tracing::info!(retry_after = seconds, "socket refused: rate limited");
        return rate_limited(&state, seconds);
    }
    upgrade
        .protocols([super::socket::PROTOCOL])
        .max_message_size(MAX_BODY_BYTES)
        .max_frame_size(MAX_BODY_BYTES)
        .on_upgrade(move |socket| super::socket::serve(socket, state))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// async-graphql's own limit messages, restated with the limit itself.
fn clearer_limit_message(message: &str) -> Option<String> {
    match message {
        "Query is nested too deep." => Some(format!(
            "the query is nested too deep: at most {} levels of fields are allowed",
            super::MAX_DEPTH
        )),
        "Query is too complex." => Some(format!(
            "the query is too complex: at most {} is allowed, each list counting its page size \
             (first or last) times the fields under it",
            super::MAX_COMPLEXITY
        )),
        _ => None,
    }
}

/// 429 with how long to wait, in `Retry-After` and in the `RateLimit` fields of the IETF
/// draft (`RateLimit-Policy`: the quota a minute; `RateLimit`: none remaining, reset in
/// `seconds`).
fn rate_limited(state: &AppState, seconds: u64) -> Response {
    let mut response = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        ApiError::RateLimited(format!("too many requests; retry after {seconds} s")),
    );
    let quota = state.limiter.per_minute();
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

async fn graphql(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(
                "GraphQL requests must be sent with Content-Type: application/json".into(),
            ),
        );
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer);
    let verified = token
        .ok_or(AuthError::Missing)
        .and_then(|t| state.tokens.verify(t));
    // Limited per subject, or per address for anyone without a valid token.
    let caller = match &verified {
        Ok(p) => format!("sub:{}", p.subject),
        Err(_) => format!("addr:{}", peer.ip()),
    };
    if let Err(seconds) = state.limiter.check(&caller) {
        tracing::info!(retry_after = seconds, "request refused: rate limited");
        return rate_limited(&state, seconds);
    }
    let principal = match verified {
        Ok(principal) => principal,
        Err(error) => {
            tracing::info!(reason = %error, "request refused: not authenticated");
            return refuse(
                StatusCode::UNAUTHORIZED,
                ApiError::Unauthenticated(error.to_string()),
            );
        }
    };
    // The time limit covers everything the request waits for: the views reaching the position
    // it asked for, then running it.
    let correlation_id = Uuid::new_v4().to_string();
    let work = async {
        match wanted_position(&headers) {
            Err(message) => {
                return Err(refuse(
                    StatusCode::BAD_REQUEST,
                    ApiError::Validation(message),
                ))
            }
            Ok(Some(target)) => {
                if !state
                    .ledger
                    .projector()
                    .wait_for(target, POSITION_WAIT)
                    .await
                {
                    return Err(refuse(
                        StatusCode::SERVICE_UNAVAILABLE,
                        ApiError::Lagging(
                            "the views have not reached X-Log-Position within 10 s; retry".into(),
                        ),
                    ));
                }
            }
            Ok(None) => {}
        }
        let request: async_graphql::Request = serde_json::from_slice(&body).map_err(|_| {
            refuse(
                StatusCode::BAD_REQUEST,
                ApiError::Validation(
                    "the body must be one GraphQL request as JSON: {\"query\": ..., \"variables\": ...}"
                        .into(),
                ),
            )
        })?;
        Ok(state
            .schema
            .execute(request.data(principal).data(RequestInfo {
                correlation_id: correlation_id.clone(),
            }))
            .await)
    };
    let mut response = match tokio::time::timeout(state.request_timeout, work).await {
        Ok(Ok(response)) => response,
        Ok(Err(refusal)) => return refusal,
        Err(_) => {
            tracing::warn!(correlation_id, "request timed out");
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                ApiError::Timeout(
                    "the request took too long and was stopped; retry, or ask for less".into(),
                ),
            );
        }
    };
    with_codes(&mut response.errors);
    let mut http = Json(&response).into_response();
    if let Ok(value) = correlation_id.parse() {
        http.headers_mut().insert("x-correlation-id", value);
    }
    http
}
