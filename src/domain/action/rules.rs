//! Action rules on the input items an action answers.

use uuid::Uuid;

use super::ActionError;
use crate::domain::common::{FieldError, OdsCode};
use crate::domain::rules::{first_repeat, short_list};
use crate::domain::services::Services;

/// Refuses an overlong list of input items (an action may start with none).
pub(super) fn check_item_list(items: &[Uuid]) -> Result<(), FieldError> {
    short_list("inputItemIds", items.len())
}

/// Refuses a list of input items naming one twice.
pub(super) fn no_repeated_item(items: &[Uuid]) -> Result<(), ActionError> {
    match first_repeat(items) {
        Some(index) => Err(ActionError::DuplicateInputItem { index }),
        None => Ok(()),
    }
}

/// Refuses unless every item exists, is not withdrawn, and is owned by, or currently referred
/// to, `owner`.
pub(super) async fn items_belong_to(
    services: &Services,
    owner: &OdsCode,
    items: &[Uuid],
) -> Result<(), ActionError> {
    for (index, id) in items.iter().enumerate() {
        let facts = services
            .input_item(*id)
            .await?
            .ok_or(ActionError::InputItemNotFound { index })?;
        if &facts.organisation != owner && facts.referred_to.as_ref() != Some(owner) {
            return Err(ActionError::InputItemNotYours { index });
        }
        if facts.withdrawn {
            return Err(ActionError::InputItemWithdrawn { index });
        }
    }
    Ok(())
}
