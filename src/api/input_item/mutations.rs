//! Mutations on input items: record, decide, revise, feedback, and the corrections: amend,
//! withdraw, reinstate.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use serde::Serialize;
use uuid::Uuid;

use super::enums::{DecisionOutcome, InputKind, RaisedBy};
use super::object::InputItem;
use crate::api::activity::mutations::writable_activity;
use crate::api::common::context::{internal, or_today, principal, today, Views};
use crate::api::common::correction::{CorrectionInput, FeedbackAmendment};
use crate::api::common::enums::{Date, FeedbackChannel};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::lists::short;
use crate::api::common::write::{
    command_context, committed, missing, new_record, require_officer, the_ledger, Receipt,
};
use crate::domain::input_item::{InputItemChanges, InputItemCommand};
use crate::domain::services::{InputItemFacts, Lookups};
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
    /// Defaults to today.
    decided_on: Option<Date>,
    /// Why the decision changed.
    why: String,
    idempotency_key: Option<String>,
}

/// Record that participants were told what happened to an input item.
#[derive(InputObject, Serialize)]
pub struct RecordInputFeedbackInput {
    input_item_id: ID,
    /// Defaults to today.
    given_on: Option<Date>,
    channel: FeedbackChannel,
    summary: String,
    idempotency_key: Option<String>,
}

