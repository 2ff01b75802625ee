//! Appointment rules that ask about the board, the participant and their other seats.

use chrono::NaiveDate;
use uuid::Uuid;

use super::AppointmentError;
use crate::domain::common::OdsCode;
use crate::domain::services::{AppointmentFacts, Services};

/// The organisation of a board that exists and is not dissolved.
pub(super) async fn live_board(
    services: &Services,
    board_id: Uuid,
) -> Result<OdsCode, AppointmentError> {
    let board = services
        .board(board_id)
        .await?
        .ok_or(AppointmentError::BoardNotFound)?;
    if board.dissolved_on.is_some() {
        return Err(AppointmentError::BoardDissolved);
    }
    Ok(board.organisation)
}

/// Refuses unless the participant exists, belongs to `organisation` and is not erased.
pub(super) async fn eligible_participant(
    services: &Services,
    participant_id: Uuid,
    organisation: &OdsCode,
) -> Result<(), AppointmentError> {
    let participant = services
        .participant(participant_id)
        .await?
        .ok_or(AppointmentError::ParticipantNotFound)?;
    if &participant.organisation != organisation {
        return Err(AppointmentError::ParticipantNotOurs);
    }
    if participant.erased {
        return Err(AppointmentError::ParticipantErased);
    }
    Ok(())
}

/// Whether another appointment of the same person on the same board occupies any day of
/// `[start, end]`; an appointment occupies its term, cut short by its end if it ended.
pub(super) async fn seat_taken(
    services: &Services,
    participant_id: Uuid,
    board_id: Uuid,
    except: Option<Uuid>,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<bool, AppointmentError> {
    let others = services.appointments_of(participant_id, board_id).await?;
    Ok(others
        .iter()
        .filter(|other| Some(other.id) != except)
        .any(|other| overlaps(other, start, end)))
}

fn overlaps(other: &AppointmentFacts, start: NaiveDate, end: NaiveDate) -> bool {
    let other_end = other
        .ended_on
        .map_or(other.term_end, |e| e.min(other.term_end));
    other.term_start <= end && start <= other_end
}
