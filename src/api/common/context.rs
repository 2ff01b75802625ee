//! What every resolver reads from the request: the caller, the ledger, the correlation id.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::Context;
use chrono::{DateTime, NaiveDate, Utc};

use super::enums::Date;
use super::error::ApiError;
use super::heavy::{HeavyWork, ThisRequest};
use crate::api::transport::lane;
use crate::auth::Principal;
use crate::ledger::Ledger;
use crate::projections::read::{self, ItemFilter, ItemView, Scope};
use crate::projections::reads::ReadFrom;
use crate::store::Db;

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

/// Where this request reads the views: the server chosen for a query (see
/// [`crate::projections::reads`]); the primary for a mutation, whose reads must see its writes.
pub fn reads<'a>(ctx: &'a Context<'_>) -> &'a ReadFrom {
    ctx.data_opt::<ReadFrom>()
        .unwrap_or_else(|| ledger(ctx).reads().primary())
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

/// Longest a reader of the tallies waits for them to reach the views.
pub const TALLIES_WAIT: Duration = Duration::from_secs(5);

/// Where a query reads the views: as they are now, or as the record stood at a moment.
#[derive(Clone, Default)]
pub enum Views {
    #[default]
    Live,
    /// The log recorded up to a moment, replayed.
    Recorded(Db),
}

impl Views {
    /// The views as of `recorded_as_of`, or the live ones. A moment in the future is refused.
    /// Replaying is heavy work ([`HeavyWork`]): callers check what they can before asking.
    pub async fn at(
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> Result<Self, ApiError> {
        let Some(moment) = recorded_as_of else {
            return Ok(Self::Live);
        };
        if moment > Utc::now() {
            return Err(ApiError::Validation(
                "recordedAsOf: must not be in the future".into(),
            ));
        }
        let heavy = ctx.data_unchecked::<Arc<HeavyWork>>();
        let place = heavy
            .place(moment, ctx.data_opt::<ThisRequest>())
            .map_err(|most| {
                ApiError::Validation(format!(
                    "recordedAsOf: at most {most} different moments may be asked for in one \
                     request"
                ))
            })?;
        let db = heavy
            .recorded_views(place, ledger(ctx).db(), moment)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(Self::Recorded(db))
    }

    /// As [`Views::at`], for a record by id that the caller must be able to see: with
    /// `recordedAsOf`, `visible_now` (whether the caller may see the live record) is asked
    /// first, and a record they may not see is `NOT_FOUND` (named `what`) before any replay.
    /// Which organisations a record belongs to never changes, so the live record answers for
    /// the past one.
    pub async fn at_visible(
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        visible_now: impl std::future::Future<Output = anyhow::Result<bool>>,
        what: &str,
    ) -> Result<Self, ApiError> {
        if recorded_as_of.is_some() && !visible_now.await.map_err(|e| internal(ctx, e))? {
            return Err(ApiError::NotFound(format!("{what} not found")));
        }
        Self::at(ctx, recorded_as_of).await
    }

    /// Input items in `scope` matching `filter`, joined; from the live views, answers are
    /// kept in memory until a change touches them (see [`crate::projections::kept`]).
    pub async fn input_items(
        &self,
        ctx: &Context<'_>,
        scope: Scope<'_>,
        filter: &ItemFilter,
    ) -> Result<Vec<ItemView>, ApiError> {
        let found = match self {
            Self::Live => {
                read::input_items_kept(reads(ctx), ledger(ctx).projector(), scope, filter).await
            }
            Self::Recorded(db) => read::input_items(db, scope, filter).await,
        };
        found.map_err(|e| internal(ctx, e))
    }

    /// The database to read the tallies and the items' marks from: for the live views, once
    /// the tallies have reached where the views stood when asked (writers do not wait for
    /// the tallies, so their readers do: a roll-up read after a mutation counts it). After
    /// [`TALLIES_WAIT`] the tallies are read as they stand, a moment behind.
    pub async fn tallies<'a>(&'a self, ctx: &'a Context<'_>) -> &'a Db {
        if let Self::Live = self {
            let projector = ledger(ctx).projector();
            let from = reads(ctx);
            // Waiting for the tallies is no work for the database: other queries run meanwhile.
            let in_step = from.tallies_in_step(projector, Duration::ZERO).await
                || lane::aside(from.tallies_in_step(projector, TALLIES_WAIT)).await;
            if !in_step {
                tracing::warn!(
                    wait_ms = TALLIES_WAIT.as_millis() as u64,
                    "the tallies are behind the views; answering from them as they stand"
                );
            }
        }
        self.db(ctx)
    }

    /// The database to read.
    pub fn db<'a>(&'a self, ctx: &'a Context<'_>) -> &'a Db {
        match self {
            Self::Live => reads(ctx).db(),
            Self::Recorded(db) => db,
        }
    }
}
