//! Naming records the pages list by id (what a board decision cites, what a figure counts):
//! an input item by its summary, an action or an activity by its title.

use serde::Deserialize;
use serde_json::json;

use super::client::run;
use super::failure::Failure;
use super::signed_in::SignedIn;
use crate::api::AppState;
use crate::operation;

#[derive(Deserialize)]
struct Found {
    node: Option<Node>,
}

#[derive(Deserialize)]
struct Node {
    summary: Option<String>,
    title: Option<String>,
}

/// Each of `ids` the person may read, with its name, in the order given; one not there, not
/// theirs to read, or not an id at all is left out. At most `most` are looked up.
pub async fn names(
    state: &AppState,
    who: &SignedIn,
    ids: &[&str],
    most: usize,
) -> Result<Vec<(String, String)>, Failure> {
    let mut named = Vec::new();
    for id in ids.iter().take(most) {
        let found = run::<Found>(state, who, operation!("record_name"), json!({ "id": id })).await;
        let node = match found {
            Ok(found) => found.node,
            Err(refusal) if matches!(refusal.code.as_str(), "NOT_FOUND" | "VALIDATION") => None,
            Err(refusal) => return Err(refusal.into()),
        };
        if let Some(name) = node.and_then(|n| n.summary.or(n.title)) {
            named.push(((*id).to_owned(), name));
        }
    }
    Ok(named)
}
