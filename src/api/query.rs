//! Queries: organisations, activities, input items with verdicts, actions, roll-ups.

use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::context::{internal, ledger, or_today, principal, Views};
use super::enums::{Date, InputVerdict};
use super::error::{ApiError, ApiResult};
use super::heavy::replay_cost;
use super::objects::{Action, Activity, InputItem, Organisation};
use super::pages::{page_cost, Page, Window};
use crate::auth::Principal;
use crate::projections::read::{self, ItemFilter};

/// Filters on input items; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct InputItemFilter {
    /// Only items owned by this organisation (ODS code).
    organisation: Option<String>,
    activity_id: Option<ID>,
    verdict: Option<InputVerdict>,
    /// Only items carrying this theme (case-insensitive).
    theme: Option<String>,
    /// Only items raised on or after this date.
    raised_from: Option<Date>,
    /// Only items raised on or before this date.
    raised_to: Option<Date>,
}

/// Parses a GraphQL ID as a record id, naming the argument when it is not one.
pub fn parse_id(field: &str, id: &ID) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id.as_str())
        .map_err(|_| ApiError::Validation(format!("{field}: is not a valid id")))
}

pub(crate) fn not_found(what: &str) -> ApiError {
    ApiError::NotFound(format!("{what} not found"))
}

fn check_org(who: &Principal, code: &str) -> Result<(), ApiError> {
    if who.can_read(&code.trim().to_ascii_uppercase()) {
        Ok(())
    } else {
        Err(not_found("organisation"))
    }
}

/// The root of all queries.
#[derive(async_graphql::MergedObject, Default)]
pub struct QueryRoot(
    CoreQueries,
    super::participants::ParticipantQueries,
    super::boards::BoardQueries,
    super::scorecard::ScorecardQueries,
    super::baseline::BaselineQueries,
    super::scorecard::ReachQueries,
    super::report::ReportQueries,
    super::audit::AuditQueries,
    super::audit::TraceQueries,
    super::audit::ExportQueries,
    super::operations::OperationsQueries,
    super::node::NodeQueries,
);

/// Queries on organisations, activities, input items and actions.
#[derive(Default)]
pub struct CoreQueries;

#[Object]
/// Every query here takes `recordedAsOf`: given a moment, it answers from the events recorded
/// up to then (what the record said at that moment), as distinct from `asOf`, the day things
/// happened by.
impl CoreQueries {
    /// One organisation by ODS code.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(super) async fn organisation(
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

    /// One activity by id.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(super) async fn activity(
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
                .is_some_and(|(doc, _)| who.can_read_activity(doc)))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "activity").await?;
        let found = read::activity(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some((doc, _)) = found.filter(|(doc, _)| who.can_read_activity(doc)) else {
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

    /// One input item by id, with its verdict as of a date (default today).
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(super) async fn input_item(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        id: ID,
        as_of: Option<Date>,
    ) -> ApiResult<InputItem> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = ledger(ctx).db();
        let visible_now = async {
            let found = read::input_item(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|view| who.can_read_item(&view.doc)))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "input item").await?;
        let found = read::input_item(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(view) = found.filter(|view| who.can_read_item(&view.doc)) else {
            return Err(not_found("input item").into());
        };
        Ok(InputItem::new(view, or_today(as_of), views))
    }

    /// Input items the caller may see (owned by or referred to its organisations), oldest
    /// first, with verdicts as of a date (default today). Items raised after that date are left out.
    #[graphql(
        complexity = "replay_cost(&recorded_as_of) + page_cost(first, last, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // a GraphQL field's arguments: its own and its page's
    async fn input_items(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        filter: Option<InputItemFilter>,
        as_of: Option<Date>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<InputItem>> {
        let window = Window::new(first, after, last, before)?;
        let who = principal(ctx)?;
        let filter = filter.unwrap_or_default();
        if let Some(code) = &filter.organisation {
            check_org(who, code)?;
        }
        let views = Views::at(ctx, recorded_as_of).await?;
        let as_of = or_today(as_of);
        let mut sql_filter = ItemFilter {
            organisation: filter.organisation.map(|c| c.trim().to_ascii_uppercase()),
            activity: filter
                .activity_id
                .as_ref()
                .map(|id| parse_id("filter.activityId", id))
                .transpose()?,
            raised_from: filter.raised_from.map(|d| d.0),
            raised_to: Some(filter.raised_to.map_or(as_of, |d| d.0.min(as_of))),
            theme: filter.theme,
            ..ItemFilter::default()
        };
        let wanted = filter
            .verdict
            .map(crate::domain::verdict::InputVerdict::from);
        if let Some((after, size)) = window.forwards::<i64>() {
            if wanted.is_none() && sql_filter.theme.is_none() {
                // Every filter is SQL's: read only the page (and one more), not the whole list.
                sql_filter.after_position = after;
                sql_filter.limit = Some(size + 1);
            }
        }
        let found = views
            .input_items(ctx, who.read_scope(), &sql_filter)
            .await?;
        let items = found
            .into_iter()
            .map(|v| InputItem::new(v, as_of, views.clone()))
            .filter(|i| wanted.is_none_or(|w| i.verdict_value() == Some(w)))
            .map(|i| (i.log_position(), i))
            .collect();
        Ok(window.page(items)?)
    }

    /// One action by id.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(super) async fn action(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        id: ID,
    ) -> ApiResult<Action> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = ledger(ctx).db();
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
