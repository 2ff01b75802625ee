//! Putting an activity on its organisation's public "you said, we did" page, and taking it
//! off again. Its officers choose: nothing is public until they do, and the organisation's
//! public page must be on too (an administrator's setting).

use async_graphql::{Context, InputObject, Object, ID};
use serde::Serialize;

use super::mutations::{run, writable_activity, ActivityPayload};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::write::command_context;
use crate::domain::activity::ActivityCommand;

/// Show an activity, and what came of its input, on the organisation's public page.
#[derive(InputObject, Serialize)]
pub struct PublishActivityInput {
    activity_id: ID,
    /// Confirms that someone has read what will be shown (the items' summaries, the decisions'
    /// reasons, the actions and their outcomes, the report) and that none of it names or
    /// identifies anyone: true, or nothing is published.
    nothing_personal: bool,
    idempotency_key: Option<String>,
}

/// Take an activity off the public page, saying why.
#[derive(InputObject, Serialize)]
pub struct UnpublishActivityInput {
    activity_id: ID,
    reason: String,
    idempotency_key: Option<String>,
}

#[derive(Default)]
pub struct ActivityPublishing;

#[Object]
impl ActivityPublishing {
    /// Puts the activity on its organisation's public page: its input items' summaries, the
    /// decisions with their reasons, the actions and their outcomes, and when participants
    /// were told. Nothing about who took part or who recorded it is shown. The lead
    /// organisation's officers only.
    async fn publish_activity(
        &self,
        ctx: &Context<'_>,
        input: PublishActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        if !input.nothing_personal {
            return Err(ApiError::Validation(
                "nothingPersonal: confirm that nothing to be shown names or identifies anyone"
                    .into(),
            )
            .into());
        }
        let cc = command_context(
            ctx,
            "publishActivity",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        run(ctx, cc, facts.id, ActivityCommand::Publish).await
    }

    /// Takes the activity off the public page, with the reason (kept in its history).
    async fn unpublish_activity(
        &self,
        ctx: &Context<'_>,
        input: UnpublishActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "unpublishActivity",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::Unpublish {
            reason: input.reason,
        };
        run(ctx, cc, facts.id, command).await
    }
}
