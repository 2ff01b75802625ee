//! Reach against the population baseline (principle 4): who took part in an organisation's
//! activities against the population it serves.

use async_graphql::{ComplexObject, Context, Object, SimpleObject, ID};

use super::scorecard::{group_reach, GroupReach};
use crate::api::audit::export::{Download, RecordsFormat};
use crate::api::common::context::{internal, principal, reads};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::period::{check_margin, parse_period, PeriodInput};
use crate::reports::lists::{self, Listed, ReachError};

/// Who took part against the population served (principle 4).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Reach {
    /// The activities counted (held in the period).
    activity_ids: Vec<ID>,
    margin_points: f64,
    groups: Vec<GroupReach>,
    #[graphql(skip)]
    listed: Listed,
}

#[ComplexObject]
impl Reach {
    /// The groups as a file to take away: each group's share of those who took part against
    /// its share of the population, and whether it is under-represented.
    async fn file(&self, ctx: &Context<'_>, format: RecordsFormat) -> ApiResult<Download> {
        Download::listed(ctx, &self.listed, format)
    }
}

/// Queries for reach against the population baseline.
#[derive(Default)]
pub struct ReachQueries;

#[Object]
impl ReachQueries {
    /// Participants' demographic mix against the organisation's population baseline, for the
    /// activities it led that were held in the period (or for one activity), naming groups
    /// under-represented by more than `marginPoints` percentage points (default 5).
    async fn reach(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        period: Option<PeriodInput>,
        activity_id: Option<ID>,
        #[graphql(default = 5.0)] margin_points: f64,
    ) -> ApiResult<Reach> {
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(ApiError::NotFound("organisation not found".into()).into());
        }
        check_margin(margin_points)?;
        let period = period.map(parse_period).transpose()?;
        let activity = activity_id
            .as_ref()
            .map(|id| parse_id("activityId", id))
            .transpose()?;
        let result = lists::reach_of(
            reads(ctx).db(),
            &code,
            period.as_ref(),
            activity,
            margin_points,
        )
        .await
        .map_err(|e| match e {
            ReachError::NoBaseline => ApiError::NotFound(e.to_string()),
            ReachError::Failed(e) => internal(ctx, e),
        })?;
        Ok(Reach {
            listed: lists::reach(&code, &result),
            activity_ids: result.activities.iter().map(|id| (*id).into()).collect(),
            margin_points,
            groups: result.groups.into_iter().map(group_reach).collect(),
        })
    }
}
