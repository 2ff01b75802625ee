//! Queries on organisations: one by ODS code, and those the caller may read.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

use super::object::Organisation;
use crate::api::common::context::{internal, principal, Views};
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::{check_org, not_found};
use crate::api::common::pages::{page_cost, Page, Window};
use crate::api::input_item::rollup::VerdictRollup;
use crate::projections::read;
use crate::projections::tally::Scope;
use crate::reports::organisations_covered;

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

    /// Verdicts over all input of an integrated care system (`ics`, the ICB's ODS code): the
    /// ICB's own and its member organisations', as of a date (default today). The caller must
    /// be able to read every organisation of the system.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    async fn ics_rollup(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        ics: String,
        as_of: Option<Date>,
    ) -> ApiResult<VerdictRollup> {
        let who = principal(ctx)?;
        let views = Views::at(ctx, recorded_as_of).await?;
        let ics = ics.trim().to_ascii_uppercase();
        let codes = organisations_covered(views.db(ctx), None, Some(&ics))
            .await
            .map_err(|e| internal(ctx, e))?;
        if codes.is_empty() || !codes.iter().all(|c| who.can_read(c)) {
            return Err(not_found("integrated care system").into());
        }
        VerdictRollup::of_scope(ctx, &views, &Scope::Ics(ics), as_of).await
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
