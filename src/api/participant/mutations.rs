//! Mutations on participants: register, update, consent, link, erase.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use serde::Serialize;
use uuid::Uuid;

use super::object::{may_see, may_see_details, ConsentPurpose, ErasureReason, Participant};
use crate::api::common::context::{internal, or_today, principal};
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::visible::{require_visible, Named};
use crate::api::common::write::{command_context, new_id, read_back, the_ledger, Receipt};
use crate::auth::Role;
use crate::domain::access::AccessPurpose;
use crate::domain::participant::{ParticipantCommand, PersonalDetails, SelfDescription};
use crate::ledger::CommandContext;
use crate::projections::read;

/// How a person describes themselves; every field optional.
#[derive(InputObject, Serialize, Default)]
pub struct SelfDescriptionInput {
    age_band: Option<String>,
    sex: Option<String>,
    ethnic_group: Option<String>,
    disability: Option<String>,
}

/// A person's details.
#[derive(InputObject, Serialize)]
pub struct PersonalDetailsInput {
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    postal_address: Option<String>,
    #[graphql(default)]
    self_description: SelfDescriptionInput,
}

impl From<PersonalDetailsInput> for PersonalDetails {
    fn from(d: PersonalDetailsInput) -> Self {
        Self {
            display_name: d.display_name,
            email: d.email,
            phone: d.phone,
            postal_address: d.postal_address,
            self_description: SelfDescription {
                age_band: d.self_description.age_band,
                sex: d.self_description.sex,
                ethnic_group: d.self_description.ethnic_group,
                disability: d.self_description.disability,
            },
        }
    }
}

