//! Queries on organisations: one by ODS code, and those the caller may read.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

use super::object::Organisation;
use crate::api::common::context::{internal, principal, Views};
use crate::api::common::error::ApiResult;
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::{check_org, not_found};
use crate::api::common::pages::{page_cost, Page, Window};
use crate::projections::read;

/// Queries on organisations.
#[derive(Default)]
pub struct OrganisationQueries;

/// Each query here takes `recordedAsOf`: given a moment, it answers from the events recorded up
/// to then (what the record said at that moment), as distinct from `asOf`, the day things
/// happened by.
#[Object]
impl OrganisationQueries {
    /// One organisation by ODS code.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(crate) async fn organisation(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        ods_code: String,
    ) -> ApiResult<Organisation> {
        check_org(principal(ctx)?, &ods_code)?;
        let views = Views::at(ctx, recorded_as_of).await?;
        let found = read::organisation(views.db(ctx), &ods_code.trim().to_ascii_uppercase())
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(Organisation(
            found.ok_or_else(|| not_found("organisation"))?,
            views,
        ))
    }

    /// The organisations the caller may read, by ODS code.
    #[graphql(
        complexity = "replay_cost(&recorded_as_of) + page_cost(first, last, child_complexity)"
    )]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Organisation>> {
        let window = Window::new(first, after, last, before)?;
        let scope = principal(ctx)?.read_scope();
        let views = Views::at(ctx, recorded_as_of).await?;
        let docs = read::organisations(views.db(ctx), scope)
            .await
            .map_err(|e| internal(ctx, e))?;
        let items = docs
            .into_iter()
            .map(|d| {
                (
                    d.ods_code.as_str().to_owned(),
                    Organisation(d, views.clone()),
                )
            })
            .collect();
        Ok(window.page(items)?)
    }
}
