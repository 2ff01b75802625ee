//! The API's error policy, in one place.
//!
//! Every error reaching a client carries a stable `extensions.code`:
//! - `VALIDATION`: the request is malformed or breaks a rule; the message names the field, and
//!   names every field of an input at fault, in field order (`field: problem; field: problem`).
//! - `NOT_FOUND`: the record does not exist, or the caller may not see it (we do not reveal
//!   which).
//! - `FORBIDDEN`: the caller may see the record but not do this.
//! - `CONFLICT`: the record changed under the request, or is in a state that refuses it;
//!   retrying after a reload may succeed.
//! - `UNAUTHENTICATED`: no valid token.
//! - `RATE_LIMITED`: the caller sent more requests than allowed (HTTP 429, with `Retry-After`
//!   and `RateLimit` headers); retry after the time given.
//! - `TIMEOUT`: the request ran past the time limit and was stopped (HTTP 503); nothing it
//!   would have recorded was recorded unless its receipt says so. Retry, or ask for less.
//! - `LAGGING`: recorded, but the views had not shown it in time; read again shortly, or retry
//!   with the same idempotency key.
//! - `INTERNAL`: our failure. The client gets only a correlation id; the detail is logged once,
//!   here, with that id. Messages never carry personal data or tokens.

use async_graphql::ErrorExtensions;

use crate::domain::RefusalKind;
use crate::ledger::LedgerError;

/// An error as the API reports it. Deliberately not `Display`: async-graphql converts any
/// `Display` type into an error without a code, so conversion must go through our `From`.
#[derive(Debug)]
pub enum ApiError {
    Validation(String),
    NotFound(String),
    Forbidden(String),
    Conflict(String),
    Unauthenticated(String),
    /// Too many requests; the message says when to retry.
    RateLimited(String),
    /// Stopped at the time limit.
    Timeout(String),
    /// Recorded, but the views have not shown it yet; reading again shortly will.
    Lagging(String),
    Internal {
        correlation_id: String,
    },
}

impl ApiError {
    /// The same error about one entry of a list: a message naming `field` names `field[index]`.
    pub fn in_list(self, field: &str, index: usize) -> Self {
        let place = |message: String| match message.strip_prefix(field) {
            Some(rest) => format!("{field}s[{index}]{rest}"),
            None => message,
        };
        match self {
            Self::Validation(m) => Self::Validation(place(m)),
            Self::NotFound(m) => Self::NotFound(place(m)),
            Self::Forbidden(m) => Self::Forbidden(place(m)),
            Self::Conflict(m) => Self::Conflict(place(m)),
            other => other,
        }
    }

    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "VALIDATION",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Conflict(_) => "CONFLICT",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::RateLimited(_) => "RATE_LIMITED",
            Self::Timeout(_) => "TIMEOUT",
            Self::Lagging(_) => "LAGGING",
            Self::Internal { .. } => "INTERNAL",
        }
    }

    /// The message the client sees.
    pub fn message(&self) -> String {
        match self {
            Self::Validation(m)
            | Self::NotFound(m)
            | Self::Forbidden(m)
            | Self::Conflict(m)
            | Self::Unauthenticated(m)
            | Self::RateLimited(m)
            | Self::Timeout(m)
            | Self::Lagging(m) => m.clone(),
            Self::Internal { correlation_id } => {
                format!("internal error (correlation id {correlation_id})")
            }
        }
    }

    /// Logs `error` with `correlation_id` and answers with an opaque internal error.
    pub fn internal(correlation_id: &str, error: &anyhow::Error) -> Self {
        tracing::error!(
            correlation_id,
            error = format!("{error:#}"),
            "request failed"
        );
        Self::Internal {
            correlation_id: correlation_id.to_owned(),
        }
    }

    /// Maps a ledger error, logging internal ones.
    pub fn from_ledger(correlation_id: &str, error: LedgerError) -> Self {
        match error {
            LedgerError::Refused { kind, message } => match kind {
                RefusalKind::Validation => Self::Validation(message),
                RefusalKind::NotFound => Self::NotFound(message),
                RefusalKind::Forbidden => Self::Forbidden(message),
                RefusalKind::Conflict => Self::Conflict(message),
                RefusalKind::Internal => {
                    Self::internal(correlation_id, &anyhow::anyhow!("{message}"))
                }
            },
            LedgerError::Conflict => Self::Conflict(error.to_string()),
            LedgerError::KeyReused => Self::Validation(format!("idempotencyKey: {error}")),
            LedgerError::Lagging { .. } => Self::Lagging(error.to_string()),
            LedgerError::Internal(e) => Self::internal(correlation_id, &e),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        let correlation_id = match &error {
            ApiError::Internal { correlation_id } => Some(correlation_id.clone()),
            _ => None,
        };
        async_graphql::Error::new(error.message()).extend_with(|_, e| {
            e.set("code", code);
            if let Some(id) = correlation_id {
                e.set("correlationId", id);
            }
        })
    }
}

/// The result type of resolvers.
pub type ApiResult<T> = Result<T, async_graphql::Error>;
