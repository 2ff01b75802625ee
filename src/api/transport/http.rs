//! HTTP: `/graphql` (POST JSON; GraphiQL on GET when enabled), `/graphql/ws` (subscriptions),
//! `/health` and `/ready`, and the layers every request passes.

use axum::body::Body;
use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State, WebSocketUpgrade};
use axum::http::{Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::json;
use tower::timeout::TimeoutLayer;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use super::layers::access_log::{access_log, code_of, Outcome};
use super::layers::auth::{identify, require_signed_in};
use super::layers::json::json_only;
use super::layers::log_position::{WaitForPositionLayer, WantedPosition};
use super::layers::rate_limit::rate_limit;
use super::layers::request_id::{keep_usable_id, REQUEST_ID};
use super::layers::time_limit::timed_out;
use super::refusal::{rate_limited, refuse, with_codes};
use super::state::AppState;
use crate::api::common::context::RequestInfo;
use crate::api::common::error::ApiError;
use crate::auth::Principal;

/// Largest request body accepted, in bytes, but for an upload of history to import.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Largest request body any route takes: a workbook of history uploaded to import (whose own
/// limit, a little less, is checked with a message naming it). Every other route keeps to
/// [`MAX_BODY_BYTES`]: `/graphql` by its own layer, the pages' forms as they are read.
pub const MAX_UPLOAD_BYTES: usize = 40 * 1024 * 1024;

/// The service's routes, behind their layers.
///
/// Every request, outermost first: its `X-Request-Id` (a usable one of the client's, else a
/// fresh one) is set and sent back; it runs in a tracing span named by that id; it is logged
/// and counted once answered (see [`access_log`]); a panic is
/// answered with 500 rather than a dropped connection; a body over [`MAX_UPLOAD_BYTES`] is
/// refused with 413 (and one over [`MAX_BODY_BYTES`], but for the import's upload page).
/// GraphQL answers of 1 KiB or more are gzipped for clients that accept it.
/// A GraphQL POST then passes, in order: JSON bodies only (415), who is
/// calling, the rate limit (429), signed in (401), the time limit (503 `TIMEOUT`), and the
/// wait for its `X-Log-Position` (400, 503 `LAGGING`).
///
/// `pages` are the web interface's routes, which the caller (a layer above) hands in, to pass
/// the same outer layers.
pub fn router(state: AppState, pages: Router<AppState>) -> Router {
    let graphql = ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .map_request(|r: axum::http::Request<tower_http::body::Limited<Body>>| r.map(Body::new))
        .layer(json_only())
        .layer(identify(state.tokens.clone()))
        .layer(rate_limit(state.limiter.clone()))
        .layer(require_signed_in())
        .layer(HandleErrorLayer::new(timed_out))
        .layer(TimeoutLayer::new(state.request_timeout))
        .layer(WaitForPositionLayer::new(state.ledger.clone()));
    let every_request = ServiceBuilder::new()
        .map_request(keep_usable_id)
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                // Failures are logged once, where they are handled (timeouts, lag, readiness).
                .on_failure(()),
        )
        .layer(axum::middleware::from_fn(access_log))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES));
    Router::new()
        .route(
            "/graphql",
            post(graphql_post)
                .layer(graphql)
                .get(graphiql)
                .layer(compressed()),
        )
        .route("/graphql/ws", get(subscriptions))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .merge(pages)
        // The body limit is `RequestBodyLimitLayer`'s, which extractors honour.
        .layer(DefaultBodyLimit::disable())
        .layer(every_request)
        .with_state(state)
}

/// GraphQL answers (and the GraphiQL page) gzipped for clients that accept it, when they are
/// large enough for it to pay: reports, exports and long lists, not the usual small answer.
fn compressed() -> CompressionLayer<SizeAbove> {
    CompressionLayer::new().compress_when(SizeAbove::new(COMPRESS_ABOVE_BYTES))
}

