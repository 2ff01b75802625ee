//! Linking an action to input items after it was proposed, and undoing a link made in error.

use chrono::NaiveDate;
use uuid::Uuid;

use super::rules::items_belong_to;
use super::{Action, ActionError, ActionEvent};
use crate::domain::common::FieldError;
use crate::domain::correction::Correction;
use crate::domain::rules::not_in_future;
use crate::domain::services::Services;

impl Action {
    /// Links `item` from `linked_on`: the item is the owner's (or referred to it) and not
    /// withdrawn; the link is not in the future nor before the action was proposed. A closed
    /// action may still be linked: what it did answered the input.
    pub(super) async fn link(
        &self,
        item: Uuid,
        linked_on: NaiveDate,
        services: &Services,
    ) -> Result<ActionEvent, ActionError> {
        let proposal = self.proposal.as_ref().ok_or(ActionError::NotFound)?;
        if proposal.input_items.contains(&item) {
            return Err(ActionError::AlreadyLinked);
        }
        not_in_future("linkedOn", linked_on, services.today())?;
        if linked_on < proposal.proposed_on {
            return Err(FieldError::new(
                "linkedOn",
                format!(
                    "{linked_on} is before the action was proposed, on {}",
                    proposal.proposed_on
                ),
            )
            .into());
        }
        items_belong_to(services, &proposal.owner, &[item])
            .await
            .map_err(|refused| match refused {
                // One item, named on its own: say so without a list position.
                ActionError::InputItemNotFound { .. } => ActionError::LinkedItemNotFound,
                ActionError::InputItemNotYours { .. } => ActionError::LinkedItemNotYours,
                ActionError::InputItemWithdrawn { .. } => ActionError::LinkedItemWithdrawn,
                other => other,
            })?;
        Ok(ActionEvent::InputItemLinked {
            input_item_id: item,
            linked_on,
        })
    }

    /// Undoes the link to `item`, made in error.
    pub(super) fn unlink(
        &self,
        item: Uuid,
        correction: Correction,
    ) -> Result<ActionEvent, ActionError> {
        let proposal = self.proposal.as_ref().ok_or(ActionError::NotFound)?;
        if !proposal.input_items.contains(&item) {
            return Err(ActionError::NotLinked);
        }
        Ok(ActionEvent::InputItemUnlinked {
            input_item_id: item,
            correction: correction.checked()?,
        })
    }
}
