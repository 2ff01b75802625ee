//! Queries on activities: one by id, and those led or partnered by the caller's organisations.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::enums::{ActivityKind, ActivityStatus};
use super::record::Activity;
use crate::api::common::access::can_read_activity;
use crate::api::common::context::{internal, principal, reads, Views};
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::{check_org, not_found, parse_id};
use crate::api::common::pages::{page_cost, Page, Window};
use crate::domain::common;
use crate::projections::read;
use crate::projections::views::activity::ActivityDoc;

/// Which activities a list holds.
#[derive(InputObject, Default)]
pub struct ActivityFilter {
    /// Only activities in one of these states.
    status: Option<Vec<ActivityStatus>>,
    kind: Option<ActivityKind>,
    /// Only activities whose day (held on, or else planned for) is on or after this date.
    from: Option<Date>,
    /// Only activities whose day (held on, or else planned for) is on or before this date.
    to: Option<Date>,
    /// Only activities whose title or topic holds every one of these words (separated by
    /// spaces), in any case.
    words: Option<String>,
    /// Only activities held (or reported on) with no input item recorded yet: the input
    /// people gave is still to be written down.
    awaiting_input: Option<bool>,
}

impl ActivityFilter {
    /// Whether `doc` passes everything but `awaitingInput`.
    fn admits(&self, doc: &ActivityDoc, words: &[String]) -> bool {
        let day = doc.held.as_ref().map_or(doc.planned_on, |h| h.held_on);
        self.status
            .as_ref()
            .is_none_or(|s| s.contains(&ActivityStatus::of(doc)))
            && self
                .kind
                .is_none_or(|k| common::ActivityKind::from(k) == doc.kind)
            && self.from.is_none_or(|from| day >= from.0)
            && self.to.is_none_or(|to| day <= to.0)
            && read::has_words(&format!("{} {}", doc.title, doc.topic), words)
            && (self.awaiting_input != Some(true)
                || matches!(
                    ActivityStatus::of(doc),
                    ActivityStatus::Held | ActivityStatus::ReportPublished
                ))
    }
}

/// What a list of activities says beside its page.
#[derive(SimpleObject)]
pub struct ActivityTotal {
    /// How many activities the whole list holds, every page together.
    total_count: usize,
}

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
        let live = reads(ctx).db();
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

    /// Activities led or partnered by the caller's organisations (or by one of them), oldest
    /// first, as `filter` narrows them.
    #[graphql(
        complexity = "replay_cost(&recorded_as_of) + page_cost(first, last, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // a GraphQL field's arguments: its own and its page's
    async fn activities(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        organisation: Option<String>,
        filter: Option<ActivityFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Activity, ActivityTotal>> {
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
        let filter = filter.unwrap_or_default();
        let words = read::search_words(filter.words.as_deref().unwrap_or_default());
        docs.retain(|(doc, _)| filter.admits(doc, &words));
        if filter.awaiting_input == Some(true) {
            let ids: Vec<String> = docs.iter().map(|(d, _)| d.id.to_string()).collect();
            let recorded = read::with_input_recorded(views.db(ctx), &ids)
                .await
                .map_err(|e| internal(ctx, e))?;
            docs.retain(|(doc, _)| !recorded.contains(&doc.id.to_string()));
        }
        let total_count = docs.len();
        let items = docs
            .into_iter()
            .map(|(d, p)| (p, Activity(d, views.clone())))
            .collect();
        Ok(window.page_with(items, ActivityTotal { total_count })?)
    }
}
