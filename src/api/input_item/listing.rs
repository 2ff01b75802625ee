//! Lists of input items whose cost does not grow with the organisation: pages filtered by
//! verdict, and the officer's lists of what needs them, read from the maintained marks, with
//! totals from the maintained tallies.

use async_graphql::{Context, Object, SimpleObject};
use chrono::NaiveDate;

use super::object::InputItem;
use crate::api::common::context::{internal, or_today, principal, Views};
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::check_org;
use crate::api::common::pages::{page_cost, Page, Window};
use crate::domain::verdict::InputVerdict;
use crate::projections::docs::InputItemDoc;
use crate::projections::read::{self, ItemFilter};
use crate::projections::tally::{self, ListAsked, Place, Scope, Standing, Tally};

/// What a list of input items says beside its page.
#[derive(SimpleObject)]
pub struct ItemTotal {
    /// How many items the whole list holds, every page together.
    total_count: u64,
}

/// A page of input items, with the list's total.
pub type ItemPage = Page<InputItem, ItemTotal>;

/// Whether the caller asked for the list's total (it costs a count).
fn total_wanted(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// The page `window` asks of the list `asked` (as of its day), read from the marks; `None`
/// while the marks are being made, when the caller reads the list item by item.
pub async fn from_marks(
    ctx: &Context<'_>,
    views: &Views,
    mut asked: ListAsked,
    window: &Window,
    kept: &Kept,
) -> ApiResult<Option<ItemPage>> {
    let Some((after, size)) = window.forwards::<i64>() else {
        return Ok(None);
    };
    let db = views.tallies(ctx).await;
    let fail = |e| internal(ctx, e);
    asked.after = after;
    asked.limit = size + 1;
    // The total and the page at once, on two connections: the answer waits on the database
    // once rather than twice in turn, and gives its lane's turn back sooner. The tally the
    // total is read from (when the place keeps one) also says whether the marks are made, so
    // the checkpoint need not be asked as well; a page read while they are being made is
    // dropped.
    let wanted = (total_wanted(ctx), page_wanted(ctx));
    let (total_count, listed) = tokio::join!(
        async {
            match wanted.0 {
                true => total(db, &asked, kept).await,
                false => Ok(Some(0)),
            }
        },
        async {
            match wanted.1 {
                true => tally::page(db, &asked).await,
                false => Ok(Vec::new()),
            }
        }
    );
    let (total_count, listed) = (total_count.map_err(fail)?, listed.map_err(fail)?);
    let (Some(total_count), true) = (total_count, kept.made(db).await.map_err(fail)?) else {
        return Ok(None);
    };
    if !wanted.1 {
        let none: Vec<(i64, InputItem)> = Vec::new();
        return Ok(Some(window.page_with(none, ItemTotal { total_count })?));
    }
    let mut docs = listed
        .iter()
        .map(|l| serde_json::from_str::<InputItemDoc>(&l.doc))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.into()))?;
    if themes_wanted(ctx) {
        read::name_themes_as_now(db, &mut docs)
            .await
            .map_err(fail)?;
    }
    // In the marks' order (log order); each item's verdict as its mark says.
    let items = listed
        .iter()
        .zip(docs)
        .map(|(l, doc)| {
            let item = InputItem::listed(doc, l, asked.as_of, views.clone());
            (l.log_position, item)
        })
        .collect();
    Ok(Some(window.page_with(items, ItemTotal { total_count })?))
}

/// Whether the caller asked for the items' themes, which are named as their owners name them
/// now (a read of the owners).
fn themes_wanted(ctx: &Context<'_>) -> bool {
    let asked = ctx.look_ahead();
    asked.field("edges").field("node").field("themes").exists()
        || asked.field("nodes").field("themes").exists()
}

/// Whether the caller asked for any of the page (its items or whether there are more), not
/// the total alone.
fn page_wanted(ctx: &Context<'_>) -> bool {
    let asked = ctx.look_ahead();
    ["edges", "nodes", "pageInfo"]
        .iter()
        .any(|field| asked.field(field).exists())
}

/// What the lists of one answer share, read once for them all: whether the marks are made,
/// and the tally of their place as of their day (the lists of what needs an officer are five
/// of one organisation on one day).
#[derive(Default)]
pub struct Kept {
    made: tokio::sync::OnceCell<bool>,
    tally: tokio::sync::OnceCell<Option<Tally>>,
}

impl Kept {
    /// Whether the marks are made: as the place's tally said, if it was read (there is none
    /// while they are being made), else as the tallies' checkpoint says.
    async fn made(&self, db: &crate::store::Db) -> anyhow::Result<bool> {
        if let Some(tally) = self.tally.get() {
            return Ok(tally.is_some());
        }
        let made = self
            .made
            .get_or_try_init(|| async {
                Ok::<_, anyhow::Error>(tally::checkpoint(db).await?.is_some())
            })
            .await?;
        Ok(*made)
    }
}

