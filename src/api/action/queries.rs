//! Queries on actions: one by id, and those owned by the caller's organisations.

use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::object::Action;
use crate::api::common::context::{internal, principal, reads, Views};
use crate::api::common::error::ApiResult;
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::{not_found, parse_id};
use crate::api::common::pages::{page_cost, Page, Window};
use crate::projections::read;

/// Queries on actions.
#[derive(Default)]
pub struct ActionQueries;

/// Each query here takes `recordedAsOf`: the moment whose record it answers from (see
/// [`Views::at`]), as distinct from `asOf`, the day things happened by.
#[Object]
impl ActionQueries {
    /// One action by id.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(crate) async fn action(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        id: ID,
    ) -> ApiResult<Action> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = reads(ctx).db();
        let visible_now = async {
            let found = read::action(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|doc| who.can_read(doc.owner_organisation.as_str())))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "action").await?;
        let found = read::action(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(doc) = found.filter(|doc| who.can_read(doc.owner_organisation.as_str())) else {
            return Err(not_found("action").into());
        };
        Ok(Action(doc, views))
    }

    /// Actions owned by the caller's organisations, oldest first.
    #[graphql(
        complexity = "replay_cost(&recorded_as_of) + page_cost(first, last, child_complexity)"
    )]
    async fn actions(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Action>> {
        let window = Window::new(first, after, last, before)?;
        let scope = principal(ctx)?.read_scope();
        let views = Views::at(ctx, recorded_as_of).await?;
        let docs = read::actions(views.db(ctx), scope)
            .await
            .map_err(|e| internal(ctx, e))?;
        let items = docs
            .into_iter()
            .map(|(d, p)| (p, Action(d, views.clone())))
            .collect();
        Ok(window.page(items)?)
    }
}
