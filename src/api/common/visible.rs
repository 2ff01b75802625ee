//! The records a command names by id (cited items and actions, attendees, the person to
//! appoint or link, the activity or item to link to) must be ones the caller may read, by the
//! same rule reads follow ([`crate::auth::Principal::can_read_any`]). One the caller may not
//! read is refused exactly as a missing one is, before anything is recorded, so a mutation
//! cannot be used to find out whether another organisation's record exists.

use async_graphql::Context;
use uuid::Uuid;

use super::context::{internal, ledger, principal};
use super::error::ApiError;
use crate::domain::common::OdsCode;
use crate::domain::services::Lookups;

/// A kind of record a command may name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Named {
    InputItem,
    Action,
    Activity,
    Participant,
    Appointment,
}

impl Named {
    /// How refusals name it.
    fn noun(self) -> &'static str {
        match self {
            Self::InputItem => "input item",
            Self::Action => "action",
            Self::Activity => "activity",
            Self::Participant => "participant",
            Self::Appointment => "appointment",
        }
    }

    /// The organisations whose readers see record `id` (none when it does not exist).
    async fn holders(self, ctx: &Context<'_>, id: Uuid) -> Result<Vec<OdsCode>, ApiError> {
        let lookups = ledger(ctx).lookups();
        let failed = |e: crate::domain::services::LookupFailed| internal(ctx, e.into());
        Ok(match self {
            Self::InputItem => lookups
                .input_item(id)
                .await
                .map_err(failed)?
                .map(|f| {
                    std::iter::once(f.organisation)
                        .chain(f.referred_to)
                        .collect()
                })
                .unwrap_or_default(),
            Self::Action => lookups
                .action_owner(id)
                .await
                .map_err(failed)?
                .into_iter()
                .collect(),
            Self::Activity => lookups
                .activity(id)
                .await
                .map_err(failed)?
                .map(|f| {
                    std::iter::once(f.lead_organisation)
                        .chain(f.partner_organisations)
                        .collect()
                })
                .unwrap_or_default(),
            Self::Participant => lookups
                .participant(id)
                .await
                .map_err(failed)?
                .map(|f| f.organisation)
                .into_iter()
                .collect(),
            Self::Appointment => {
                let Some(appointment) = lookups.appointment(id).await.map_err(failed)? else {
                    return Ok(Vec::new());
                };
                lookups
                    .board(appointment.board_id)
                    .await
                    .map_err(failed)?
                    .map(|b| b.organisation)
                    .into_iter()
                    .collect()
            }
        })
    }

    /// Whether the caller may read record `id` (false when it does not exist).
    async fn visible(self, ctx: &Context<'_>, id: Uuid) -> Result<bool, ApiError> {
        let holders = self.holders(ctx, id).await?;
        Ok(principal(ctx)?.can_read_any(holders.iter().map(OdsCode::as_str)))
    }
}

/// Refuses, as not found, a record named in `field` that is missing or that the caller may
/// not read.
pub(crate) async fn require_visible(
    ctx: &Context<'_>,
    field: &str,
    kind: Named,
    id: Uuid,
) -> Result<(), ApiError> {
    if kind.visible(ctx, id).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!(
            "{field}: {} not found",
            kind.noun()
        )))
    }
}

/// Refuses, as not found and naming its position, the first record listed in `field` that is
/// missing or that the caller may not read.
pub(crate) async fn require_all_visible(
    ctx: &Context<'_>,
    field: &str,
    kind: Named,
    ids: &[Uuid],
) -> Result<(), ApiError> {
    for (i, id) in ids.iter().enumerate() {
        if !kind.visible(ctx, *id).await? {
            return Err(ApiError::NotFound(format!(
                "{field}[{i}]: {} not found",
                kind.noun()
            )));
        }
    }
    Ok(())
}
