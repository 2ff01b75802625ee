//! Lists of input items by where they stand as of a day (a verdict, a window closing, an
//! action due, a loop open), paged in log order, read from the items' marks: the day's month's
//! rows and the lasting ones, one ordered index range for each verdict the list takes, merged.
//! A page costs in proportion to the page, not to the organisation.

use chrono::{Days, NaiveDate};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::counts::{Tally, ANSWERED_VERDICTS};
use super::days::{day_number, day_of, month_of};
use super::marks::{verdict_name, verdict_named, EVERY_MONTH};
use crate::domain::verdict::InputVerdict;
use crate::store::Db;

/// Whose items a list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Those an organisation owns, perhaps of one of its activities only.
    Organisation {
        code: String,
        activity: Option<Uuid>,
    },
    /// Those of one activity.
    Activity(Uuid),
}

/// Which items, by where they stand on the day asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Verdict(InputVerdict),
    /// Waiting for an answer (unanswered, or referred to a partner) due within this many days.
    WindowClosing(u32),
    /// Planned, with an open action due within this many days.
    ActionDue(u32),
    /// Answered, and the people who gave it not told since.
    LoopOpen,
}

impl Standing {
    /// How many items the list of those standing so holds on `as_of`, from `tally`, their
    /// place's tally as of that day.
    pub fn counted_in(self, tally: &Tally, as_of: NaiveDate) -> u64 {
        let within = |days: u32| {
            let last = as_of + Days::new(u64::from(days));
            (day_number(as_of), day_number(last))
        };
        match self {
            Self::Verdict(verdict) => tally.count(verdict),
            Self::LoopOpen => tally.loop_open(),
            Self::WindowClosing(days) => {
                let (from, to) = within(days);
                tally.waiting_due(from, to)
            }
            Self::ActionDue(days) => {
                let (from, to) = within(days);
                tally.actions_due(from, to)
            }
        }
    }

    fn verdicts(self) -> Vec<InputVerdict> {
        match self {
            Self::Verdict(v) => vec![v],
            Self::WindowClosing(_) => vec![InputVerdict::Unanswered, InputVerdict::Referred],
            Self::ActionDue(_) => vec![InputVerdict::Planned],
            Self::LoopOpen => ANSWERED_VERDICTS.to_vec(),
        }
    }
}

/// A page of a list: the items after `after` (a log position), at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListAsked {
    pub place: Place,
    pub standing: Standing,
    pub as_of: NaiveDate,
    pub after: Option<i64>,
    pub limit: usize,
}

/// `WHERE` conditions of one verdict's rows of one month (or the lasting ones) on `as_of`.
fn push_conditions<'a, DB: sqlx::Database>(
    q: &mut QueryBuilder<'a, DB>,
    asked: &ListAsked,
    verdict: InputVerdict,
    month: i64,
) where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i32: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match &asked.place {
        Place::Organisation { code, activity } => {
            q.push(" WHERE organisation = ").push_bind(code.clone());
            if let Some(activity) = activity {
                q.push(" AND activity_id = ")
                    .push_bind(activity.to_string());
            }
        }
        Place::Activity(activity) => {
            q.push(" WHERE activity_id = ")
                .push_bind(activity.to_string());
        }
    }
    let day = day_number(asked.as_of);
    q.push(" AND verdict = ")
        .push_bind(verdict_name(verdict))
        .push(" AND month = ")
        .push_bind(month)
        .push(" AND from_day <= ")
        .push_bind(day)
        .push(" AND to_day > ")
        .push_bind(day);
    let within = |days: u32| day_number(asked.as_of + Days::new(u64::from(days)));
    match asked.standing {
        Standing::Verdict(_) => {}
        Standing::WindowClosing(days) => {
            q.push(" AND respond_by >= ")
                .push_bind(day)
                .push(" AND respond_by <= ")
                .push_bind(within(days));
        }
        Standing::ActionDue(days) => {
            q.push(" AND due_by >= ")
                .push_bind(day)
                .push(" AND due_by <= ")
                .push_bind(within(days));
        }
        Standing::LoopOpen => {
            q.push(" AND loop_closed = ").push_bind(false);
        }
    }
    if let Some(after) = asked.after {
        q.push(" AND log_position > ").push_bind(after);
    }
}

/// One part for each verdict the list takes and each month its day reads (the day's month's
/// rows, and the lasting ones), joined by `UNION ALL`: each `head`, its conditions, and what
/// `tail` adds.
fn push_parts<'a, DB: sqlx::Database>(
    q: &mut QueryBuilder<'a, DB>,
    asked: &ListAsked,
    head: &str,
    tail: impl Fn(&mut QueryBuilder<'a, DB>),
) where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i32: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let months = [month_of(asked.as_of), EVERY_MONTH];
    let mut first = true;
    for verdict in asked.standing.verdicts() {
        for month in months {
            if !first {
                q.push(" UNION ALL ");
            }
            first = false;
            q.push(head);
            push_conditions(q, asked, verdict, month);
            tail(q);
        }
    }
}

/// An item on a page of a list, with where it stands on the day asked (what its mark says),
/// so the page need not judge it again, and its document as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub log_position: i64,
    pub verdict: InputVerdict,
    pub loop_closed: bool,
    /// The last day the answer is in time.
    pub respond_by: NaiveDate,
    /// The item's document (its view's JSON), read in the same statement as its mark.
    pub doc: String,
}

/// The page asked for, in log order, each item with its document: one statement, the page's
/// marks joined with their items' documents (items not in the views are left out).
pub async fn page(db: &Db, asked: &ListAsked) -> anyhow::Result<Vec<Listed>> {
    let limit = asked.limit as i64;
    type Row = (String, i64, String, bool, i32, String);
    let rows: Vec<Row> = on_db!(db, pool => {
        let mut q = QueryBuilder::new(
            "SELECT listed.id, listed.log_position, listed.verdict, listed.loop_closed, \
             listed.respond_by, item.doc FROM (SELECT * FROM (");
        push_parts(
            &mut q,
            asked,
            "SELECT * FROM (SELECT id, log_position, verdict, loop_closed, respond_by \
             FROM view_item_marks",
            |q| {
                q.push(" ORDER BY log_position LIMIT ").push_bind(limit).push(") AS part");
            },
        );
        q.push(") AS parts ORDER BY log_position LIMIT ").push_bind(limit);
        q.push(") AS listed JOIN view_input_items AS item ON item.id = listed.id \
                ORDER BY listed.log_position");
        q.build().fetch_all(pool).await?.into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))).collect()
    });
    rows.into_iter()
        .map(
            |(id, log_position, verdict, loop_closed, respond_by, doc)| {
                Ok(Listed {
                    id,
                    log_position,
                    verdict: verdict_named(&verdict)?,
                    loop_closed,
                    respond_by: day_of(respond_by)?,
                    doc,
                })
            },
        )
        .collect()
}

/// How many items the list holds on the day asked (`after` and `limit` aside): one statement
/// counting each verdict's rows of the day's month and the lasting ones.
pub async fn count(db: &Db, asked: &ListAsked) -> anyhow::Result<u64> {
    let asked = ListAsked {
        after: None,
        ..asked.clone()
    };
    let total: i64 = on_db!(db, pool => {
        let mut q = QueryBuilder::new("SELECT CAST(SUM(n) AS BIGINT) FROM (");
        push_parts(&mut q, &asked, "SELECT COUNT(*) AS n FROM view_item_marks", |_| {});
        q.push(") AS counted");
        q.build().fetch_one(pool).await?.get(0)
    });
    Ok(u64::try_from(total).unwrap_or(0))
}