/// The number of items in the list `asked`: from the tally of its place where there is one
/// (an organisation's, or an activity's), else counted from the marks; `None` when the
/// tallies are being made.
async fn total(
    db: &crate::store::Db,
    asked: &ListAsked,
    kept: &Kept,
) -> anyhow::Result<Option<u64>> {
    let scope = match &asked.place {
        Place::Organisation {
            code,
            activity: None,
        } => Some(Scope::Organisation(code.clone())),
        Place::Activity(id) => Some(Scope::Activity(*id)),
        Place::Organisation { .. } => None,
    };
    let Some(scope) = scope else {
        return Ok(Some(tally::count(db, asked).await?));
    };
    let tally = kept
        .tally
        .get_or_try_init(
            || async move { tally::list_tally_as_of(db, &scope.key(), asked.as_of).await },
        )
        .await?;
    Ok(tally
        .as_ref()
        .map(|t| asked.standing.counted_in(t, asked.as_of)))
}

/// A page of items counted item by item (the lists the marks do not hold), with its total.
pub fn counted_page(
    ctx: &Context<'_>,
    window: &Window,
    items: Vec<(i64, InputItem)>,
) -> ApiResult<ItemPage> {
    let total_count = if total_wanted(ctx) {
        items.len() as u64
    } else {
        0
    };
    Ok(window.page_with(items, ItemTotal { total_count })?)
}

/// The marks' list for a filter, where they hold it: by organisation (perhaps of one
/// activity), or by an activity whose lead the caller may read; with no theme or earliest day
/// raised, and no latest day raised before the day asked.
pub async fn list_for(
    ctx: &Context<'_>,
    views: &Views,
    filter: &ItemFilter,
    verdict: InputVerdict,
    as_of: NaiveDate,
) -> ApiResult<Option<ListAsked>> {
    if filter.applies_after_reading()
        || filter.raised_from.is_some()
        || filter.raised_to.is_some_and(|to| to < as_of)
    {
        return Ok(None);
    }
    let place = match (&filter.organisation, filter.activity) {
        (Some(code), activity) => Place::Organisation {
            code: code.clone(),
            activity,
        },
        (None, Some(activity)) => {
            let found = read::activity(views.db(ctx), activity)
                .await
                .map_err(|e| internal(ctx, e))?;
            match found {
                Some((doc, _)) if principal(ctx)?.can_read(doc.lead_organisation.as_str()) => {
                    Place::Activity(activity)
                }
                _ => return Ok(None),
            }
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(ListAsked {
        place,
        standing: Standing::Verdict(verdict),
        as_of,
        after: None,
        limit: 0,
    }))
}

/// What needs an engagement officer: input overdue, input whose window closes soon, input
/// stalled, actions falling due, and loops still open; each a list with its total.
pub struct Attention {
    organisation: String,
    as_of: NaiveDate,
    within_days: u32,
    views: Views,
    kept: Kept,
}

/// Most days ahead the lists of what falls due look.
const MAX_WITHIN_DAYS: u32 = 366;

impl Attention {
    pub fn new(
        ctx: &Context<'_>,
        views: Views,
        organisation: &str,
        as_of: Option<Date>,
        within_days: u32,
    ) -> ApiResult<Self> {
        check_org(principal(ctx)?, organisation)?;
        if within_days > MAX_WITHIN_DAYS {
            return Err(ApiError::Validation(format!(
                "withinDays: must be between 0 and {MAX_WITHIN_DAYS}"
            ))
            .into());
        }
        Ok(Self {
            organisation: organisation.trim().to_ascii_uppercase(),
            as_of: or_today(as_of),
            within_days,
            views,
            kept: Kept::default(),
        })
    }

    async fn list(
        &self,
        ctx: &Context<'_>,
        standing: Standing,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ItemPage> {
        let window = Window::new(first, after, None, None)?;
        let asked = ListAsked {
            place: Place::Organisation {
                code: self.organisation.clone(),
                activity: None,
            },
            standing,
            as_of: self.as_of,
            after: None,
            limit: 0,
        };
        match from_marks(ctx, &self.views, asked, &window, &self.kept).await? {
            Some(page) => Ok(page),
            None => Err(ApiError::Lagging(
                "the figures are being made afresh after a rebuild; ask again in a minute".into(),
            )
            .into()),
        }
    }
}

/// Each list is oldest first (in the order the items were recorded).
#[Object]
impl Attention {
    /// The day the lists are as of.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    /// Input with no answer whose response window has passed.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn overdue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ItemPage> {
        let standing = Standing::Verdict(InputVerdict::Overdue);
        self.list(ctx, standing, first, after).await
    }
    /// Input waiting for an answer (its owner's, or a partner's it was referred to) due within
    /// `withinDays`.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn window_closing(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ItemPage> {
        let standing = Standing::WindowClosing(self.within_days);
        self.list(ctx, standing, first, after).await
    }
    /// Input accepted whose actions are past due or abandoned.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn stalled(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ItemPage> {
        let standing = Standing::Verdict(InputVerdict::Stalled);
        self.list(ctx, standing, first, after).await
    }
    /// Input planned whose earliest open action is due within `withinDays`.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn action_due(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ItemPage> {
        let standing = Standing::ActionDue(self.within_days);
        self.list(ctx, standing, first, after).await
    }
    /// Input answered (declined, already in place, planned, stalled or acted on) whose
    /// participants have not been told since.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn loop_not_closed(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ItemPage> {
        self.list(ctx, Standing::LoopOpen, first, after).await
    }
}
