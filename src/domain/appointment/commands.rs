//! Commands of the `Appointment` aggregate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{AppointmentChanges, EndReason};
use crate::domain::board::SeatRole;
use crate::domain::correction::Correction;

/// Something a user asks of an appointment.
#[derive(Debug, Clone, PartialEq)]
pub enum AppointmentCommand {
    /// Appoints a participant to a seat on a board for a term (which may start in the future).
    Appoint {
        appointment_id: Uuid,
        board_id: Uuid,
        participant_id: Uuid,
        role: SeatRole,
        voting: bool,
        term_start: NaiveDate,
        term_end: NaiveDate,
    },
    /// Extends the term of an appointment that has not ended.
    Renew {
        term_end: NaiveDate,
        renewed_on: NaiveDate,
    },
    /// Ends the appointment; `ended_on` is the last day served.
    End {
        reason: EndReason,
        ended_on: NaiveDate,
    },
    /// Puts recorded facts right: each field in `changes` replaces the recorded one.
    Amend {
        changes: AppointmentChanges,
        correction: Correction,
    },
}
