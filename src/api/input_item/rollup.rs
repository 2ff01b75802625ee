//! Verdicts rolled up over a set of input items (an organisation's, an activity's), as of a
//! date.

use async_graphql::{ComplexObject, Context, SimpleObject};
use chrono::NaiveDate;

use crate::api::common::context::{internal, or_today, principal, Views};
use crate::api::common::enums::{Date, InputVerdict};
use crate::api::common::error::ApiResult;
use crate::domain::verdict;
use crate::projections::read::ItemFilter;
use crate::projections::rollup::{percent, Rollup};
use crate::projections::tally::{self, Scope};

/// How many items have one verdict.
#[derive(SimpleObject)]
pub struct VerdictCount {
    verdict: InputVerdict,
    count: u64,
}

/// Verdicts rolled up over a set of input items, as of a date.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct VerdictRollup {
    as_of: Date,
    total: u64,
    answered_within_window: u64,
    acted_on: u64,
    loop_closed: u64,
    genuinely_acted_on: u64,
    median_days_to_decision: Option<f64>,
    median_days_to_outcome: Option<f64>,
    median_days_to_feedback: Option<f64>,
    #[graphql(skip)]
    rollup: Rollup,
}

#[ComplexObject]
impl VerdictRollup {
    /// A count for every verdict, zeros included.
    async fn counts(&self) -> Vec<VerdictCount> {
        verdict::InputVerdict::ALL
            .iter()
            .map(|v| VerdictCount {
                verdict: (*v).into(),
                count: self.rollup.count(*v),
            })
            .collect()
    }
    async fn percent_answered_within_window(&self) -> Option<f64> {
        percent(self.answered_within_window, self.total)
    }
    async fn percent_acted_on(&self) -> Option<f64> {
        percent(self.acted_on, self.total)
    }
    async fn percent_loop_closed(&self) -> Option<f64> {
        percent(self.loop_closed, self.total)
    }
}

impl VerdictRollup {
    /// Rolls up the items matching `filter` that the caller may see, raised by `as_of`.
    pub async fn over(
        ctx: &Context<'_>,
        views: &Views,
        filter: &ItemFilter,
        as_of: Option<Date>,
    ) -> ApiResult<Self> {
        let as_of = or_today(as_of);
        let filter = ItemFilter {
            raised_to: Some(filter.raised_to.map_or(as_of, |t| t.min(as_of))),
            ..filter.clone()
        };
        let items = views
            .input_items(ctx, principal(ctx)?.read_scope(), &filter)
            .await?;
        let assessed: Vec<_> = items
            .iter()
            .map(|v| (v.doc.raised_on, v.assess(as_of)))
            .collect();
        Ok(Self::from_rollup(
            Rollup::of(assessed.iter().map(|(d, a)| (*d, a))),
            as_of,
        ))
    }

    /// The roll-up of a whole scope (every item of an organisation, activity, system, theme
    /// or board, raised by `as_of`), read from the maintained tallies: its cost does not grow
    /// with the scope. The caller has checked that every item of the scope may be counted.
    pub async fn of_scope(
        ctx: &Context<'_>,
        views: &Views,
        scope: &Scope,
        as_of: Option<Date>,
    ) -> ApiResult<Self> {
        let as_of = or_today(as_of);
        let rollup = tally::rollup(views.tallies(ctx).await, scope, as_of)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(Self::from_rollup(rollup, as_of))
    }

    fn from_rollup(rollup: Rollup, as_of: NaiveDate) -> Self {
        Self {
            as_of: Date(as_of),
            total: rollup.total,
            answered_within_window: rollup.answered_within_window,
            acted_on: rollup.acted_on,
            loop_closed: rollup.loop_closed,
            genuinely_acted_on: rollup.genuinely_acted_on,
            median_days_to_decision: rollup.median_days_to_decision,
            median_days_to_outcome: rollup.median_days_to_outcome,
            median_days_to_feedback: rollup.median_days_to_feedback,
            rollup,
        }
    }
}
