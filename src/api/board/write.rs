//! What the board mutations share: who may change a board, the records a command names, and
//! the answers read back after a command.

use async_graphql::{Context, SimpleObject, ID};
use uuid::Uuid;

use super::appointment::Appointment;
use super::meeting::BoardMeeting;
use super::object::Board;
use crate::api::common::context::{internal, principal, Views};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::write::{read_back, the_ledger, Receipt};
use crate::auth::{Principal, Role};
use crate::domain::appointment::AppointmentCommand;
use crate::domain::board::BoardCommand;
use crate::domain::board_meeting::BoardMeetingCommand;
use crate::ledger::CommandContext;
use crate::projections::board_read;

/// A board after a mutation.
#[derive(SimpleObject)]
pub struct BoardPayload {
    board: Board,
    receipt: Receipt,
}

/// An appointment after a mutation.
#[derive(SimpleObject)]
pub struct AppointmentPayload {
    appointment: Appointment,
    receipt: Receipt,
}

/// A meeting after a mutation.
#[derive(SimpleObject)]
pub struct BoardMeetingPayload {
    meeting: BoardMeeting,
    receipt: Receipt,
}

pub(super) fn require_secretary(who: &Principal, organisation: &str) -> Result<(), ApiError> {
    match who.role {
        Role::Admin => Ok(()),
        Role::BoardSecretary if who.can_write(organisation) => Ok(()),
        _ if who.can_read(organisation) => Err(ApiError::Forbidden(
            "only the organisation's board secretaries change boards".into(),
        )),
        _ => Err(ApiError::NotFound("not found".into())),
    }
}

pub(super) fn parse_ids(field: &str, ids: &[ID]) -> Result<Vec<Uuid>, ApiError> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            Uuid::parse_str(id.as_str())
                .map_err(|_| ApiError::Validation(format!("{field}[{i}]: is not a valid id")))
        })
        .collect()
}

/// The board `id`, if the caller may change it.
pub(super) async fn writable_board(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
    let id = parse_id("boardId", id)?;
    let found = board_read::board(the_ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?;
    let Some(board) =
        found.filter(|b| principal(ctx).is_ok_and(|w| w.can_read(b.organisation.as_str())))
    else {
        return Err(ApiError::NotFound("boardId: board not found".into()));
    };
    require_secretary(principal(ctx)?, board.organisation.as_str())?;
    Ok(id)
}

pub(super) async fn board_answer(
    ctx: &Context<'_>,
    cc: CommandContext,
    id: Uuid,
    command: BoardCommand,
) -> ApiResult<BoardPayload> {
    let ledger = the_ledger(ctx);
    let outcome = ledger.board(&id.to_string(), command, &cc).await;
    let (doc, receipt) = read_back(ctx, "board", outcome, |id| {
        board_read::board(ledger.db(), id)
    })
    .await?;
    Ok(BoardPayload {
        board: Board(doc, Views::Live),
        receipt,
    })
}

pub(super) async fn appointment_answer(
    ctx: &Context<'_>,
    cc: CommandContext,
    id: Uuid,
    command: AppointmentCommand,
) -> ApiResult<AppointmentPayload> {
    let ledger = the_ledger(ctx);
    let outcome = ledger.appointment(&id.to_string(), command, &cc).await;
    let (doc, receipt) = read_back(ctx, "appointment", outcome, |id| {
        board_read::appointment(ledger.db(), id)
    })
    .await?;
    Ok(AppointmentPayload {
        appointment: Appointment(doc),
        receipt,
    })
}

pub(super) async fn meeting_answer(
    ctx: &Context<'_>,
    cc: CommandContext,
    id: Uuid,
    command: BoardMeetingCommand,
) -> ApiResult<BoardMeetingPayload> {
    let ledger = the_ledger(ctx);
    let outcome = ledger.board_meeting(&id.to_string(), command, &cc).await;
    let (doc, receipt) = read_back(ctx, "board meeting", outcome, |id| {
        board_read::meeting(ledger.db(), id)
    })
    .await?;
    Ok(BoardMeetingPayload {
        meeting: BoardMeeting(doc),
        receipt,
    })
}

pub(super) async fn writable_appointment(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
    let id = parse_id("appointmentId", id)?;
    let found = board_read::appointment(the_ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?;
    let Some(doc) =
        found.filter(|a| principal(ctx).is_ok_and(|w| w.can_read(a.organisation.as_str())))
    else {
        return Err(ApiError::NotFound(
            "appointmentId: appointment not found".into(),
        ));
    };
    require_secretary(principal(ctx)?, doc.organisation.as_str())?;
    Ok(id)
}

pub(super) async fn writable_meeting(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
    let id = parse_id("meetingId", id)?;
    let found = board_read::meeting(the_ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?;
    let Some(doc) =
        found.filter(|m| principal(ctx).is_ok_and(|w| w.can_read(m.organisation.as_str())))
    else {
        return Err(ApiError::NotFound(
            "meetingId: board meeting not found".into(),
        ));
    };
    require_secretary(principal(ctx)?, doc.organisation.as_str())?;
    Ok(id)
}
