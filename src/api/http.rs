//! HTTP: `/graphql` (POST JSON; GraphiQL on GET when enabled), `/graphql/ws` (subscriptions),
//! `/health` and `/ready`.

use std::sync::Arc;

use async_graphql::http::{GraphiQLSource, ALL_WEBSOCKET_PROTOCOLS};
use async_graphql::Executor;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use uuid::Uuid;

use super::context::RequestInfo;
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

/// GraphQL subscriptions over WebSocket (graphql-transport-ws, or the older graphql-ws). The
/// bearer token goes in the connection-init payload as `{"Authorization": "Bearer …"}` (or
/// `{"token": "…"}`); a connection without a valid one is closed.
async fn subscriptions(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    let tokens = state.tokens.clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let token = ["Authorization", "authorization", "token"]
                        .iter()
                        .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
                        .map(|t| {
                            t.strip_prefix("Bearer ")
                                .or_else(|| t.strip_prefix("bearer "))
                                .unwrap_or(t)
                                .trim()
                                .to_owned()
                        })
                        .ok_or_else(|| async_graphql::Error::new("missing bearer token"))?;
                    let principal = tokens.verify(&token).map_err(|e| {
                        tracing::info!(reason = %e, "subscription refused: not authenticated");
                        async_graphql::Error::new(e.to_string())
                    })?;
                    let mut data = async_graphql::Data::default();
                    data.insert(principal);
                    data.insert(RequestInfo {
                        correlation_id: Uuid::new_v4().to_string(),
                    });
                    Ok(data)
                })
                .serve()
        })
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
             (first) times the fields under it",
            super::MAX_COMPLEXITY
        )),
        _ => None,
    }
}

/// 429 with how long to wait.
fn rate_limited(seconds: u64) -> Response {
    let mut response = error_body(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        &format!("too many requests; retry after {seconds} s"),
    );
    if let Ok(value) = seconds.to_string().parse() {
        response.headers_mut().insert(header::RETRY_AFTER, value);
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
        return rate_limited(seconds);
    }
    let principal = match verified {
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
    // The time limit covers everything the request waits for: the views reaching the position
    // it asked for, then running it.
    let correlation_id = Uuid::new_v4().to_string();
    let work = async {
        match wanted_position(&headers) {
            Err(message) => {
                return Err(error_body(StatusCode::BAD_REQUEST, "VALIDATION", &message))
            }
            Ok(Some(target)) => {
                if !state
                    .ledger
                    .projector()
                    .wait_for(target, POSITION_WAIT)
                    .await
                {
                    return Err(error_body(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "LAGGING",
                        "the views have not reached X-Log-Position within 10 s; retry",
                    ));
                }
            }
            Ok(None) => {}
        }
        let request: async_graphql::Request = serde_json::from_slice(&body).map_err(|_| {
            error_body(
                StatusCode::BAD_REQUEST,
                "VALIDATION",
                "the body must be one GraphQL request as JSON: {\"query\": ..., \"variables\": ...}",
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
            return error_body(
                StatusCode::SERVICE_UNAVAILABLE,
                "TIMEOUT",
                "the request took too long and was stopped; retry, or ask for less",
            );
        }
    };
    // Errors raised by async-graphql itself (syntax, unknown fields, bad enum values or
    // scalars, limits) come without a code; they are all the client's input at fault.
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "VALIDATION");
            if let Some(clearer) = clearer_limit_message(&error.message) {
                error.message = clearer;
            }
        }
    }
    let mut http = Json(&response).into_response();
    if let Ok(value) = correlation_id.parse() {
        http.headers_mut().insert("x-correlation-id", value);
    }
    http
}
