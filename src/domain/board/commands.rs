//! Commands of the `Board` aggregate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{BoardChanges, BoardKind, SeatRole};
use crate::domain::correction::Correction;

/// Something a user asks of a board.
#[derive(Debug, Clone, PartialEq)]
pub enum BoardCommand {
    /// Records that an organisation established a board or committee.
    Establish {
        board_id: Uuid,
        /// The ODS code of the organisation the board belongs to.
        organisation: String,
        name: String,
        kind: BoardKind,
        established_on: NaiveDate,
    },
    /// Sets how many seats a role has, and whether they vote, from a date.
    SetSeats {
        role: SeatRole,
        target: u32,
        voting: bool,
        from: NaiveDate,
    },
    /// Gives the board a new name.
    Rename { name: String },
    /// Records that the board was dissolved; nothing more may be recorded.
    Dissolve { dissolved_on: NaiveDate },
    /// Puts recorded facts right: each field in `changes` replaces the recorded one.
    Amend {
        changes: BoardChanges,
        correction: Correction,
    },
}
