//! Operations, for admins: how far the projections are behind the log.

use async_graphql::{Context, Object, SimpleObject};
use chrono::SecondsFormat;

use crate::api::common::context::{internal, ledger, principal};
use crate::api::common::error::{ApiError, ApiResult};
use crate::auth::Role;
use crate::projections::status;

/// A projector's progress.
#[derive(SimpleObject)]
pub struct ProjectionStatus {
    name: String,
    /// The last event applied, as `tx:position` (the form receipts and `X-Log-Position` use).
    log_position: String,
    /// When the checkpoint last moved (RFC 3339).
    updated_at: Option<String>,
    /// Committed events not yet applied, counted up to 10,000.
    lag_events: i64,
    /// How long the oldest of them has waited, in seconds.
    lag_seconds: f64,
    /// Whether the replica answering runs this projector (on PostgreSQL exactly one does).
    running_here: bool,
}

/// Queries for operators.
#[derive(Default)]
pub struct OperationsQueries;

#[Object]
impl OperationsQueries {
    /// Each projector's position and lag. Admins only.
    async fn projections(&self, ctx: &Context<'_>) -> ApiResult<Vec<ProjectionStatus>> {
        if principal(ctx)?.role != Role::Admin {
            return Err(ApiError::Forbidden("only admins see the projections".into()).into());
        }
        let ledger = ledger(ctx);
        let s = status::status(ledger.db())
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(vec![ProjectionStatus {
            name: s.name.to_owned(),
            log_position: format!("{}:{}", s.position.tx, s.position.position),
            updated_at: s
                .updated_at
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            lag_events: s.lag_events,
            lag_seconds: s.lag_seconds,
            running_here: ledger.projector().leading(),
        }])
    }
}
