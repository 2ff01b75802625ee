//! Why a `Participant` command was refused. Messages name fields, never what the person typed.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused participant command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParticipantError {
    /// A field broke a shape or date rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Register was sent to a participant that already exists.
    #[error("participant is already registered")]
    AlreadyRegistered,
    /// The participant has not been registered.
    #[error("participant not found")]
    NotFound,
    /// The participant's data was erased; nothing more may be recorded.
    #[error("participant has been erased")]
    Erased,
    /// The organisation named in `organisation` is not registered.
    #[error("organisation: organisation not found")]
    OrganisationNotFound,
    /// The activity to link does not exist.
    #[error("activityId: activity not found")]
    ActivityNotFound,
    /// The activity to link is neither led nor partnered by the participant's organisation.
    #[error("activityId: belongs to another organisation")]
    ActivityNotOurs,
    /// The activity is already linked to the participant.
    #[error("activityId: already linked")]
    ActivityAlreadyLinked,
    /// The input item to link does not exist.
    #[error("inputItemId: input item not found")]
    InputItemNotFound,
    /// The input item to link is neither owned by nor referred to the participant's organisation.
    #[error("inputItemId: belongs to another organisation and was not referred to yours")]
    InputItemNotOurs,
    /// The input item is already linked to the participant.
    #[error("inputItemId: already linked")]
    InputItemAlreadyLinked,
    /// The ledger could not be read while checking a rule.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for ParticipantError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) => RefusalKind::Validation,
            Self::NotFound
            | Self::OrganisationNotFound
            | Self::ActivityNotFound
            | Self::InputItemNotFound => RefusalKind::NotFound,
            Self::ActivityNotOurs | Self::InputItemNotOurs => RefusalKind::Forbidden,
            Self::AlreadyRegistered
            | Self::Erased
            | Self::ActivityAlreadyLinked
            | Self::InputItemAlreadyLinked => RefusalKind::Conflict,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
