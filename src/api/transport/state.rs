//! What the HTTP handlers and the WebSocket loop share.

use std::sync::Arc;
use std::time::Duration;

use super::lane::ReadLane;
use super::limits::RateLimiter;
use super::parsed::CheckedSchema;
use crate::auth::TokenAuthority;
use crate::ledger::Ledger;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub schema: CheckedSchema,
    pub ledger: Arc<Ledger>,
    pub tokens: Arc<TokenAuthority>,
    pub graphiql: bool,
    pub ready_max_lag_secs: u64,
    pub limiter: Arc<RateLimiter>,
    /// Longest a GraphQL request may run.
    pub request_timeout: Duration,
    /// Where queries run, below the writers' priority.
    pub reads: Arc<ReadLane>,
}
