//! Mutations on appointments to boards: appoint, renew, end, and amend (a correction).

use async_graphql::{Context, InputObject, Object, ID};
use serde::Serialize;

use super::enums::{EndReason, SeatRole};
use super::write::{appointment_answer, writable_appointment, writable_board, AppointmentPayload};
use crate::api::common::context::or_today;
use crate::api::common::correction::CorrectionInput;
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::common::ids::parse_id;
use crate::api::common::visible::{require_visible, Named};
use crate::api::common::write::{command_context, new_record};
use crate::domain::appointment::{AppointmentChanges, AppointmentCommand};

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
    /// Defaults to today.
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

/// Put an appointment's recorded facts right: each field given replaces the recorded one, and
/// the reason is kept with the record. Representation (seats filled, voting seats, vacancies,
/// attendance) as of every date follows the corrected facts; `recordedAsOf` before this
/// correction still answers with the old ones.
#[derive(InputObject, Serialize)]
pub struct AmendAppointmentInput {
    appointment_id: ID,
    role: Option<SeatRole>,
    voting: Option<bool>,
    /// Before the term end, and not after the day the appointment ended.
    term_start: Option<Date>,
    /// The term end in force (after a renewal, the end it gave): after the term start and the
    /// end the renewal extended, and not before the day the appointment ended.
    term_end: Option<Date>,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// Mutations on appointments.
#[derive(Default)]
pub struct AppointmentMutations;

#[Object]
impl AppointmentMutations {
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

    /// Puts an appointment's recorded facts right (an ended one's too), keeping the reason and
    /// what the record said before.
    async fn amend_appointment(
        &self,
        ctx: &Context<'_>,
        input: AmendAppointmentInput,
    ) -> ApiResult<AppointmentPayload> {
        let id = writable_appointment(ctx, &input.appointment_id).await?;
        let cc = command_context(
            ctx,
            "amendAppointment",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = AppointmentCommand::Amend {
            changes: AppointmentChanges {
                role: input.role.map(Into::into),
                voting: input.voting,
                term_start: input.term_start.map(|d| d.0),
                term_end: input.term_end.map(|d| d.0),
            },
            correction: input.reason.into(),
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
}
