//! Mutations on actions.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use serde::Serialize;
use uuid::Uuid;

use super::object::Action;
use crate::api::common::context::{internal, or_today, principal, Views};
use crate::api::common::correction::CorrectionInput;
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::lists::short;
use crate::api::common::visible::{require_all_visible, Named};
use crate::api::common::write::{
    command_context, new_record, read_back, require_officer, the_ledger, Receipt,
};
use crate::domain::action::{ActionChanges, ActionCommand};
use crate::domain::common::OdsCode;
use crate::ledger::CommandContext;
use crate::projections::read;

/// Propose an action in response to input items, or to none when it starts from elsewhere
/// (items can be linked later with `linkInputItemToAction`).
#[derive(InputObject, Serialize)]
pub struct ProposeActionInput {
    title: String,
    owner_organisation: String,
    /// The role answerable for it, for example "Head of Patient Experience".
    owner_role: String,
    /// Where it is decided, for example "Quality Committee".
    decision_forum: String,
    due_on: Date,
    #[graphql(default, validator(custom = "short(\"inputItemIds\")"))]
    input_item_ids: Vec<ID>,
    /// Defaults to today.
    proposed_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Record that an action was agreed.
#[derive(InputObject, Serialize)]
pub struct AgreeActionInput {
    action_id: ID,
    /// Defaults to today.
    agreed_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Record progress on an action.
#[derive(InputObject, Serialize)]
pub struct RecordActionProgressInput {
    action_id: ID,
    /// Defaults to today.
    recorded_on: Option<Date>,
    note: String,
    idempotency_key: Option<String>,
}

/// Record that an action was completed, with its outcome and evidence.
#[derive(InputObject, Serialize)]
pub struct CompleteActionInput {
    action_id: ID,
    /// Defaults to today.
    completed_on: Option<Date>,
    outcome: String,
    evidence: String,
    idempotency_key: Option<String>,
}

/// Record that an action was abandoned, with the reason.
#[derive(InputObject, Serialize)]
pub struct AbandonActionInput {
    action_id: ID,
    /// Defaults to today.
    abandoned_on: Option<Date>,
    reason: String,
    idempotency_key: Option<String>,
}

/// Move an action's due date, with the reason.
#[derive(InputObject, Serialize)]
pub struct ChangeActionDueDateInput {
    action_id: ID,
    /// Defaults to today.
    changed_on: Option<Date>,
    due_on: Date,
    reason: String,
    idempotency_key: Option<String>,
}

/// Tie an input item to an existing action, from the day it began to answer it: an action
/// agreed before the input was raised shows the `DECIDED_BEFORE_INPUT` warning, as it should.
#[derive(InputObject, Serialize)]
pub struct LinkInputItemToActionInput {
    action_id: ID,
    input_item_id: ID,
    /// Defaults to today; not before the action was proposed.
    linked_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Undo a link made in error: the action never answered the item, as of any date.
#[derive(InputObject, Serialize)]
pub struct UnlinkInputItemFromActionInput {
    action_id: ID,
    input_item_id: ID,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// Put right what an action's record says: give only the fields that were wrong, and why. The
/// record's history keeps what it said before. Dates must stay in order with what else was
/// recorded (proposed, then agreed, then progress and completion); an agreement or completion
/// date, outcome or evidence can be amended only once that step is recorded.
#[derive(InputObject, Serialize)]
pub struct AmendActionInput {
    action_id: ID,
    title: Option<String>,
    /// Hands the action to another of your organisations; it must own, or have been referred,
    /// every input item the action answers.
    owner_organisation: Option<String>,
    owner_role: Option<String>,
    decision_forum: Option<String>,
    proposed_on: Option<Date>,
    agreed_on: Option<Date>,
    completed_on: Option<Date>,
    outcome: Option<String>,
    evidence: Option<String>,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// An action after a mutation.
#[derive(SimpleObject)]
pub struct ActionPayload {
    action: Action,
    receipt: Receipt,
}

async fn writable_action(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
    let who = principal(ctx)?;
    require_officer(who)?;
    let id = parse_id("actionId", id)?;
    let owner = the_ledger(ctx)
        .lookups()
        .action_owner(id)
        .await
        .map_err(|e| internal(ctx, e.into()))?;
    match owner {
        Some(owner) if who.can_write(owner.as_str()) => Ok(id),
        _ => Err(ApiError::NotFound("actionId: action not found".into())),
    }
}

async fn run(
    ctx: &Context<'_>,
    cc: CommandContext,
    id: Uuid,
    command: ActionCommand,
) -> ApiResult<ActionPayload> {
    let ledger = the_ledger(ctx);
    let outcome = ledger.action(&id.to_string(), command, &cc).await;
    let (doc, receipt) =
        read_back(ctx, "action", outcome, |id| read::action(ledger.db(), id)).await?;
    Ok(ActionPayload {
        action: Action(doc, Views::Live),
        receipt,
    })
}

#[derive(Default)]
pub struct ActionMutations;

#[Object]
impl ActionMutations {
    /// Proposes an action owned by one of the caller's organisations, linked to input items it
    /// owns or that were referred to it.
    async fn propose_action(
        &self,
        ctx: &Context<'_>,
        input: ProposeActionInput,
    ) -> ApiResult<ActionPayload> {
        let who = principal(ctx)?;
        require_officer(who)?;
        if !who.can_write(&input.owner_organisation.trim().to_ascii_uppercase()) {
            return Err(ApiError::Forbidden(
                "ownerOrganisation: not one of your organisations".into(),
            )
            .into());
        }
        let items = input
            .input_item_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                Uuid::parse_str(id.as_str()).map_err(|_| {
                    ApiError::Validation(format!("inputItemIds[{i}]: is not a valid id"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        require_all_visible(ctx, "inputItemIds", Named::InputItem, &items).await?;
        let mut cc = command_context(ctx, "proposeAction", &input, input.idempotency_key.as_ref())?;
        let id = new_record(ctx, &mut cc);
        let command = ActionCommand::Propose {
            action_id: id,
            title: input.title,
            owner_organisation: input.owner_organisation,
            owner_role: input.owner_role,
            decision_forum: input.decision_forum,
            due_on: input.due_on.0,
            input_items: items,
            proposed_on: or_today(input.proposed_on),
        };
        run(ctx, cc, id, command).await
    }

    /// Records that the action was agreed.
    async fn agree_action(
        &self,
        ctx: &Context<'_>,
        input: AgreeActionInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let cc = command_context(ctx, "agreeAction", &input, input.idempotency_key.as_ref())?;
        run(
            ctx,
            cc,
            id,
            ActionCommand::Agree {
                agreed_on: or_today(input.agreed_on),
            },
        )
        .await
    }

    /// Records progress on the action.
    async fn record_action_progress(
        &self,
        ctx: &Context<'_>,
        input: RecordActionProgressInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let cc = command_context(
            ctx,
            "recordActionProgress",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActionCommand::RecordProgress {
            recorded_on: or_today(input.recorded_on),
            note: input.note,
        };
        run(ctx, cc, id, command).await
    }

    /// Records that the action was completed; outcome and evidence are required.
    async fn complete_action(
        &self,
        ctx: &Context<'_>,
        input: CompleteActionInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let cc = command_context(
            ctx,
            "completeAction",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActionCommand::Complete {
            completed_on: or_today(input.completed_on),
            outcome: input.outcome,
            evidence: input.evidence,
        };
        run(ctx, cc, id, command).await
    }

    /// Records that the action was abandoned; a reason is required.
    async fn abandon_action(
        &self,
        ctx: &Context<'_>,
        input: AbandonActionInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let cc = command_context(ctx, "abandonAction", &input, input.idempotency_key.as_ref())?;
        let command = ActionCommand::Abandon {
            abandoned_on: or_today(input.abandoned_on),
            reason: input.reason,
        };
        run(ctx, cc, id, command).await
    }

    /// Moves the action's due date; a reason is required.
    async fn change_action_due_date(
        &self,
        ctx: &Context<'_>,
        input: ChangeActionDueDateInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let cc = command_context(
            ctx,
            "changeActionDueDate",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActionCommand::ChangeDueDate {
            changed_on: or_today(input.changed_on),
            due_on: input.due_on.0,
            reason: input.reason,
        };
        run(ctx, cc, id, command).await
    }

    /// Ties an input item to an action from the day it began to answer it.
    async fn link_input_item_to_action(
        &self,
        ctx: &Context<'_>,
        input: LinkInputItemToActionInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let item = parse_id("inputItemId", &input.input_item_id)?;
        require_all_visible(ctx, "inputItemId", Named::InputItem, &[item]).await?;
        let cc = command_context(
            ctx,
            "linkInputItemToAction",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActionCommand::LinkInputItem {
            input_item_id: item,
            linked_on: or_today(input.linked_on),
        };
        run(ctx, cc, id, command).await
    }

    /// Undoes a link to an input item made in error, with the reason.
    async fn unlink_input_item_from_action(
        &self,
        ctx: &Context<'_>,
        input: UnlinkInputItemFromActionInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let item = parse_id("inputItemId", &input.input_item_id)?;
        let cc = command_context(
            ctx,
            "unlinkInputItemFromAction",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActionCommand::UnlinkInputItem {
            input_item_id: item,
            correction: input.reason.into(),
        };
        run(ctx, cc, id, command).await
    }

    /// Puts right what an action's record says, with the reason; only the fields given change,
    /// and its history keeps what they said before.
    async fn amend_action(
        &self,
        ctx: &Context<'_>,
        input: AmendActionInput,
    ) -> ApiResult<ActionPayload> {
        let id = writable_action(ctx, &input.action_id).await?;
        let owner = input
            .owner_organisation
            .as_deref()
            .map(|o| OdsCode::parse("ownerOrganisation", o))
            .transpose()
            .map_err(|e| ApiError::Validation(e.to_string()))?;
        let who = principal(ctx)?;
        if owner.as_ref().is_some_and(|o| !who.can_write(o.as_str())) {
            return Err(ApiError::Forbidden(
                "ownerOrganisation: not one of your organisations".into(),
            )
            .into());
        }
        let cc = command_context(ctx, "amendAction", &input, input.idempotency_key.as_ref())?;
        let date = |d: Option<Date>| d.map(|d| d.0);
        let command = ActionCommand::Amend {
            changes: ActionChanges {
                title: input.title,
                owner_organisation: owner,
                owner_role: input.owner_role,
                decision_forum: input.decision_forum,
                proposed_on: date(input.proposed_on),
                agreed_on: date(input.agreed_on),
                completed_on: date(input.completed_on),
                outcome: input.outcome,
                evidence: input.evidence,
            },
            correction: input.reason.into(),
        };
        run(ctx, cc, id, command).await
    }
}
