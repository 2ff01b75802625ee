//! What one activity adds to the tallies: to the cohort of its lead organisation's activities
//! held on its day, one activity held, with information published beforehand or not (and how
//! many days before), offered in an accessible format or not, held jointly or not, with its
//! participants' make-up recorded or not, and its participants in each group. Its part is kept
//! beside the items' under `activity:<id>`, so that a correction to the activity takes the old
//! part out before putting the new one in.

use super::counts::Tally;
use super::days::{day_number, periods};
use super::item::{cohort_scope, ItemTallies};
use crate::projections::docs::ActivityDoc;
use crate::projections::scorecard::HeldActivity;
use crate::projections::select::docs_by_ids;
use crate::store::Db;

/// The key an activity's part is kept under.
pub fn activity_key(id: &str) -> String {
    format!("activity:{id}")
}

/// The activity an activity part's key names; `None` for an item's or an action's.
pub fn activity_of(key: &str) -> Option<&str> {
    key.strip_prefix("activity:")
}

/// An activity's part: nothing until it is held.
fn part_of(activity: &ActivityDoc) -> ItemTallies {
    let Some(held) = HeldActivity::of(activity) else {
        return ItemTallies::default();
    };
    let day = day_number(held.held_on);
    let lead = activity.lead_organisation.as_str();
    ItemTallies {
        scopes: periods(day).map(|p| cohort_scope(lead, p)).to_vec(),
        steps: vec![(day, Tally::activity(&held))],
        listing: None,
    }
}

/// The parts of the activities `ids` names, as the views now stand (keyed by
/// [`activity_key`]).
pub async fn parts_of(db: &Db, ids: &[String]) -> anyhow::Result<Vec<(String, ItemTallies)>> {
    let activities: Vec<ActivityDoc> = docs_by_ids(
        db,
        "SELECT doc, log_position FROM view_activities",
        "id",
        ids,
    )
    .await?;
    Ok(activities
        .iter()
        .map(|a| (activity_key(&a.id.to_string()), part_of(a)))
        .collect())
}
