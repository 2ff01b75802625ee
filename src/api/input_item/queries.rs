//! Queries on input items: one by id, and those the caller may see, filtered, each with its
//! verdict as of a date.

use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};

use super::listing::{self, Attention, ItemPage};
use super::object::InputItem;
use crate::api::common::access::can_read_item;
use crate::api::common::context::{internal, or_today, principal, reads, Views};
use crate::api::common::enums::{Date, InputVerdict};
use crate::api::common::error::ApiResult;
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::{check_org, not_found, parse_id};
use crate::api::common::pages::{page_cost, Window};
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
    /// Only items whose summary holds every one of these words (separated by spaces), in any
    /// case.
    words: Option<String>,
}

/// Queries on input items.
#[derive(Default)]
pub struct InputItemQueries;

/// Each query here takes `recordedAsOf`: the moment whose record it answers from (see
/// [`Views::at`]), as distinct from `asOf`, the day things happened by.
#[Object]
impl InputItemQueries {
    /// One input item by id, with its verdict as of a date (default today).
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(crate) async fn input_item(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        id: ID,
        as_of: Option<Date>,
    ) -> ApiResult<InputItem> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = reads(ctx).db();
        let visible_now = async {
            let found = read::input_item(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|view| can_read_item(who, &view.doc)))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "input item").await?;
        let found = read::input_item(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(view) = found.filter(|view| can_read_item(who, &view.doc)) else {
            return Err(not_found("input item").into());
        };
        Ok(InputItem::new(view, or_today(as_of), views))
    }

    /// What needs an organisation's engagement officers as of a day (default today): input
    /// overdue, input whose window closes within `withinDays` (default 14), input stalled,
    /// actions due within `withinDays`, and loops not closed; each a list with its total.
    /// With `recordedAsOf`, as the record stood at that moment.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity")]
    async fn needs_attention(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        as_of: Option<Date>,
        #[graphql(default = 14)] within_days: u32,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<Attention> {
        let views = Views::at(ctx, recorded_as_of).await?;
        Attention::new(ctx, views, &organisation, as_of, within_days)
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
    ) -> ApiResult<ItemPage> {
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
            words: filter
                .words
                .as_deref()
                .map(read::search_words)
                .unwrap_or_default(),
            ..ItemFilter::default()
        };
        let wanted = filter
            .verdict
            .map(crate::domain::verdict::InputVerdict::from);
        if let Some(verdict) = wanted {
            // A verdict's list as of the day, from the marks, when they hold it.
            if let Some(asked) = listing::list_for(ctx, &views, &sql_filter, verdict, as_of).await?
            {
                if let Some(page) =
                    listing::from_marks(ctx, &views, asked, &window, &Default::default()).await?
                {
                    return Ok(page);
                }
            }
        }
        if let Some((after, size)) = window.forwards::<i64>() {
            if wanted.is_none() && !sql_filter.applies_after_reading() {
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
        listing::counted_page(ctx, &window, items)
    }
}
