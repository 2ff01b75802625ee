//! Why an `Organisation` command was refused.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused organisation command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OrganisationError {
    /// A field broke a shape rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Register was sent to an organisation that is already on the ledger.
    #[error("organisation is already registered")]
    AlreadyRegistered,
    /// The organisation has not been registered.
    #[error("organisation not found")]
    NotFound,
    /// The ICS named is not a registered organisation.
    #[error("ics: no integrated care board is registered under that code; register it first")]
    IcsNotFound,
    /// The public page is already on (or off) as asked.
    #[error("{}", if *published { "the public page is already on" } else { "the public page is already off" })]
    PublicPageAlready { published: bool },
    /// The ledger could not be read while checking a rule.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for OrganisationError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) => RefusalKind::Validation,
            Self::AlreadyRegistered | Self::PublicPageAlready { .. } => RefusalKind::Conflict,
            Self::NotFound | Self::IcsNotFound => RefusalKind::NotFound,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
