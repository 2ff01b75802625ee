//! Why a `Board` command was refused. Messages name fields, never what the user typed.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused board command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoardError {
    /// A field broke a shape or date rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Establish was sent to a board that already exists.
    #[error("board already exists")]
    AlreadyExists,
    /// The board has not been established.
    #[error("board not found")]
    NotFound,
    /// The organisation named in `organisation` is not registered.
    #[error("organisation: organisation not found")]
    OrganisationNotFound,
    /// The board was dissolved; nothing more may be recorded.
    #[error("board is dissolved")]
    Dissolved,
    /// The ledger could not be read while checking a rule.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for BoardError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) => RefusalKind::Validation,
            Self::NotFound | Self::OrganisationNotFound => RefusalKind::NotFound,
            Self::AlreadyExists | Self::Dissolved => RefusalKind::Conflict,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
