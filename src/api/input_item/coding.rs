//! Coding input in bulk after the event: themes added to and taken off several input items at
//! once, each item's change an amendment of its own with the reason.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use serde::Serialize;

use super::mutations::{no_such_item, owned_item, run};
use super::object::InputItem;
use crate::api::common::context::{internal, today, Views};
use crate::api::common::correction::CorrectionInput;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::lists::short;
use crate::api::common::write::{command_context, the_ledger};
use crate::domain::input_item::{InputItemChanges, InputItemCommand};
use crate::projections::read;

/// Code several input items at once after the event: add themes to each and take others off.
/// Each item changed gets its own amendment, with the reason; an item already coded so is left
/// as it is.
#[derive(InputObject, Serialize)]
pub struct RethemeInputItemsInput {
    #[graphql(validator(custom = "short(\"inputItemIds\")"))]
    input_item_ids: Vec<ID>,
    /// Themes to give each item (preferably from the organisation's list).
    #[graphql(default, validator(custom = "short(\"add\")"))]
    add: Vec<String>,
    /// Themes to take off each item (case-insensitive).
    #[graphql(default, validator(custom = "short(\"remove\")"))]
    remove: Vec<String>,
    reason: CorrectionInput,
    /// Each item's amendment is kept under this key followed by `#` and its place in the list.
    idempotency_key: Option<String>,
}

/// The items after re-theming, and how many changed.
#[derive(SimpleObject)]
pub struct RethemePayload {
    input_items: Vec<InputItem>,
    changed: u32,
}

#[derive(Default)]
pub struct ThemeCoding;

#[Object]
impl ThemeCoding {
    /// Codes several input items at once: adds and takes off themes, each item's change an
    /// amendment with the reason. Every item is checked before any is changed.
    async fn retheme_input_items(
        &self,
        ctx: &Context<'_>,
        input: RethemeInputItemsInput,
    ) -> ApiResult<RethemePayload> {
        let mut planned = Vec::with_capacity(input.input_item_ids.len());
        for (index, raw) in input.input_item_ids.iter().enumerate() {
            let at = |e: ApiError| e.in_list("inputItemId", index);
            let id = owned_item(ctx, raw).await.map_err(at)?;
            let view = read::input_item(the_ledger(ctx).db(), id)
                .await
                .map_err(|e| internal(ctx, e))?
                .ok_or_else(|| at(no_such_item()))?;
            let mut themes: Vec<String> = view
                .doc
                .themes
                .iter()
                .filter(|t| {
                    !input
                        .remove
                        .iter()
                        .any(|r| r.trim().eq_ignore_ascii_case(t))
                })
                .cloned()
                .collect();
            for theme in &input.add {
                if !themes.iter().any(|t| t.eq_ignore_ascii_case(theme.trim())) {
                    themes.push(theme.clone());
                }
            }
            let changes = (themes != view.doc.themes).then_some(themes);
            planned.push((index, id, view, changes));
        }
        let mut items = Vec::with_capacity(planned.len());
        let mut changed = 0;
        for (index, id, view, themes) in planned {
            let Some(themes) = themes else {
                items.push(InputItem::new(view, today(), Views::Live));
                continue;
            };
            let key = input
                .idempotency_key
                .as_ref()
                .map(|k| format!("{k}#{index}"));
            let cc = command_context(ctx, "rethemeInputItems", &(&input, index), key.as_ref())?;
            let command = InputItemCommand::Amend {
                changes: InputItemChanges {
                    themes: Some(themes),
                    ..InputItemChanges::default()
                },
                correction: input.reason.clone().into(),
            };
            items.push(run(ctx, cc, id, command).await?.input_item);
            changed += 1;
        }
        Ok(RethemePayload {
            input_items: items,
            changed,
        })
    }
}
