//! Why an `Appointment` command was refused. Messages name fields, never what the user typed.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused appointment command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppointmentError {
    /// A field broke a shape or date rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Appoint was sent to an appointment that already exists.
    #[error("appointment already exists")]
    AlreadyExists,
    /// The appointment has not been made.
    #[error("appointment not found")]
    NotFound,
    /// The board does not exist.
    #[error("boardId: board not found")]
    BoardNotFound,
    /// The board was dissolved.
    #[error("boardId: board is dissolved")]
    BoardDissolved,
    /// The participant does not exist.
    #[error("participantId: participant not found")]
    ParticipantNotFound,
    /// The participant is registered with another organisation than the board's.
    #[error("participantId: belongs to another organisation")]
    ParticipantNotOurs,
    /// The participant's data was erased.
    #[error("participantId: participant has been erased")]
    ParticipantErased,
    /// The participant already holds a seat on the board for part of the term.
    #[error("participantId: already holds a seat on this board for part of that term")]
    SeatOverlaps,
    /// The renewed term would overlap another seat the participant holds on the board.
    #[error("termEnd: the participant holds another seat on this board for part of that term")]
    RenewalOverlaps,
    /// The corrected term would overlap another seat the participant holds on the board.
    #[error(
        "{field}: the participant holds another seat on this board for part of the corrected term"
    )]
    TermOverlaps {
        /// The term date that was corrected (the end, when both were).
        field: &'static str,
    },
    /// The appointment has ended; nothing more may be recorded.
    #[error("appointment has already ended")]
    AlreadyEnded,
    /// The ledger could not be read while checking a rule.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for AppointmentError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_) => RefusalKind::Validation,
            Self::NotFound | Self::BoardNotFound | Self::ParticipantNotFound => {
                RefusalKind::NotFound
            }
            Self::ParticipantNotOurs => RefusalKind::Forbidden,
            Self::AlreadyExists
            | Self::BoardDissolved
            | Self::ParticipantErased
            | Self::SeatOverlaps
            | Self::RenewalOverlaps
            | Self::TermOverlaps { .. }
            | Self::AlreadyEnded => RefusalKind::Conflict,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
