//! Mutations on input items: record, decide, revise, feedback.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use serde::Serialize;
use uuid::Uuid;

use super::enums::{DecisionOutcome, InputKind, RaisedBy};
use super::object::InputItem;
use crate::api::activity::mutations::writable_activity;
use crate::api::common::context::{internal, or_today, principal, today, Views};
use crate::api::common::enums::{Date, FeedbackChannel};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::lists::short;
use crate::api::common::write::{
    command_context, committed, missing, new_record, require_officer, the_ledger, Receipt,
};
use crate::domain::input_item::InputItemCommand;
use crate::domain::services::Lookups;
use crate::ledger::CommandContext;
use crate::projections::docs::InputItemDoc;
use crate::projections::read;

/// Record a piece of input raised at an activity.
#[derive(InputObject, Serialize)]
pub struct RecordInputItemInput {
    activity_id: ID,
    kind: InputKind,
    summary: String,
    #[graphql(default, validator(custom = "short(\"themes\")"))]
    themes: Vec<String>,
    raised_by: RaisedBy,
    /// Defaults to today.
    raised_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Decide on an input item (or revise the decision, with `why`).
#[derive(InputObject, Serialize)]
pub struct DecideInputItemInput {
    input_item_id: ID,
    outcome: DecisionOutcome,
    /// Required when DECLINED (the reason) or ALREADY_IN_PLACE (the explanation).
    #[graphql(default)]
    reason: String,
    /// The partner organisation (ODS code) when REFERRED.
    referred_to: Option<String>,
    /// Defaults to today.
    decided_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Revise the decision on an input item; the earlier decision stays in history.
#[derive(InputObject, Serialize)]
pub struct ReviseDecisionInput {
    input_item_id: ID,
    outcome: DecisionOutcome,
    #[graphql(default)]
    reason: String,
    referred_to: Option<String>,
    decided_on: Option<Date>,
    /// Why the decision changed.
    why: String,
    idempotency_key: Option<String>,
}

/// Record that participants were told what happened to an input item.
#[derive(InputObject, Serialize)]
pub struct RecordInputFeedbackInput {
    input_item_id: ID,
    given_on: Option<Date>,
    channel: FeedbackChannel,
    summary: String,
    idempotency_key: Option<String>,
}

/// An input item after a mutation, with its verdict as of today.
#[derive(SimpleObject)]
pub struct InputItemPayload {
    input_item: InputItem,
    receipt: Receipt,
}

/// The item `id` and the organisation the caller acts for on it: the partner it is referred
/// to, or its owner.
async fn writable_item(ctx: &Context<'_>, id: &ID) -> Result<(Uuid, String), ApiError> {
    let who = principal(ctx)?;
    require_officer(who)?;
    let id = parse_id("inputItemId", id)?;
    let facts = the_ledger(ctx)
        .lookups()
        .input_item(id)
        .await
        .map_err(|e| internal(ctx, e.into()))?;
    let Some(facts) = facts else {
        return Err(ApiError::NotFound(
            "inputItemId: input item not found".into(),
        ));
    };
    let owner = facts.organisation.to_string();
    let referee = facts.referred_to.map(|r| r.to_string());
    if let Some(referee) = referee.filter(|r| who.can_write(r)) {
        return Ok((id, referee));
    }
    if who.can_write(&owner) {
        return Ok((id, owner));
    }
    Err(ApiError::NotFound(
        "inputItemId: input item not found".into(),
    ))
}

async fn run(
    ctx: &Context<'_>,
    cc: CommandContext,
    id: Uuid,
    command: InputItemCommand,
) -> ApiResult<InputItemPayload> {
    let ledger = the_ledger(ctx);
    let outcome = ledger.input_item(&id.to_string(), command, &cc).await;
    let (id, done) = committed(ctx, outcome)?;
    let receipt = Receipt::from(&done);
    // Its actions and verdict are read only if the answer asks for them.
    let input_item = match ledger.as_shown::<InputItemDoc>(&done) {
        Some((doc, created)) => InputItem::unjoined(doc, created, today(), Views::Live),
        None => {
            let view = read::input_item(ledger.db(), id)
                .await
                .map_err(|e| internal(ctx, e))?
                .ok_or_else(|| missing(ctx, "input item", id))?;
            InputItem::new(view, today(), Views::Live)
        }
    };
    Ok(InputItemPayload {
        input_item,
        receipt,
    })
}

#[derive(Default)]
pub struct InputItemMutations;

#[Object]
impl InputItemMutations {
    /// Records a piece of input raised at an activity; it is owned by the activity's lead organisation.
    async fn record_input_item(
        &self,
        ctx: &Context<'_>,
        input: RecordInputItemInput,
    ) -> ApiResult<InputItemPayload> {
        let activity = writable_activity(ctx, &input.activity_id).await?;
        let mut cc = command_context(
            ctx,
            "recordInputItem",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let id = new_record(ctx, &mut cc);
        let command = InputItemCommand::Record {
            input_item_id: id,
            activity_id: activity.id,
            kind: input.kind.into(),
            summary: input.summary,
            themes: input.themes,
            raised_by: input.raised_by.into(),
            raised_on: or_today(input.raised_on),
        };
        run(ctx, cc, id, command).await
    }

    /// Records the decision on an input item.
    async fn decide_input_item(
        &self,
        ctx: &Context<'_>,
        input: DecideInputItemInput,
    ) -> ApiResult<InputItemPayload> {
        let (id, acting_for) = writable_item(ctx, &input.input_item_id).await?;
        let cc = command_context(
            ctx,
            "decideInputItem",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = InputItemCommand::Decide {
            outcome: input.outcome.into(),
            reason: input.reason,
            referred_to: input.referred_to,
            decided_on: or_today(input.decided_on),
            decided_by: acting_for,
        };
        run(ctx, cc, id, command).await
    }

    /// Revises the decision on an input item; both stay in its history and the verdict follows the latest.
    async fn revise_decision(
        &self,
        ctx: &Context<'_>,
        input: ReviseDecisionInput,
    ) -> ApiResult<InputItemPayload> {
        let (id, acting_for) = writable_item(ctx, &input.input_item_id).await?;
        let cc = command_context(
            ctx,
            "reviseDecision",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = InputItemCommand::ReviseDecision {
            outcome: input.outcome.into(),
            reason: input.reason,
            referred_to: input.referred_to,
            decided_on: or_today(input.decided_on),
            decided_by: acting_for,
            why: input.why,
        };
        run(ctx, cc, id, command).await
    }

    /// Records that participants were told what happened to an input item.
    async fn record_input_feedback(
        &self,
        ctx: &Context<'_>,
        input: RecordInputFeedbackInput,
    ) -> ApiResult<InputItemPayload> {
        let (id, _) = writable_item(ctx, &input.input_item_id).await?;
        let cc = command_context(
            ctx,
            "recordInputFeedback",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = InputItemCommand::RecordFeedback {
            given_on: or_today(input.given_on),
            channel: input.channel.into(),
            summary: input.summary,
        };
        run(ctx, cc, id, command).await
    }
}
