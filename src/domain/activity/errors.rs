//! Why an `Activity` command was refused.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused activity command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ActivityError {
    /// A field broke a shape or date rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Plan was sent to an activity that already exists.
    #[error("activity already exists")]
    AlreadyExists,
    /// The activity has not been planned.
    #[error("activity not found")]
    NotFound,
    /// The lead organisation is not registered.
    #[error("leadOrganisation: organisation not found")]
    LeadOrganisationNotFound,
    /// The partner at this position in the command's list is not registered.
    #[error("partnerOrganisations[{index}]: organisation not found")]
    PartnerOrganisationNotFound {
        /// Position in the list as sent.
        index: usize,
    },
    /// The activity was cancelled; nothing more may be recorded.
    #[error("activity is cancelled")]
    Cancelled,
    /// The activity was already recorded as held.
    #[error("activity has already been recorded as held")]
    AlreadyHeld,
    /// Reports and feedback need the activity to have been held.
    #[error("activity has not been held yet")]
    NotHeld,
    /// A held activity cannot be cancelled.
    #[error("activity was held, so it cannot be cancelled")]
    WasHeld,
    /// The activity is already on the public page.
    #[error("activity is already on the public page")]
    AlreadyPublished,
    /// The activity is not on the public page.
    #[error("activity is not on the public page")]
    NotPublished,
    /// The ledger could not be read while checking organisations.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for ActivityError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) => RefusalKind::Validation,
            Self::NotFound
            | Self::LeadOrganisationNotFound
            | Self::PartnerOrganisationNotFound { .. } => RefusalKind::NotFound,
            Self::AlreadyExists
            | Self::Cancelled
            | Self::AlreadyHeld
            | Self::NotHeld
            | Self::WasHeld
            | Self::AlreadyPublished
            | Self::NotPublished => RefusalKind::Conflict,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
