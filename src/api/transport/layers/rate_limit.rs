//! The rate limit as a layer: each request takes one from its caller's bucket
//! ([`RateLimiter`]), the caller being the token's subject, or the address for anyone without
//! a valid token; a caller over the limit gets 429 with `Retry-After`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::response::Response;
use tower_http::validate_request::{ValidateRequest, ValidateRequestHeaderLayer};

use super::auth::Caller;
use crate::api::transport::limits::RateLimiter;
use crate::api::transport::refusal::rate_limited;

/// Takes one request from the caller's bucket, or refuses with 429.
#[derive(Clone)]
pub struct RateLimit(Arc<RateLimiter>);

/// The layer limiting each caller to `limiter`'s rate (after [`super::auth::identify`]).
pub fn rate_limit(limiter: Arc<RateLimiter>) -> ValidateRequestHeaderLayer<RateLimit> {
    ValidateRequestHeaderLayer::custom(RateLimit(limiter))
}

/// Whom a request counts against: the token's subject, else the address it came from.
fn caller<B>(request: &Request<B>) -> String {
    match request.extensions().get::<Caller>() {
        Some(Caller(Ok(principal))) => format!("sub:{}", principal.subject),
        _ => address(request),
    }
}

/// The address a request came from, as a caller of the rate limit.
fn address<B>(request: &Request<B>) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "addr:unknown".to_owned(),
            |peer| format!("addr:{}", peer.0.ip()),
        )
}

impl<B> ValidateRequest<B> for RateLimit {
    type ResponseBody = Body;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response> {
        match self.0.check(&caller(request)) {
            Ok(()) => Ok(()),
            Err(seconds) => {
                tracing::info!(retry_after = seconds, "request refused: rate limited");
                Err(rate_limited(&self.0, seconds))
            }
        }
    }
}
