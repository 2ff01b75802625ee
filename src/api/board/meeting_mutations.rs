//! Mutations on board meetings: schedule, papers issued, held, decisions taken, postponed,
//! cancelled, and amended (a correction).

use async_graphql::{Context, InputObject, Object, ID};
use serde::Serialize;
use uuid::Uuid;

use super::write::{
    meeting_answer, parse_ids, writable_board, writable_meeting, BoardMeetingPayload,
};
use crate::api::common::context::or_today;
use crate::api::common::correction::CorrectionInput;
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::common::ids::parse_id;
use crate::api::common::lists::{attendees, short};
use crate::api::common::visible::{require_all_visible, Named};
use crate::api::common::write::{command_context, new_id, new_record};
use crate::domain::board_meeting::{BoardMeetingCommand, DecisionCitations, MeetingChanges};

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

/// The corrected citations of one decision taken at the meeting; each list given replaces the
/// recorded one whole.
#[derive(InputObject, Serialize)]
pub struct BoardDecisionCitationsInput {
    decision_id: ID,
    #[graphql(validator(custom = "short(\"decision.citedInputItemIds\")"))]
    cited_input_item_ids: Option<Vec<ID>>,
    #[graphql(validator(custom = "short(\"decision.citedActionIds\")"))]
    cited_action_ids: Option<Vec<ID>>,
}

/// Put a meeting's recorded facts right: each field given replaces the recorded one, and the
/// reason is kept with the record. What holding the meeting recorded (the day held, attendance,
/// quorum, a decision's citations) can be put right once it was held. A decision's citations
/// are amended here, not by a mutation of their own: a decision belongs to its meeting, so one
/// correction of the meeting names what it put right, with one reason, and is one event.
#[derive(InputObject, Serialize)]
pub struct AmendBoardMeetingInput {
    meeting_id: ID,
    /// The day in force (after a postponement, the day it was moved to, and after the day it
    /// was moved from).
    scheduled_for: Option<Date>,
    /// The day the papers went out, once recorded; not in the future.
    papers_issued_on: Option<Date>,
    /// Not in the future; everyone attending must have held their seat that day. Attendance
    /// as of every date follows the corrected day; `recordedAsOf` before this correction still
    /// answers with the old one.
    held_on: Option<Date>,
    /// The whole corrected list of appointments whose holders attended.
    #[graphql(validator(custom = "attendees(\"attendedAppointmentIds\")"))]
    attended_appointment_ids: Option<Vec<ID>>,
    quorate: Option<bool>,
    /// A decision taken at the meeting, and what it should have cited.
    decision: Option<BoardDecisionCitationsInput>,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// The ids of `field`, if given, each checked as one the caller may see.
async fn visible_ids(
    ctx: &Context<'_>,
    field: &str,
    named: Named,
    ids: Option<&Vec<ID>>,
) -> ApiResult<Option<Vec<Uuid>>> {
    let Some(ids) = ids else {
        return Ok(None);
    };
    let parsed = parse_ids(field, ids)?;
    require_all_visible(ctx, field, named, &parsed).await?;
    Ok(Some(parsed))
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

    /// Puts a meeting's recorded facts right, keeping the reason and what the record said before.
    async fn amend_board_meeting(
        &self,
        ctx: &Context<'_>,
        input: AmendBoardMeetingInput,
    ) -> ApiResult<BoardMeetingPayload> {
        let id = writable_meeting(ctx, &input.meeting_id).await?;
        let attended = visible_ids(
            ctx,
            "attendedAppointmentIds",
            Named::Appointment,
            input.attended_appointment_ids.as_ref(),
        )
        .await?;
        let decision = match &input.decision {
            Some(d) => Some(DecisionCitations {
                decision_id: parse_id("decision.decisionId", &d.decision_id)?,
                cited_input_items: visible_ids(
                    ctx,
                    "decision.citedInputItemIds",
                    Named::InputItem,
                    d.cited_input_item_ids.as_ref(),
                )
                .await?,
                cited_actions: visible_ids(
                    ctx,
                    "decision.citedActionIds",
                    Named::Action,
                    d.cited_action_ids.as_ref(),
                )
                .await?,
            }),
            None => None,
        };
        let cc = command_context(
            ctx,
            "amendBoardMeeting",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = BoardMeetingCommand::Amend {
            changes: MeetingChanges {
                scheduled_for: input.scheduled_for.map(|d| d.0),
                papers_issued_on: input.papers_issued_on.map(|d| d.0),
                held_on: input.held_on.map(|d| d.0),
                attended,
                quorate: input.quorate,
                decision,
            },
            correction: input.reason.into(),
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
