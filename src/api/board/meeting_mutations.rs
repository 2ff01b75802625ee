//! Mutations on board meetings: schedule, papers issued, held, decisions taken, postponed,
//! cancelled.

use async_graphql::{Context, InputObject, Object, ID};
use serde::Serialize;

use super::write::{
    meeting_answer, parse_ids, writable_board, writable_meeting, BoardMeetingPayload,
};
use crate::api::common::context::or_today;
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::common::lists::{attendees, short};
use crate::api::common::visible::{require_all_visible, Named};
use crate::api::common::write::{command_context, new_id, new_record};
use crate::domain::board_meeting::BoardMeetingCommand;

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
    /// Defaults to today.
    issued_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Record that a meeting was held, who attended (by appointment) and whether it was quorate.
#[derive(InputObject, Serialize)]
pub struct RecordBoardMeetingHeldInput {
    meeting_id: ID,
    /// Defaults to today.
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

/// Move a meeting not yet held to a later day, with the reason.
#[derive(InputObject, Serialize)]
pub struct PostponeBoardMeetingInput {
    meeting_id: ID,
    /// The new day; after the day it is scheduled for.
    scheduled_for: Date,
    /// The day the postponement was decided; defaults to today.
    postponed_on: Option<Date>,
    reason: String,
    idempotency_key: Option<String>,
}

/// Call off a meeting not yet held, with the reason.
#[derive(InputObject, Serialize)]
pub struct CancelBoardMeetingInput {
    meeting_id: ID,
    /// Defaults to today.
    cancelled_on: Option<Date>,
    reason: String,
    idempotency_key: Option<String>,
}

/// Mutations on board meetings.
#[derive(Default)]
pub struct MeetingMutations;

#[Object]
impl MeetingMutations {
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

    /// Moves a meeting not yet held to a later day; every earlier day stays in its record.
    async fn postpone_board_meeting(
        &self,
        ctx: &Context<'_>,
        input: PostponeBoardMeetingInput,
    ) -> ApiResult<BoardMeetingPayload> {
        let id = writable_meeting(ctx, &input.meeting_id).await?;
        let cc = command_context(
            ctx,
            "postponeBoardMeeting",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = BoardMeetingCommand::Postpone {
            scheduled_for: input.scheduled_for.0,
            postponed_on: or_today(input.postponed_on),
            reason: input.reason,
        };
        meeting_answer(ctx, cc, id, command).await
    }

    /// Calls off a meeting not yet held; nothing more can be recorded of it.
    async fn cancel_board_meeting(
        &self,
        ctx: &Context<'_>,
        input: CancelBoardMeetingInput,
    ) -> ApiResult<BoardMeetingPayload> {
        let id = writable_meeting(ctx, &input.meeting_id).await?;
        let cc = command_context(
            ctx,
            "cancelBoardMeeting",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = BoardMeetingCommand::Cancel {
            cancelled_on: or_today(input.cancelled_on),
            reason: input.reason,
        };
        meeting_answer(ctx, cc, id, command).await
    }
}
