//! Maintained tallies: roll-ups whose cost does not grow with the number of input items.
//!
//! An item's verdict is a step function of happened time: it changes only on days its dates
//! name (see [`crate::domain::verdict::ItemDates::change_days`]). So each item's part in the
//! figures is kept as its tally from each such day on, and each scope it counts in (its
//! organisation, activity, integrated care system, themes, and the boards that cited it) keeps
//! the changes those steps make, summed by year, month and day. The answer as of a day is the
//! sum of the changes up to it: the years before, the months of its year before its month,
//! the days of its month up to it. A correction changes an item's steps; the item's old part
//! is taken out and its new part put in, so the figures move with it.
//!
//! - `counts`: the tally (counts and histograms of days) and the roll-up it makes;
//! - `days`: days and the periods (years, months, days) changes are summed by;
//! - `histogram`: how many had each number of days, or were in each group;
//! - `item`: one item's part, its scopes, and the periods changes are summed by;
//! - `action`: one action's part, in the cohort of its owner's actions proposed on its day;
//! - `activity`: one activity's part, in the cohort of its lead's activities held on its day;
//! - `marks`: where an item is listed on each day, stored by the months each mark covers;
//! - `lists`: items by where they stand as of a day, paged from the marks;
//! - `store`: the tables, read as of a day and written item by item;
//! - `sum`: stored tallies summed as they are read;
//! - `counted`: the same roll-ups counted item by item, which the tallies must agree with;
//! - `follow`: keeping them in step with the views, and making them afresh.

mod action;
mod activity;
mod counted;
mod counts;
mod days;
mod follow;
mod histogram;
mod item;
mod lists;
mod marks;
mod store;
mod sum;

use chrono::NaiveDate;

pub use counted::{counted, Scope};
pub use counts::{Tally, ANSWERED_VERDICTS};
pub use follow::{catch_up, follow, follow_after, make_all, make_all_in_pages};
pub use item::{
    activity_scope, board_scope, ics_scope, organisation_scope, theme_scope, ItemTallies, Placing,
};
pub use lists::{count, page, ListAsked, Listed, Place, Standing};
pub use store::{checkpoint, cohorts, list_tally_as_of, tally_as_of, TALLIES_CHECKPOINT};

use super::rollup::Rollup;
use crate::store::Db;

/// The roll-up of `scope` as of `as_of`: from the tallies, or, while they are being made,
/// counted item by item.
pub async fn rollup(db: &Db, scope: &Scope, as_of: NaiveDate) -> anyhow::Result<Rollup> {
    match tally_as_of(db, &scope.key(), as_of).await? {
        Some(tally) => Ok(tally.rollup()),
        None => counted(db, scope, as_of).await,
    }
}
