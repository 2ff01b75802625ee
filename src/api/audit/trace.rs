//! Traces from input to outcome and back: an input item, an action, a board decision (the
//! field-by-field history of a record is in [`history`](super::history)).

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::SecondsFormat;

use crate::api::common::access::{can_read_activity, can_read_item};
use crate::api::common::context::{internal, ledger, principal};
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::common::ids::{not_found, parse_id};
use crate::audit::trace;
use crate::projections::{board_read, read};

/// Who recorded a step; all null when they acted only for organisations the caller may not
/// read.
#[derive(SimpleObject)]
pub struct TraceActor {
    subject: Option<String>,
    role: Option<String>,
    /// The organisations the actor's token named, comma-separated.
    organisations: Option<String>,
}

/// One step of a trace: an event, in the order it was recorded.
#[derive(SimpleObject)]
pub struct TraceStep {
    log_position: i64,
    /// When it was recorded (RFC 3339, UTC).
    recorded_at: String,
    /// The day it happened, where the event says.
    occurred_on: Option<Date>,
    aggregate_type: String,
    aggregate_id: ID,
    sequence: i64,
    event_type: String,
    summary: String,
    actor: TraceActor,
    hash: String,
    prev_hash: String,
}

/// Everything connected to some input, on one timeline.
#[derive(SimpleObject)]
pub struct Trace {
    /// The input items traced.
    input_item_ids: Vec<ID>,
    steps: Vec<TraceStep>,
}

impl From<trace::Step> for TraceStep {
    fn from(s: trace::Step) -> Self {
        Self {
            log_position: s.at.position,
            recorded_at: s.recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            occurred_on: s.occurred_on.map(Date),
            aggregate_type: s.aggregate_type,
            aggregate_id: s.aggregate_id.into(),
            sequence: s.sequence,
            event_type: s.event_type,
            summary: s.summary,
            actor: TraceActor {
                subject: s.actor_subject,
                role: s.actor_role,
                organisations: s.actor_organisations,
            },
            hash: s.hash,
            prev_hash: s.prev_hash,
        }
    }
}

impl From<trace::Trace> for Trace {
    fn from(t: trace::Trace) -> Self {
        Self {
            input_item_ids: t.input_items.into_iter().map(Into::into).collect(),
            steps: t.steps.into_iter().map(Into::into).collect(),
        }
    }
}

/// Refuses, as not found, an input item the caller may not see (neither its owner nor the
/// partner it is referred to).
pub(super) async fn visible_item(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<()> {
    let who = principal(ctx)?;
    let visible = read::input_item(ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?
        .is_some_and(|v| can_read_item(who, &v.doc));
    if visible {
        Ok(())
    } else {
        Err(not_found("input item").into())
    }
}

/// Refuses, as not found, an action of another organisation.
pub(super) async fn visible_action(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<()> {
    let who = principal(ctx)?;
    let visible = read::action(ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?
        .is_some_and(|a| who.can_read(a.owner_organisation.as_str()));
    if visible {
        Ok(())
    } else {
        Err(not_found("action").into())
    }
}

/// Refuses, as not found, an activity the caller neither led nor partnered.
pub(super) async fn visible_activity(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<()> {
    let who = principal(ctx)?;
    let visible = read::activity(ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?
        .is_some_and(|(a, _)| can_read_activity(who, &a));
    if visible {
        Ok(())
    } else {
        Err(not_found("activity").into())
    }
}

/// Queries tracing input to outcome and back.
#[derive(Default)]
pub struct TraceQueries;

#[Object]
impl TraceQueries {
    /// Everything connected to an input item, in the order it was recorded: its activity, the
    /// item, each decision and revision, linked actions with their progress and outcome, board
    /// decisions citing it, and feedback; each step with its actor, position and hash. Only
    /// records the caller may read are followed, and another organisation's staff are not
    /// named (the step's actor is null).
    async fn trace(&self, ctx: &Context<'_>, input_item_id: ID) -> ApiResult<Trace> {
        let id = parse_id("inputItemId", &input_item_id)?;
        visible_item(ctx, id).await?;
        let found = trace::trace_input_item(ledger(ctx).db(), principal(ctx)?, id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(found.into())
    }

    /// An action and the input that led to it (while the caller may read it), traced the same
    /// way.
    async fn trace_action(&self, ctx: &Context<'_>, action_id: ID) -> ApiResult<Trace> {
        let id = parse_id("actionId", &action_id)?;
        visible_action(ctx, id).await?;
        let found = trace::trace_action(ledger(ctx).db(), principal(ctx)?, id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(found.into())
    }

    /// A board decision and the input and actions it cited, traced the same way.
    async fn trace_board_decision(
        &self,
        ctx: &Context<'_>,
        meeting_id: ID,
        decision_id: ID,
    ) -> ApiResult<Trace> {
        let meeting = parse_id("meetingId", &meeting_id)?;
        let decision = parse_id("decisionId", &decision_id)?;
        let who = principal(ctx)?;
        let db = ledger(ctx).db();
        let visible = board_read::meeting(db, meeting)
            .await
            .map_err(|e| internal(ctx, e))?
            .is_some_and(|m| {
                who.can_read(m.organisation.as_str())
                    && m.decisions.iter().any(|d| d.decision_id == decision)
            });
        if !visible {
            return Err(not_found("board decision").into());
        }
        let found = trace::trace_board_decision(db, who, meeting, decision)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(found.into())
    }
}
