//! Mutations on organisations.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use serde::Serialize;

use super::object::{Organisation, OrganisationKind};
use crate::api::common::context::{internal, principal, Views};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::lists::short;
use crate::api::common::write::{command_context, refused, require_officer, the_ledger, Receipt};
use crate::auth::Role;
use crate::domain::organisation::OrganisationCommand;
use crate::ledger::CommandContext;
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

/// Turn an organisation's public page on or off.
#[derive(InputObject, Serialize)]
pub struct SetPublicPageInput {
    ods_code: String,
    published: bool,
    idempotency_key: Option<String>,
}

/// Add a theme to the list an organisation codes its input with.
#[derive(InputObject, Serialize)]
pub struct AddThemeInput {
    ods_code: String,
    name: String,
    idempotency_key: Option<String>,
}

/// Rename a theme: input recorded under the old name counts, and shows, under the new one.
#[derive(InputObject, Serialize)]
pub struct RenameThemeInput {
    ods_code: String,
    from: String,
    to: String,
    idempotency_key: Option<String>,
}

/// Merge themes into another on the list: input recorded under them counts under `into`.
#[derive(InputObject, Serialize)]
pub struct MergeThemesInput {
    ods_code: String,
    #[graphql(validator(custom = "short(\"from\")"))]
    from: Vec<String>,
    into: String,
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

    /// Turns the organisation's public "you said, we did" page (`/public/<ODS code>`) on or
    /// off; off until an administrator turns it on. Admins only.
    async fn set_public_page(
        &self,
        ctx: &Context<'_>,
        input: SetPublicPageInput,
    ) -> ApiResult<OrganisationPayload> {
        let who = principal(ctx)?;
        let code = input.ods_code.trim().to_ascii_uppercase();
        if who.role != Role::Admin {
            return Err(
                ApiError::Forbidden("only admins turn public pages on or off".into()).into(),
            );
        }
        let cc = command_context(ctx, "setPublicPage", &input, input.idempotency_key.as_ref())?;
        let command = OrganisationCommand::SetPublicPage {
            published: input.published,
        };
        let done = the_ledger(ctx)
            .organisation(&code, command, &cc)
            .await
            .map_err(|e| refused(ctx, e))?;
        answer(ctx, &done.aggregate_id, Receipt::from(&done)).await
    }

    /// Adds a theme to the list the organisation codes its input with.
    async fn add_theme(
        &self,
        ctx: &Context<'_>,
        input: AddThemeInput,
    ) -> ApiResult<OrganisationPayload> {
        let cc = command_context(ctx, "addTheme", &input, input.idempotency_key.as_ref())?;
        let command = OrganisationCommand::AddTheme { name: input.name };
        change_themes(ctx, &input.ods_code, cc, command).await
    }

    /// Renames a theme on the list; the rename is itself an event, and items keep what they
    /// were recorded with.
    async fn rename_theme(
        &self,
        ctx: &Context<'_>,
        input: RenameThemeInput,
    ) -> ApiResult<OrganisationPayload> {
        let cc = command_context(ctx, "renameTheme", &input, input.idempotency_key.as_ref())?;
        let command = OrganisationCommand::RenameTheme {
            from: input.from,
            to: input.to,
        };
        change_themes(ctx, &input.ods_code, cc, command).await
    }

    /// Merges themes on the list into another on it.
    async fn merge_themes(
        &self,
        ctx: &Context<'_>,
        input: MergeThemesInput,
    ) -> ApiResult<OrganisationPayload> {
        let cc = command_context(ctx, "mergeThemes", &input, input.idempotency_key.as_ref())?;
        let command = OrganisationCommand::MergeThemes {
            from: input.from,
            into: input.into,
        };
        change_themes(ctx, &input.ods_code, cc, command).await
    }
}

/// Runs a change to an organisation's theme list, for its own officers.
async fn change_themes(
    ctx: &Context<'_>,
    ods_code: &str,
    cc: CommandContext,
    command: OrganisationCommand,
) -> ApiResult<OrganisationPayload> {
    let who = principal(ctx)?;
    let code = ods_code.trim().to_ascii_uppercase();
    require_officer(who)?;
    if !who.can_write(&code) {
        return Err(ApiError::NotFound("odsCode: organisation not found".into()).into());
    }
    let done = the_ledger(ctx)
        .organisation(&code, command, &cc)
        .await
        .map_err(|e| refused(ctx, e))?;
    answer(ctx, &done.aggregate_id, Receipt::from(&done)).await
}
