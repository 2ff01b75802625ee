//! Authentication as two layers around the rate limit: [`identify`] reads the bearer token and
//! notes who is calling (never refusing, so that the rate limit can count callers without a
//! valid token by their address), and [`require_signed_in`] then refuses anyone without a valid
//! token (401), leaving the [`Principal`] in the request's extensions for the handler.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use tower_http::validate_request::{ValidateRequest, ValidateRequestHeaderLayer};

use crate::api::common::error::ApiError;
use crate::api::transport::refusal::refuse;
use crate::auth::{AuthError, Principal, TokenAuthority};

/// Who is calling, as the request's bearer token says: the caller, or why the token is not
/// good. Put in the request's extensions by [`identify`].
#[derive(Clone, Debug)]
pub struct Caller(pub Result<Principal, AuthError>);

/// The credentials of an `Authorization` value in the `Bearer` scheme, whose name is matched
/// in any case (RFC 7235).
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(credentials.trim())
}

/// Checks the bearer token, and notes the [`Caller`].
#[derive(Clone)]
pub struct Identify(Arc<TokenAuthority>);

/// The layer noting who is calling, checking tokens with `tokens`.
pub fn identify(tokens: Arc<TokenAuthority>) -> ValidateRequestHeaderLayer<Identify> {
    ValidateRequestHeaderLayer::custom(Identify(tokens))
}

impl<B> ValidateRequest<B> for Identify {
    type ResponseBody = Body;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response> {
        let verified = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer)
            .ok_or(AuthError::Missing)
            .and_then(|token| self.0.verify(token));
        request.extensions_mut().insert(Caller(verified));
        Ok(())
    }
}

/// Refuses a caller without a valid token; puts the [`Principal`] of one with a valid token in
/// the request's extensions.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequireSignedIn;

/// The layer refusing callers without a valid token (after [`identify`]).
pub fn require_signed_in() -> ValidateRequestHeaderLayer<RequireSignedIn> {
    ValidateRequestHeaderLayer::custom(RequireSignedIn)
}

impl<B> ValidateRequest<B> for RequireSignedIn {
    type ResponseBody = Body;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response> {
        let caller = request.extensions_mut().remove::<Caller>();
        match caller.map_or(Err(AuthError::Missing), |c| c.0) {
            Ok(principal) => {
                request.extensions_mut().insert(principal);
                Ok(())
            }
            Err(error) => {
                tracing::info!(reason = %error, "request refused: not authenticated");
                Err(refuse(
                    StatusCode::UNAUTHORIZED,
                    ApiError::Unauthenticated(error.to_string()),
                ))
            }
        }
    }
}
