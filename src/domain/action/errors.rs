//! Why an `Action` command was refused.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused action command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ActionError {
    /// A field broke a shape or date rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Propose was sent to an action that already exists.
    #[error("action already exists")]
    AlreadyExists,
    /// The action has not been proposed.
    #[error("action not found")]
    NotFound,
    /// The owner organisation is not registered.
    #[error("ownerOrganisation: organisation not found")]
    OwnerOrganisationNotFound,
    /// The input item at this position repeats an earlier one.
    #[error("inputItemIds[{index}]: is listed more than once")]
    DuplicateInputItem {
        /// Position in the list as sent.
        index: usize,
    },
    /// The input item at this position does not exist.
    #[error("inputItemIds[{index}]: input item not found")]
    InputItemNotFound {
        /// Position in the list as sent.
        index: usize,
    },
    /// The input item at this position is neither owned by nor referred to the owner.
    #[error(
        "inputItemIds[{index}]: belongs to another organisation and was not referred to yours"
    )]
    InputItemNotYours {
        /// Position in the list as sent.
        index: usize,
    },
    /// LinkInputItem named an input item that does not exist.
    #[error("inputItemId: input item not found")]
    LinkedItemNotFound,
    /// LinkInputItem named another organisation's input item, not referred to the owner.
    #[error(
        "inputItemId: belongs to another organisation and was not referred to the action's owner"
    )]
    LinkedItemNotYours,
    /// LinkInputItem named a withdrawn input item.
    #[error(
        "inputItemId: that input item is withdrawn; link the item it duplicates, or reinstate it"
    )]
    LinkedItemWithdrawn,
    /// LinkInputItem named an item the action already answers.
    #[error("inputItemId: the action already answers this input item")]
    AlreadyLinked,
    /// UnlinkInputItem named an item the action does not answer.
    #[error("inputItemId: the action does not answer this input item")]
    NotLinked,
    /// An input item in the list was withdrawn (recorded in error, or a duplicate).
    #[error("inputItemIds[{index}]: that input item is withdrawn; link the item it duplicates, or reinstate it")]
    InputItemWithdrawn {
        /// Position in the list as sent.
        index: usize,
    },
    /// Agree was sent to an action already agreed.
    #[error("action has already been agreed")]
    AlreadyAgreed,
    /// Progress and completion need the action to be agreed first.
    #[error("action has not been agreed yet")]
    NotAgreed,
    /// The action was completed or abandoned; nothing more may be recorded.
    #[error("action is closed")]
    Closed,
    /// The ledger could not be read while checking a rule.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for ActionError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) | Self::DuplicateInputItem { .. } => RefusalKind::Validation,
            Self::NotFound
            | Self::OwnerOrganisationNotFound
            | Self::InputItemNotFound { .. }
            | Self::LinkedItemNotFound => RefusalKind::NotFound,
            Self::InputItemNotYours { .. } | Self::LinkedItemNotYours => RefusalKind::Forbidden,
            Self::AlreadyExists
            | Self::AlreadyAgreed
            | Self::NotAgreed
            | Self::Closed
            | Self::InputItemWithdrawn { .. }
            | Self::LinkedItemWithdrawn
            | Self::AlreadyLinked
            | Self::NotLinked => RefusalKind::Conflict,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