/// Put right what an input item's record says: give only the fields that were wrong, and why.
/// The record's history keeps what it said before.
#[derive(InputObject, Serialize)]
pub struct AmendInputItemInput {
    input_item_id: ID,
    kind: Option<InputKind>,
    summary: Option<String>,
    /// The whole corrected list of themes.
    #[graphql(validator(custom = "short(\"themes\")"))]
    themes: Option<Vec<String>>,
    raised_by: Option<RaisedBy>,
    /// Verdicts as of every date follow the corrected date; `recordedAsOf` before this
    /// correction still answers with the old one.
    raised_on: Option<Date>,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// Withdraw an input item recorded in error (reason `RECORDED_IN_ERROR`) or repeating another
/// (reason `DUPLICATE`, naming it in `duplicateOf`). It stays visible, marked `WITHDRAWN`, and
/// counts in no roll-up, scorecard, report or "you said, we did" until reinstated.
#[derive(InputObject, Serialize)]
pub struct WithdrawInputItemInput {
    input_item_id: ID,
    reason: CorrectionInput,
    /// The item this one repeats (of the same organisation).
    duplicate_of: Option<ID>,
    /// Must be true to withdraw an item that has a decision: the decision goes with it.
    #[graphql(default)]
    withdraw_decision: bool,
    idempotency_key: Option<String>,
}

/// Put right feedback given on an input item.
#[derive(InputObject, Serialize)]
pub struct AmendInputFeedbackInput {
    input_item_id: ID,
    feedback: FeedbackAmendment,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// Undo the withdrawal of an input item: it counts again, as it stood before.
#[derive(InputObject, Serialize)]
pub struct ReinstateInputItemInput {
    input_item_id: ID,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// An input item after a mutation, with its verdict as of today.
#[derive(SimpleObject)]
pub struct InputItemPayload {
    pub(super) input_item: InputItem,
    receipt: Receipt,
}

pub(super) fn no_such_item() -> ApiError {
    ApiError::NotFound("inputItemId: input item not found".into())
}

/// The item `id` and what rules know of it, for an officer changing it.
async fn item_facts(ctx: &Context<'_>, id: &ID) -> Result<(Uuid, InputItemFacts), ApiError> {
    require_officer(principal(ctx)?)?;
    let id = parse_id("inputItemId", id)?;
    let facts = the_ledger(ctx)
        .lookups()
        .input_item(id)
        .await
        .map_err(|e| internal(ctx, e.into()))?
        .ok_or_else(no_such_item)?;
    Ok((id, facts))
}

/// The item `id` and the organisation the caller acts for on it: the partner it is referred
/// to, or its owner.
async fn writable_item(ctx: &Context<'_>, id: &ID) -> Result<(Uuid, String), ApiError> {
    let (id, facts) = item_facts(ctx, id).await?;
    let who = principal(ctx)?;
    let owner = facts.organisation.to_string();
    let referee = facts.referred_to.map(|r| r.to_string());
    if let Some(referee) = referee.filter(|r| who.can_write(r)) {
        return Ok((id, referee));
    }
    if who.can_write(&owner) {
        return Ok((id, owner));
    }
    Err(no_such_item())
}

/// The item `id`, for a correction: only its owner's officers may correct it. A partner it is
/// referred to sees it, and is refused; anyone else is told it does not exist.
pub(super) async fn owned_item(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
    let (id, facts) = item_facts(ctx, id).await?;
    let who = principal(ctx)?;
    let owner = facts.organisation.as_str();
    if who.can_write(owner) {
        return Ok(id);
    }
    if who.can_read_item(owner, facts.referred_to.as_ref().map(|r| r.as_str())) {
        return Err(ApiError::Forbidden(
            "inputItemId: only the organisation that owns this input item may correct it".into(),
        ));
    }
    Err(no_such_item())
}

pub(super) async fn run(
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

    /// Puts right what an input item's record says, with the reason; only the fields given
    /// change, and its history keeps what they said before.
    async fn amend_input_item(
        &self,
        ctx: &Context<'_>,
        input: AmendInputItemInput,
    ) -> ApiResult<InputItemPayload> {
        let id = owned_item(ctx, &input.input_item_id).await?;
        let cc = command_context(
            ctx,
            "amendInputItem",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = InputItemCommand::Amend {
            changes: InputItemChanges {
                kind: input.kind.map(Into::into),
                summary: input.summary,
                themes: input.themes,
                raised_by: input.raised_by.map(Into::into),
                raised_on: input.raised_on.map(|d| d.0),
            },
            correction: input.reason.into(),
        };
        run(ctx, cc, id, command).await
    }

    /// Withdraws an input item recorded in error or as a duplicate; it stays visible as
    /// `WITHDRAWN` and counts in nothing until reinstated.
    async fn withdraw_input_item(
        &self,
        ctx: &Context<'_>,
        input: WithdrawInputItemInput,
    ) -> ApiResult<InputItemPayload> {
        let id = owned_item(ctx, &input.input_item_id).await?;
        let duplicate_of = input
            .duplicate_of
            .as_ref()
            .map(|d| parse_id("duplicateOf", d))
            .transpose()?;
        let cc = command_context(
            ctx,
            "withdrawInputItem",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = InputItemCommand::Withdraw {
            correction: input.reason.into(),
            duplicate_of,
            with_decision: input.withdraw_decision,
        };
        run(ctx, cc, id, command).await
    }

    /// Undoes the withdrawal of an input item.
    async fn reinstate_input_item(
        &self,
        ctx: &Context<'_>,
        input: ReinstateInputItemInput,
    ) -> ApiResult<InputItemPayload> {
        let id = owned_item(ctx, &input.input_item_id).await?;
        let cc = command_context(
            ctx,
            "reinstateInputItem",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = InputItemCommand::Reinstate {
            correction: input.reason.into(),
        };
        run(ctx, cc, id, command).await
    }

    /// Puts right feedback given on an input item, with the reason.
    async fn amend_input_feedback(
        &self,
        ctx: &Context<'_>,
        input: AmendInputFeedbackInput,
    ) -> ApiResult<InputItemPayload> {
        let id = owned_item(ctx, &input.input_item_id).await?;
        let cc = command_context(
            ctx,
            "amendInputFeedback",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let (index, changes) = input.feedback.split();
        let command = InputItemCommand::AmendFeedback {
            index,
            changes,
            correction: input.reason.into(),
        };
        run(ctx, cc, id, command).await
    }
}
