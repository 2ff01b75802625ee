//! Why an `InputItem` command was refused.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused input item command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputItemError {
    /// A field broke a shape or date rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Record was sent to an input item that already exists.
    #[error("input item already exists")]
    AlreadyExists,
    /// The input item has not been recorded.
    #[error("input item not found")]
    NotFound,
    /// The activity the input is recorded against does not exist.
    #[error("activity not found")]
    ActivityNotFound,
    /// The activity the input is recorded against was cancelled.
    #[error("activity is cancelled")]
    ActivityCancelled,
    /// Decide was sent to an item that already has a decision (other than a referral awaiting
    /// the partner's).
    #[error("input item already has a decision; revise it instead")]
    AlreadyDecided,
    /// ReviseDecision was sent to an item without a decision.
    #[error("input item has no decision to revise")]
    NotDecided,
    /// Only the owning organisation may decide on an item that is not referred.
    #[error("decidedBy: only the organisation that owns this input item may decide on it")]
    NotOwner,
    /// Only the organisation an item is referred to may decide on it.
    #[error("decidedBy: only the organisation this input item was referred to may decide on it")]
    NotReferee,
    /// The organisation named in `referredTo` is not registered.
    #[error("referredTo: organisation not found")]
    ReferredOrganisationNotFound,
    /// The item was withdrawn: reinstate it before changing it.
    #[error("input item is withdrawn; reinstate it first")]
    Withdrawn,
    /// Reinstate was sent to an item that is not withdrawn.
    #[error("input item is not withdrawn")]
    NotWithdrawn,
    /// Withdraw was sent to an item with a decision, without withdrawing the decision too.
    #[error("input item has a decision; withdraw the decision with it (withdrawDecision: true) or revise the decision instead")]
    HasDecision,
    /// The item named as the original of a duplicate does not exist.
    #[error("duplicateOf: input item not found")]
    OriginalNotFound,
    /// The item named as the original of a duplicate is itself withdrawn.
    #[error("duplicateOf: that input item is itself withdrawn")]
    OriginalWithdrawn,
    /// The ledger could not be read while checking a rule.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for InputItemError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) => RefusalKind::Validation,
            Self::NotFound
            | Self::ActivityNotFound
            | Self::ReferredOrganisationNotFound
            | Self::OriginalNotFound => RefusalKind::NotFound,
            Self::AlreadyExists
            | Self::ActivityCancelled
            | Self::AlreadyDecided
            | Self::NotDecided
            | Self::Withdrawn
            | Self::NotWithdrawn
            | Self::HasDecision
            | Self::OriginalWithdrawn => RefusalKind::Conflict,
            Self::NotOwner | Self::NotReferee => RefusalKind::Forbidden,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
