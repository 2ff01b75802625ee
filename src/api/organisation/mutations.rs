//! Mutations on organisations.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use serde::Serialize;

use super::object::{Organisation, OrganisationKind};
use crate::api::common::context::{internal, principal, Views};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::write::{command_context, refused, require_officer, the_ledger, Receipt};
use crate::auth::Role;
use crate::domain::organisation::OrganisationCommand;
use crate::projections::read;

/// Register an organisation (admins only).
#[derive(InputObject, Serialize)]
pub struct RegisterOrganisationInput {
    ods_code: String,
    name: String,
    kind: OrganisationKind,
    /// The ICB's ODS code, for the integrated care system it belongs to.
    ics: Option<String>,
    idempotency_key: Option<String>,
}

/// Set how many days input may wait for a decision.
#[derive(InputObject, Serialize)]
pub struct SetResponseWindowInput {
    ods_code: String,
    days: u32,
    idempotency_key: Option<String>,
}

/// An organisation after a mutation.
#[derive(SimpleObject)]
pub struct OrganisationPayload {
    organisation: Organisation,
    receipt: Receipt,
}

async fn answer(ctx: &Context<'_>, code: &str, receipt: Receipt) -> ApiResult<OrganisationPayload> {
    let doc = read::organisation(the_ledger(ctx).db(), code)
        .await
        .map_err(|e| internal(ctx, e))?;
    let doc = doc.ok_or_else(|| {
        internal(
            ctx,
            anyhow::anyhow!("organisation {code} missing from views after commit"),
        )
    })?;
    Ok(OrganisationPayload {
        organisation: Organisation(doc, Views::Live),
        receipt,
    })
}

#[derive(Default)]
pub struct OrganisationMutations;

#[Object]
impl OrganisationMutations {
    /// Registers an organisation by its ODS code. Admins only.
    async fn register_organisation(
        &self,
        ctx: &Context<'_>,
        input: RegisterOrganisationInput,
    ) -> ApiResult<OrganisationPayload> {
        if principal(ctx)?.role != Role::Admin {
            return Err(ApiError::Forbidden("only admins register organisations".into()).into());
        }
        let cc = command_context(
            ctx,
            "registerOrganisation",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let code = input.ods_code.trim().to_ascii_uppercase();
        let command = OrganisationCommand::Register {
            ods_code: input.ods_code,
            name: input.name,
            kind: input.kind.into(),
            ics: input.ics,
        };
        let done = the_ledger(ctx)
            .organisation(&code, command, &cc)
            .await
            .map_err(|e| refused(ctx, e))?;
        answer(ctx, &done.aggregate_id, Receipt::from(&done)).await
    }

    /// Sets an organisation's response window in days (1 to 365).
    async fn set_response_window(
        &self,
        ctx: &Context<'_>,
        input: SetResponseWindowInput,
    ) -> ApiResult<OrganisationPayload> {
        let who = principal(ctx)?;
        let code = input.ods_code.trim().to_ascii_uppercase();
        require_officer(who)?;
        if !who.can_write(&code) {
            return Err(ApiError::NotFound("organisation not found".into()).into());
        }
        let cc = command_context(
            ctx,
            "setResponseWindow",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = OrganisationCommand::SetResponseWindow { days: input.days };
        let done = the_ledger(ctx)
            .organisation(&code, command, &cc)
            .await
            .map_err(|e| refused(ctx, e))?;
        answer(ctx, &done.aggregate_id, Receipt::from(&done)).await
    }
}
