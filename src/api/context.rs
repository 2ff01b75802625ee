//! What every resolver reads from the request: the caller, the ledger, the correlation id.

use std::sync::Arc;

use async_graphql::Context;
use chrono::{NaiveDate, Utc};

use super::enums::Date;
use super::error::ApiError;
use crate::auth::Principal;
use crate::ledger::Ledger;

/// Per-request facts put into the GraphQL context by the HTTP layer.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub correlation_id: String,
}

/// The authenticated caller.
pub fn principal<'a>(ctx: &'a Context<'_>) -> Result<&'a Principal, ApiError> {
    ctx.data_opt::<Principal>()
        .ok_or_else(|| ApiError::Unauthenticated("missing bearer token".into()))
}

/// The ledger.
pub fn ledger<'a>(ctx: &'a Context<'_>) -> &'a Arc<Ledger> {
    ctx.data_unchecked::<Arc<Ledger>>()
}

/// This request's correlation id.
pub fn correlation_id<'a>(ctx: &'a Context<'_>) -> &'a str {
    ctx.data_opt::<RequestInfo>()
        .map_or("-", |r| r.correlation_id.as_str())
}

/// Today, in UTC.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The given date, or today.
pub fn or_today(date: Option<Date>) -> NaiveDate {
    date.map_or_else(today, |d| d.0)
}

/// Maps an infrastructure failure to an opaque internal error, logged once.
pub fn internal(ctx: &Context<'_>, error: anyhow::Error) -> ApiError {
    ApiError::internal(correlation_id(ctx), &error)
}
