//! Queries on activities: one by id, and those led or partnered by the caller's organisations.

use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::record::Activity;
use crate::api::common::access::can_read_activity;
use crate::api::common::context::{internal, ledger, principal, Views};
use crate::api::common::error::ApiResult;
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::{check_org, not_found, parse_id};
use crate::api::common::pages::{page_cost, Page, Window};
use crate::projections::read;

/// Queries on activities.
#[derive(Default)]
pub struct ActivityQueries;

/// Each query here takes `recordedAsOf`: the moment whose record it answers from (see
/// [`Views::at`]), as distinct from `asOf`, the day things happened by.
#[Object]
impl ActivityQueries {
    /// One activity by id.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(crate) async fn activity(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        id: ID,
    ) -> ApiResult<Activity> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = ledger(ctx).db();
        let visible_now = async {
            let found = read::activity(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|(doc, _)| can_read_activity(who, doc)))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "activity").await?;
        let found = read::activity(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some((doc, _)) = found.filter(|(doc, _)| can_read_activity(who, doc)) else {
            return Err(not_found("activity").into());
        };
        Ok(Activity(doc, views))
    }

    /// Activities led or partnered by the caller's organisations (or by one of them), oldest first.
    #[graphql(
        complexity = "replay_cost(&recorded_as_of) + page_cost(first, last, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // a GraphQL field's arguments: its own and its page's
    async fn activities(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        organisation: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Activity>> {
        let window = Window::new(first, after, last, before)?;
        let who = principal(ctx)?;
        let organisation = organisation.map(|code| code.trim().to_ascii_uppercase());
        if let Some(code) = &organisation {
            check_org(who, code)?;
        }
        let views = Views::at(ctx, recorded_as_of).await?;
        let mut docs = read::activities(views.db(ctx), who.read_scope())
            .await
            .map_err(|e| internal(ctx, e))?;
        if let Some(code) = organisation {
            docs.retain(|(a, _)| {
                a.lead_organisation.as_str() == code
                    || a.partner_organisations.iter().any(|p| p.as_str() == code)
            });
        }
        let items = docs
            .into_iter()
            .map(|(d, p)| (p, Activity(d, views.clone())))
            .collect();
        Ok(window.page(items)?)
    }
}
