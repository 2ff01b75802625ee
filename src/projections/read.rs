//! Reading the view tables: documents by id and filtered lists, joined in memory into what the
//! verdict needs. Every list is scoped to a set of organisations (`None` reads them all). The
//! reads live in their views (`views/`); this module gathers them, with the joined input items
//! answered from the kept answers where this replica keeps them.

use super::kept::Key;
use super::reads::ReadFrom;
pub use super::select::Scope;
pub use super::views::action::*;
pub use super::views::activity::*;
pub use super::views::input_item::*;
pub use super::views::organisation::*;
pub use super::views::participant::*;
pub use super::views::{kind_of, owners_of, RecordKind};
use super::ProjectorHandle;

/// [`input_items`] read from `from`, answered from the replica's kept answers where it keeps
/// them (see [`KeptItems`](super::kept::KeptItems): only the replica running the projector
/// does), and kept there when read from the primary (see [`ReadFrom::may_keep`]).
pub async fn input_items_kept(
    from: &ReadFrom,
    projector: &ProjectorHandle,
    scope: Scope<'_>,
    filter: &ItemFilter,
) -> anyhow::Result<Vec<ItemView>> {
    let Some(kept) = projector.kept() else {
        return input_items(from.db(), scope, filter).await;
    };
    let key = Key::new(scope, filter);
    if let Some(found) = kept.get(&key) {
        return Ok(found);
    }
    let ticket = kept.ticket();
    let found = input_items(from.db(), scope, filter).await?;
    if from.may_keep() {
        let deps = key.depends_on(&found);
        kept.keep(key, ticket, &found, deps);
    }
    Ok(found)
}