/// Register a participant of an organisation.
#[derive(InputObject, Serialize)]
pub struct RegisterParticipantInput {
    organisation: String,
    details: PersonalDetailsInput,
    /// Defaults to today.
    registered_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Replace a participant's details.
#[derive(InputObject, Serialize)]
pub struct UpdateParticipantDetailsInput {
    participant_id: ID,
    details: PersonalDetailsInput,
    /// Defaults to today.
    updated_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Record consent given or withdrawn.
#[derive(InputObject, Serialize)]
pub struct RecordConsentInput {
    participant_id: ID,
    purpose: ConsentPurpose,
    given: bool,
    /// Defaults to today.
    on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Link a participant to an activity they attended or an input item they raised.
#[derive(InputObject, Serialize)]
pub struct LinkParticipantInput {
    participant_id: ID,
    /// Exactly one of `activityId` and `inputItemId`.
    activity_id: Option<ID>,
    input_item_id: Option<ID>,
    idempotency_key: Option<String>,
}

/// Erase a participant (admins only).
#[derive(InputObject, Serialize)]
pub struct EraseParticipantInput {
    participant_id: ID,
    reason: ErasureReason,
    /// When the person asked; defaults to today.
    requested_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// A participant after a mutation.
#[derive(SimpleObject)]
pub struct ParticipantPayload {
    participant: Participant,
    receipt: Receipt,
}

/// The participant `id`, if the caller may change it.
async fn writable(ctx: &Context<'_>, id: &ID) -> Result<Uuid, ApiError> {
    let who = principal(ctx)?;
    let id = parse_id("participantId", id)?;
    let found = read::participant(the_ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?;
    match found {
        Some((doc, _)) if may_see_details(who, doc.organisation.as_str()) => Ok(id),
        Some((doc, _)) if may_see(who, doc.organisation.as_str()) => Err(ApiError::Forbidden(
            "only the organisation's officers and board secretaries change participants".into(),
        )),
        _ => Err(ApiError::NotFound(
            "participantId: participant not found".into(),
        )),
    }
}

async fn run(
    ctx: &Context<'_>,
    cc: CommandContext,
    id: Uuid,
    command: ParticipantCommand,
) -> ApiResult<ParticipantPayload> {
    let ledger = the_ledger(ctx);
    let outcome = ledger.participant(&id.to_string(), command, &cc).await;
    let load = |id| async move {
        Ok(read::participant(ledger.db(), id)
            .await?
            .map(|(doc, _)| doc))
    };
    let (doc, receipt) = read_back(ctx, "participant", outcome, load).await?;
    Ok(ParticipantPayload {
        participant: Participant::new(doc, AccessPurpose::ViewRecord),
        receipt,
    })
}

#[derive(Default)]
pub struct ParticipantMutations;

#[Object]
impl ParticipantMutations {
    /// Registers a person; their details are encrypted with a key of their own.
    async fn register_participant(
        &self,
        ctx: &Context<'_>,
        input: RegisterParticipantInput,
    ) -> ApiResult<ParticipantPayload> {
        let who = principal(ctx)?;
        if !may_see_details(who, &input.organisation.trim().to_ascii_uppercase()) {
            return Err(ApiError::Forbidden(
                "organisation: only its engagement officers and board secretaries register participants".into(),
            )
            .into());
        }
        let cc = command_context(
            ctx,
            "registerParticipant",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let id = new_id(ctx);
        let command = ParticipantCommand::Register {
            participant_id: id,
            organisation: input.organisation,
            details: input.details.into(),
            registered_on: or_today(input.registered_on),
        };
        run(ctx, cc, id, command).await
    }

    /// Replaces a participant's details (the earlier ones stay sealed in the log).
    async fn update_participant_details(
        &self,
        ctx: &Context<'_>,
        input: UpdateParticipantDetailsInput,
    ) -> ApiResult<ParticipantPayload> {
        let id = writable(ctx, &input.participant_id).await?;
        let cc = command_context(
            ctx,
            "updateParticipantDetails",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ParticipantCommand::UpdateDetails {
            details: input.details.into(),
            updated_on: or_today(input.updated_on),
        };
        run(ctx, cc, id, command).await
    }

    /// Records consent given or withdrawn for one purpose.
    async fn record_consent(
        &self,
        ctx: &Context<'_>,
        input: RecordConsentInput,
    ) -> ApiResult<ParticipantPayload> {
        let id = writable(ctx, &input.participant_id).await?;
        let cc = command_context(ctx, "recordConsent", &input, input.idempotency_key.as_ref())?;
        let command = ParticipantCommand::RecordConsent {
            purpose: input.purpose.into(),
            given: input.given,
            on: or_today(input.on),
        };
        run(ctx, cc, id, command).await
    }

    /// Links a participant to an activity they attended or an input item they raised.
    async fn link_participant(
        &self,
        ctx: &Context<'_>,
        input: LinkParticipantInput,
    ) -> ApiResult<ParticipantPayload> {
        let id = writable(ctx, &input.participant_id).await?;
        let command = match (&input.activity_id, &input.input_item_id) {
            (Some(activity), None) => {
                let activity_id = parse_id("activityId", activity)?;
                require_visible(ctx, "activityId", Named::Activity, activity_id).await?;
                ParticipantCommand::LinkToActivity { activity_id }
            }
            (None, Some(item)) => {
                let input_item_id = parse_id("inputItemId", item)?;
                require_visible(ctx, "inputItemId", Named::InputItem, input_item_id).await?;
                ParticipantCommand::LinkToInputItem { input_item_id }
            }
            _ => {
                return Err(ApiError::Validation(
                    "give exactly one of activityId and inputItemId".into(),
                )
                .into());
            }
        };
        let cc = command_context(
            ctx,
            "linkParticipant",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        run(ctx, cc, id, command).await
    }

    /// Erases a participant: destroys their key and records the erasure. Admins only. Their
    /// record remains as a tombstone and the log still verifies; their data cannot be read again.
    async fn erase_participant(
        &self,
        ctx: &Context<'_>,
        input: EraseParticipantInput,
    ) -> ApiResult<ParticipantPayload> {
        let who = principal(ctx)?;
        let id = parse_id("participantId", &input.participant_id)?;
        let found = read::participant(the_ledger(ctx).db(), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        if !found.is_some_and(|(d, _)| may_see(who, d.organisation.as_str())) {
            return Err(ApiError::NotFound("participantId: participant not found".into()).into());
        }
        if who.role != Role::Admin {
            return Err(ApiError::Forbidden("only admins erase participants".into()).into());
        }
        let cc = command_context(
            ctx,
            "eraseParticipant",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ParticipantCommand::Erase {
            reason: input.reason.into(),
            requested_on: or_today(input.requested_on),
        };
        run(ctx, cc, id, command).await
    }
}
