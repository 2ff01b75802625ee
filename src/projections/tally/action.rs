//! What one action adds to the tallies: to the cohort of its owner's actions proposed on its
//! day, one proposed action, tracing to input or not, answering a partner's input or not, and
//! from the day it was completed, one completed. Its part is kept beside the items' under
//! `action:<id>`, so that a change to the action (or to the input it answers) takes the old
//! part out before putting the new one in.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Row};

use super::counts::Tally;
use super::days::{day_number, periods};
use super::item::{cohort_scope, ItemTallies};
use crate::projections::docs::{ActionDoc, InputItemDoc};
use crate::projections::select::{docs_by_ids, PushIn, CHUNK};
use crate::store::Db;

/// The key an action's part is kept under.
pub fn action_key(id: &str) -> String {
    format!("action:{id}")
}

/// The action an action part's key names; `None` for an item's.
pub fn action_of(key: &str) -> Option<&str> {
    key.strip_prefix("action:")
}

/// An action's part, given whether it answers input owned by another organisation.
fn part_of(action: &ActionDoc, for_partners: bool) -> ItemTallies {
    let owner = action.owner_organisation.as_str();
    let proposed = day_number(action.proposed_on);
    let traced = !action.input_items.is_empty();
    let mut steps = vec![(proposed, Tally::action(traced, for_partners, false))];
    if let Some(completed) = action.completed.as_ref().filter(|_| for_partners) {
        let day = day_number(completed.completed_on).max(proposed);
        steps.retain(|(d, _)| *d < day);
        steps.push((day, Tally::action(traced, for_partners, true)));
    }
    ItemTallies {
        scopes: periods(proposed).map(|p| cohort_scope(owner, p)).to_vec(),
        steps,
        listing: None,
    }
}

/// The parts of the actions `ids` names, as the views now stand (keyed by [`action_key`]).
pub async fn parts_of(db: &Db, ids: &[String]) -> anyhow::Result<Vec<(String, ItemTallies)>> {
    let actions: Vec<ActionDoc> =
        docs_by_ids(db, "SELECT doc, log_position FROM view_actions", "id", ids).await?;
    let linked: Vec<String> = actions
        .iter()
        .flat_map(|a| a.input_items.iter().map(|id| id.to_string()))
        .collect();
    // The owner of each linked item that counts (withdrawn input counts in nothing).
    let mut owners: HashMap<String, String> = HashMap::new();
    let items: Vec<InputItemDoc> = docs_by_ids(
        db,
        "SELECT doc, log_position FROM view_input_items",
        "id",
        &linked,
    )
    .await?;
    for item in items.iter().filter(|i| !i.is_withdrawn()) {
        owners.insert(item.id.to_string(), item.organisation.to_string());
    }
    Ok(actions
        .iter()
        .map(|action| {
            let owner = action.owner_organisation.as_str();
            let for_partners = action.input_items.iter().any(|id| {
                owners
                    .get(&id.to_string())
                    .is_some_and(|o| o.as_str() != owner)
            });
            (
                action_key(&action.id.to_string()),
                part_of(action, for_partners),
            )
        })
        .collect())
}

/// The actions linked to any of the items `ids`: a withdrawn item changes whether they answer
/// a partner's input.
pub async fn linked_to(db: &Db, ids: &[String]) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<String> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT action_id FROM view_action_links WHERE ");
            q.push_in("input_item_id", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| r.get(0)).collect()
        });
        out.extend(found);
    }
    out.sort();
    out.dedup();
    Ok(out)
}