/// The smallest answer worth compressing, in bytes.
const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// The tracing span of one request: its id, method and route (the path's pattern, never the
/// path, which may hold an id, nor the query string, which may carry a GraphQL query for
/// GraphiQL); its status and GraphQL operation are recorded once answered (see
/// [`access_log`]). In traces it continues the caller's trace when the request carries a W3C
/// `traceparent`.
fn request_span(request: &Request<Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |m| m.as_str());
    let span = tracing::info_span!(
        "request",
        otel.name = format!("{} {route}", request.method()),
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        request.id = %super::layers::request_id::of(request),
        http.request.method = %request.method(),
        http.route = route,
        http.response.status_code = tracing::field::Empty,
        graphql.operation = tracing::field::Empty,
    );
    crate::telemetry::traces::continue_trace(&span, request.headers());
    span
}

/// The answer to a request whose handling panicked: 500 with an `INTERNAL` error, the panic
/// logged (in the request's span, with its id).
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "request handling panicked");
    let body = json!({ "errors": [{
        "message": "internal error (its X-Request-Id names it in the log)",
        "extensions": { "code": "INTERNAL" },
    }] });
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

/// GraphiQL, served from the binary (`web/graphiql.html`, with GraphiQL and React vendored
/// under `web/assets/graphiql/`), so it works with no route to a CDN.
const GRAPHIQL_PAGE: &str = include_str!("../../../web/graphiql.html");

/// GraphiQL's page may run its own files alone; its styles and fonts come inline (React's and
/// GraphiQL's `data:` fonts); it may not be framed.
const GRAPHIQL_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
    object-src 'none'";

async fn graphiql(State(state): State<AppState>) -> Response {
    if state.graphiql {
        (
            [
                (axum::http::header::CONTENT_SECURITY_POLICY, GRAPHIQL_POLICY),
                (axum::http::header::X_FRAME_OPTIONS, "DENY"),
            ],
            Html(GRAPHIQL_PAGE),
        )
            .into_response()
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
///
/// The rate limit is checked here rather than by the [`rate_limit`] layer, so that it keeps its
/// place after the upgrade and protocol checks: a request that is not a subscription socket
/// spends none of the caller's quota. Each `subscribe` on the socket then counts as a request.
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
        return rate_limited(&state.limiter, seconds);
    }
    upgrade
        .protocols([super::socket::PROTOCOL])
        .max_message_size(MAX_BODY_BYTES)
        .max_frame_size(MAX_BODY_BYTES)
        .on_upgrade(move |socket| super::socket::serve(socket, state))
}

/// Runs one GraphQL request, once the layers have admitted it (see [`router`]).
async fn graphql_post(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Extension(request_id): Extension<RequestId>,
    wanted: Option<Extension<WantedPosition>>,
    body: Bytes,
) -> Response {
    let correlation_id = request_id.header_value().to_str().unwrap_or("-").to_owned();
    let Ok(request) = serde_json::from_slice::<async_graphql::Request>(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            ApiError::Validation(
                "the body must be one GraphQL request as JSON: {\"query\": ..., \"variables\": ...}"
                    .into(),
            ),
        );
    };
    let operation = state.schema.label(&request);
    let request = request.data(principal).data(RequestInfo {
        correlation_id: correlation_id.clone(),
    });
    let wanted = wanted.map(|Extension(WantedPosition(at))| at);
    let answer = state.execute(request, wanted, |mut response| {
        with_codes(&mut response.errors);
        let code = code_of(&response.errors);
        let mut http = Json(&response).into_response();
        http.extensions_mut().insert(Outcome { operation, code });
        http
    });
    let mut http = match answer.await {
        Some(http) => http,
        None => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal {
                correlation_id: correlation_id.clone(),
            },
        ),
    };
    if let Ok(value) = correlation_id.parse() {
        http.headers_mut().insert("x-correlation-id", value);
    }
    http
}
