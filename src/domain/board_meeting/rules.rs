//! Board meeting rules that ask about the board, attendees and cited records.

use chrono::NaiveDate;
use uuid::Uuid;

use super::BoardMeetingError;
use crate::domain::common::{limits, FieldError, OdsCode};
use crate::domain::rules::first_repeat;
use crate::domain::services::Services;

/// The organisation of a board that exists and is not dissolved.
pub(super) async fn live_board(
    services: &Services,
    board_id: Uuid,
) -> Result<OdsCode, BoardMeetingError> {
    let board = services
        .board(board_id)
        .await?
        .ok_or(BoardMeetingError::BoardNotFound)?;
    if board.dissolved_on.is_some() {
        return Err(BoardMeetingError::BoardDissolved);
    }
    Ok(board.organisation)
}

/// Refuses a list longer than [`limits::ATTENDEES`], repeats, then any appointment that does not exist, is to another board or did not
/// cover `held_on`.
pub(super) async fn attendees_seated(
    services: &Services,
    board_id: Uuid,
    held_on: NaiveDate,
    attended: &[Uuid],
) -> Result<(), BoardMeetingError> {
    if attended.len() > limits::ATTENDEES {
        let problem = format!(
            "has {} entries; the limit is {}",
            attended.len(),
            limits::ATTENDEES
        );
        return Err(FieldError::new("attendedAppointmentIds", problem).into());
    }
    if let Some(index) = first_repeat(attended) {
        return Err(BoardMeetingError::DuplicateAttendee { index });
    }
    for (index, id) in attended.iter().enumerate() {
        let appointment = services
            .appointment(*id)
            .await?
            .ok_or(BoardMeetingError::AttendeeNotFound { index })?;
        if appointment.board_id != board_id {
            return Err(BoardMeetingError::AttendeeNotOnBoard { index });
        }
        if !appointment.held_on(held_on) {
            return Err(BoardMeetingError::AttendeeNotSeated { index });
        }
    }
    Ok(())
}

/// Refuses unless every cited input item and action exists.
pub(super) async fn citations_exist(
    services: &Services,
    input_items: &[Uuid],
    actions: &[Uuid],
) -> Result<(), BoardMeetingError> {
    for (index, id) in input_items.iter().enumerate() {
        if services.input_item(*id).await?.is_none() {
            return Err(BoardMeetingError::InputItemNotFound { index });
        }
    }
    for (index, id) in actions.iter().enumerate() {
        if !services.action_exists(*id).await? {
            return Err(BoardMeetingError::ActionNotFound { index });
        }
    }
    Ok(())
}
