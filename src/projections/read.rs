//! Reading the view tables: documents by id and filtered lists, joined in memory into what the
//! verdict needs. Every list is scoped to a set of organisations (`None` reads them all). The
//! reads live in their views (`views/`); this module gathers them, with the joined input items
//! answered from the kept answers where this replica keeps them.

use super::kept::{KeptItems, Key};
pub use super::select::Scope;
pub use super::views::action::*;
pub use super::views::activity::*;
pub use super::views::input_item::*;
pub use super::views::organisation::*;
pub use super::views::participant::*;
pub use super::views::{kind_of, owners_of, RecordKind};
use crate::store::Db;

/// [`input_items`], answered from `kept` when it holds the answer, and kept there when read.
/// `kept` is the replica's own (see [`KeptItems`]), `None` where it keeps nothing.
pub async fn input_items_kept(
    db: &Db,
    kept: Option<&KeptItems>,
    scope: Scope<'_>,
    filter: &ItemFilter,
) -> anyhow::Result<Vec<ItemView>> {
    let Some(kept) = kept else {
        return input_items(db, scope, filter).await;
    };
    let key = Key::new(scope, filter);
    if let Some(found) = kept.get(&key) {
        return Ok(found);
    }
    let ticket = kept.ticket();
    let found = input_items(db, scope, filter).await?;
    let deps = key.depends_on(&found);
    kept.keep(key, ticket, &found, deps);
    Ok(found)
}
