//! Why a `BoardMeeting` command was refused. Messages name fields, never what the user typed.

use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::{Refusal, RefusalKind};

/// A refused board meeting command; no event was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoardMeetingError {
    /// A field broke a shape or date rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Schedule was sent to a meeting that already exists.
    #[error("meeting already exists")]
    AlreadyExists,
    /// The meeting has not been scheduled.
    #[error("meeting not found")]
    NotFound,
    /// The board does not exist.
    #[error("boardId: board not found")]
    BoardNotFound,
    /// The board was dissolved.
    #[error("boardId: board is dissolved")]
    BoardDissolved,
    /// The meeting has already been recorded as held.
    #[error("meeting has already been held")]
    AlreadyHeld,
    /// The meeting was cancelled: nothing more happens to it.
    #[error("meeting was cancelled")]
    Cancelled,
    /// Decisions need the meeting to have been held.
    #[error("meeting has not been held")]
    NotHeld,
    /// The appointment at this position repeats an earlier one.
    #[error("attended[{index}]: is listed more than once")]
    DuplicateAttendee {
        /// Position in the list as sent.
        index: usize,
    },
    /// The appointment at this position does not exist.
    #[error("attended[{index}]: appointment not found")]
    AttendeeNotFound {
        /// Position in the list as sent.
        index: usize,
    },
    /// The appointment at this position is to another board.
    #[error("attended[{index}]: not an appointment to this board")]
    AttendeeNotOnBoard {
        /// Position in the list as sent.
        index: usize,
    },
    /// The appointment at this position did not cover the day the meeting was held.
    #[error("attended[{index}]: was not appointed on the day of the meeting")]
    AttendeeNotSeated {
        /// Position in the list as sent.
        index: usize,
    },
    /// A decision with this id was already recorded at the meeting.
    #[error("decisionId: decision already recorded")]
    DecisionAlreadyRecorded,
    /// An amendment named a decision this meeting did not record.
    #[error("decision.decisionId: no such decision was recorded at this meeting")]
    DecisionNotFound,
    /// The input item at this position does not exist.
    #[error("citedInputItems[{index}]: input item not found")]
    InputItemNotFound {
        /// Position in the list as sent.
        index: usize,
    },
    /// The action at this position does not exist.
    #[error("citedActions[{index}]: action not found")]
    ActionNotFound {
        /// Position in the list as sent.
        index: usize,
    },
    /// The ledger could not be read while checking a rule.
    #[error(transparent)]
    Lookup(#[from] LookupFailed),
}

impl Refusal for BoardMeetingError {
    fn kind(&self) -> RefusalKind {
        match self {
            Self::Invalid(_)
            | Self::DuplicateAttendee { .. }
            | Self::AttendeeNotOnBoard { .. }
            | Self::AttendeeNotSeated { .. } => RefusalKind::Validation,
            Self::NotFound
            | Self::BoardNotFound
            | Self::AttendeeNotFound { .. }
            | Self::DecisionNotFound
            | Self::InputItemNotFound { .. }
            | Self::ActionNotFound { .. } => RefusalKind::NotFound,
            Self::AlreadyExists
            | Self::BoardDissolved
            | Self::AlreadyHeld
            | Self::NotHeld
            | Self::Cancelled
            | Self::DecisionAlreadyRecorded => RefusalKind::Conflict,
            Self::Lookup(_) => RefusalKind::Internal,
        }
    }
}
