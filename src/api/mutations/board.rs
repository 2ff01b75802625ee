//! Mutations on boards, appointments and meetings: board secretaries (and admins) of the
//! organisation write; everyone else reads.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use serde::Serialize;
use uuid::Uuid;

use super::visible::{require_all_visible, require_visible, Named};
use super::{command_context, new_id, new_record, read_back, the_ledger, Receipt};
use crate::api::boards::{Appointment, Board, BoardKind, BoardMeeting, EndReason, SeatRole};
use crate::api::context::{internal, or_today, principal};
use crate::api::enums::Date;
use crate::api::error::{ApiError, ApiResult};
use crate::api::lists::{attendees, short};
use crate::api::query::parse_id;
use crate::auth::{Principal, Role};
use crate::domain::appointment::AppointmentCommand;
use crate::domain::board::BoardCommand;
use crate::domain::board_meeting::BoardMeetingCommand;
use crate::ledger::CommandContext;
use crate::projections::board_read;

/// Establish a board or committee.
#[derive(InputObject, Serialize)]
pub struct EstablishBoardInput {
    organisation: String,
    name: String,
    kind: BoardKind,
    established_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Set the number of seats for a role, and whether they vote, from a date.
#[derive(InputObject, Serialize)]
pub struct SetBoardSeatsInput {
    board_id: ID,
    role: SeatRole,
    target: u32,
    voting: bool,
    from: Option<Date>,
    idempotency_key: Option<String>,
}

/// Rename a board.
#[derive(InputObject, Serialize)]
pub struct RenameBoardInput {
    board_id: ID,
    name: String,
    idempotency_key: Option<String>,
}

/// Dissolve a board.
#[derive(InputObject, Serialize)]
pub struct DissolveBoardInput {
    board_id: ID,
    dissolved_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Appoint a participant to a board.
#[derive(InputObject, Serialize)]
pub struct AppointToBoardInput {
    board_id: ID,
    participant_id: ID,
    role: SeatRole,
    voting: bool,
    term_start: Date,
    term_end: Date,
    idempotency_key: Option<String>,
}

/// Renew an appointment to a new end date.
#[derive(InputObject, Serialize)]
pub struct RenewAppointmentInput {
    appointment_id: ID,
    term_end: Date,
    renewed_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// End an appointment.
#[derive(InputObject, Serialize)]
pub struct EndAppointmentInput {
    appointment_id: ID,
    reason: EndReason,
    /// The last day served; defaults to today.
    ended_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Schedule a board meeting.
#[derive(InputObject, Serialize)]
pub struct ScheduleBoardMeetingInput {
    board_id: ID,
    scheduled_for: Date,
    idempotency_key: Option<String>,
}

/// Record that papers were issued for a meeting.
#[derive(InputObject, Serialize)]
pub struct RecordPapersIssuedInput {
    meeting_id: ID,
    issued_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Record that a meeting was held, who attended (by appointment) and whether it was quorate.
#[derive(InputObject, Serialize)]
pub struct RecordBoardMeetingHeldInput {
    meeting_id: ID,
    held_on: Option<Date>,
    #[graphql(default, validator(custom = "attendees(\"attendedAppointmentIds\")"))]
    attended_appointment_ids: Vec<ID>,
    quorate: bool,
    idempotency_key: Option<String>,
}

/// Record a decision taken at a held meeting.
#[derive(InputObject, Serialize)]
pub struct RecordBoardDecisionInput {
    meeting_id: ID,
    title: String,
    #[graphql(default)]
    summary: String,
    #[graphql(default, validator(custom = "short(\"citedInputItemIds\")"))]
    cited_input_item_ids: Vec<ID>,
    #[graphql(default, validator(custom = "short(\"citedActionIds\")"))]
    cited_action_ids: Vec<ID>,
    #[graphql(default)]
    patient_members_present: bool,
    #[graphql(default)]
    patient_members_voted: bool,
    idempotency_key: Option<String>,
}

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

fn require_secretary(who: &Principal, organisation: &str) -> Result<(), ApiError> {
    match who.role {
        Role::Admin => Ok(()),
        Role::BoardSecretary if who.can_write(organisation) => Ok(()),
        _ if who.can_read(organisation) => Err(ApiError::Forbidden(
            "only the organisation's board secretaries change boards".into(),
        )),
        _ => Err(ApiError::NotFound("not found".into())),
    }
}

fn parse_ids(field: &str, ids: &[ID]) -> Result<Vec<Uuid>, ApiError> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            Uuid::parse_str(id.as_str())
                .map_err(|_| ApiError::Validation(format!("{field}[{i}]: is not a valid id")))
        })
        .collect()
}

/// The board `id`, if the caller may change it.
async fn writable_board(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
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

async fn board_answer(
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
        board: Board(doc, crate::api::context::Views::Live),
        receipt,
    })
}

async fn appointment_answer(
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

async fn meeting_answer(
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

async fn writable_appointment(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
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

async fn writable_meeting(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
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

#[derive(Default)]
pub struct BoardMutations;

#[Object]
impl BoardMutations {
    /// Establishes a board or committee of one of the caller's organisations.
    async fn establish_board(
        &self,
        ctx: &Context<'_>,
        input: EstablishBoardInput,
    ) -> ApiResult<BoardPayload> {
        require_secretary(
            principal(ctx)?,
            &input.organisation.trim().to_ascii_uppercase(),
        )
        .map_err(|_| ApiError::Forbidden("organisation: not one of your organisations".into()))?;
        let mut cc = command_context(
            ctx,
            "establishBoard",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let id = new_record(ctx, &mut cc);
        let command = BoardCommand::Establish {
            board_id: id,
            organisation: input.organisation,
            name: input.name,
            kind: input.kind.into(),
            established_on: or_today(input.established_on),
        };
        board_answer(ctx, cc, id, command).await
    }

    /// Sets the target number of seats for a role and whether they vote, from a date.
    async fn set_board_seats(
        &self,
        ctx: &Context<'_>,
        input: SetBoardSeatsInput,
    ) -> ApiResult<BoardPayload> {
        let id = writable_board(ctx, &input.board_id).await?;
        let cc = command_context(ctx, "setBoardSeats", &input, input.idempotency_key.as_ref())?;
        let command = BoardCommand::SetSeats {
            role: input.role.into(),
            target: input.target,
            voting: input.voting,
            from: or_today(input.from),
        };
        board_answer(ctx, cc, id, command).await
    }

    /// Renames a board.
    async fn rename_board(
        &self,
        ctx: &Context<'_>,
        input: RenameBoardInput,
    ) -> ApiResult<BoardPayload> {
        let id = writable_board(ctx, &input.board_id).await?;
        let cc = command_context(ctx, "renameBoard", &input, input.idempotency_key.as_ref())?;
        board_answer(ctx, cc, id, BoardCommand::Rename { name: input.name }).await
    }

    /// Dissolves a board; no one can be appointed to it afterwards.
    async fn dissolve_board(
        &self,
        ctx: &Context<'_>,
        input: DissolveBoardInput,
    ) -> ApiResult<BoardPayload> {
        let id = writable_board(ctx, &input.board_id).await?;
        let cc = command_context(ctx, "dissolveBoard", &input, input.idempotency_key.as_ref())?;
        board_answer(
            ctx,
            cc,
            id,
            BoardCommand::Dissolve {
                dissolved_on: or_today(input.dissolved_on),
            },
        )
        .await
    }

    /// Appoints a participant to a board in a role, for a term.
    async fn appoint_to_board(
        &self,
        ctx: &Context<'_>,
        input: AppointToBoardInput,
    ) -> ApiResult<AppointmentPayload> {
        let board = writable_board(ctx, &input.board_id).await?;
        let participant = parse_id("participantId", &input.participant_id)?;
        require_visible(ctx, "participantId", Named::Participant, participant).await?;
        let mut cc = command_context(
            ctx,
            "appointToBoard",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let id = new_record(ctx, &mut cc);
        let command = AppointmentCommand::Appoint {
            appointment_id: id,
            board_id: board,
            participant_id: participant,
            role: input.role.into(),
            voting: input.voting,
            term_start: input.term_start.0,
            term_end: input.term_end.0,
        };
        appointment_answer(ctx, cc, id, command).await
    }

    /// Renews an appointment to a new term end.
    async fn renew_appointment(
        &self,
        ctx: &Context<'_>,
        input: RenewAppointmentInput,
    ) -> ApiResult<AppointmentPayload> {
        let id = writable_appointment(ctx, &input.appointment_id).await?;
        let cc = command_context(
            ctx,
            "renewAppointment",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = AppointmentCommand::Renew {
            term_end: input.term_end.0,
            renewed_on: or_today(input.renewed_on),
        };
        appointment_answer(ctx, cc, id, command).await
    }

    /// Ends an appointment (resigned, term expired or removed).
    async fn end_appointment(
        &self,
        ctx: &Context<'_>,
        input: EndAppointmentInput,
    ) -> ApiResult<AppointmentPayload> {
        let id = writable_appointment(ctx, &input.appointment_id).await?;
        let cc = command_context(
            ctx,
            "endAppointment",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = AppointmentCommand::End {
            reason: input.reason.into(),
            ended_on: or_today(input.ended_on),
        };
        appointment_answer(ctx, cc, id, command).await
    }

    /// Schedules a board meeting.
    async fn schedule_board_meeting(
        &self,
        ctx: &Context<'_>,
        input: ScheduleBoardMeetingInput,
    ) -> ApiResult<BoardMeetingPayload> {
        let board = writable_board(ctx, &input.board_id).await?;
        let mut cc = command_context(
            ctx,
            "scheduleBoardMeeting",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let id = new_record(ctx, &mut cc);
        let command = BoardMeetingCommand::Schedule {
            meeting_id: id,
            board_id: board,
            scheduled_for: input.scheduled_for.0,
        };
        meeting_answer(ctx, cc, id, command).await
    }

    /// Records that papers were issued for a meeting.
    async fn record_papers_issued(
        &self,
        ctx: &Context<'_>,
        input: RecordPapersIssuedInput,
    ) -> ApiResult<BoardMeetingPayload> {
        let id = writable_meeting(ctx, &input.meeting_id).await?;
        let cc = command_context(
            ctx,
            "recordPapersIssued",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        meeting_answer(
            ctx,
            cc,
            id,
            BoardMeetingCommand::RecordPapersIssued {
                issued_on: or_today(input.issued_on),
            },
        )
        .await
    }

    /// Records that a meeting was held, with attendance by appointment and quorum.
    async fn record_board_meeting_held(
        &self,
        ctx: &Context<'_>,
        input: RecordBoardMeetingHeldInput,
    ) -> ApiResult<BoardMeetingPayload> {
        let id = writable_meeting(ctx, &input.meeting_id).await?;
        let attended = parse_ids("attendedAppointmentIds", &input.attended_appointment_ids)?;
        require_all_visible(ctx, "attendedAppointmentIds", Named::Appointment, &attended).await?;
        let cc = command_context(
            ctx,
            "recordBoardMeetingHeld",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = BoardMeetingCommand::RecordHeld {
            held_on: or_today(input.held_on),
            attended,
            quorate: input.quorate,
        };
        meeting_answer(ctx, cc, id, command).await
    }

    /// Records a decision taken at a held meeting, with the input items and actions it cites.
    async fn record_board_decision(
        &self,
        ctx: &Context<'_>,
        input: RecordBoardDecisionInput,
    ) -> ApiResult<BoardMeetingPayload> {
        let id = writable_meeting(ctx, &input.meeting_id).await?;
        let items = parse_ids("citedInputItemIds", &input.cited_input_item_ids)?;
        require_all_visible(ctx, "citedInputItemIds", Named::InputItem, &items).await?;
        let actions = parse_ids("citedActionIds", &input.cited_action_ids)?;
        require_all_visible(ctx, "citedActionIds", Named::Action, &actions).await?;
        let cc = command_context(
            ctx,
            "recordBoardDecision",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = BoardMeetingCommand::RecordDecision {
            decision_id: new_id(ctx),
            title: input.title,
            summary: input.summary,
            cited_input_items: items,
            cited_actions: actions,
            patient_members_present: input.patient_members_present,
            patient_members_voted: input.patient_members_voted,
        };
        meeting_answer(ctx, cc, id, command).await
    }
}
