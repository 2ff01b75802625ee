//! Reach against the population baseline (principle 4): who took part in an organisation's
//! activities against the population it serves.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::scorecard::{group_reach, GroupReach};
use crate::api::common::context::{correlation_id, internal, ledger, principal};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::period::{check_margin, parse_period, PeriodInput};
use crate::projections::read;

/// Who took part against the population served (principle 4).
#[derive(SimpleObject)]
pub struct Reach {
    /// The activities counted (held in the period).
    activity_ids: Vec<ID>,
    margin_points: f64,
    groups: Vec<GroupReach>,
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
        let ledger = ledger(ctx);
        let baseline = ledger
            .load_baseline(&code)
            .await
            .map_err(|e| ApiError::from_ledger(correlation_id(ctx), e))?;
        let Some(shares) = baseline.shares() else {
            return Err(ApiError::NotFound(
                "organisation: no population baseline has been uploaded".into(),
            )
            .into());
        };
        let scope = [code.clone()];
        let docs: Vec<_> = read::activities(ledger.db(), Some(&scope))
            .await
            .map_err(|e| internal(ctx, e))?
            .into_iter()
            .map(|(a, _)| a)
            .filter(|a| {
                a.lead_organisation.as_str() == code && activity.is_none_or(|id| a.id == id)
            })
            .collect();
        let refs: Vec<_> = docs.iter().collect();
        let result =
            crate::projections::reach::reach(&refs, period.as_ref(), shares, margin_points);
        Ok(Reach {
            activity_ids: result.activities.iter().map(|id| (*id).into()).collect(),
            margin_points,
            groups: result.groups.into_iter().map(group_reach).collect(),
        })
    }
}
