//! The participants linked to records (activities, input items), as other areas show them.

use async_graphql::Context;

use super::object::{may_see, Participant};
use crate::api::common::context::{internal, ledger, principal};
use crate::api::common::error::ApiResult;
use crate::domain::access::AccessPurpose as DomainAccessPurpose;
use crate::domain::participant as domain;
use crate::projections::read;

/// Participants who are linked to the item or its activity, not erased, and consent to be
/// contacted with feedback.
pub async fn feedback_contacts(
    ctx: &Context<'_>,
    targets: Vec<String>,
) -> ApiResult<Vec<Participant>> {
    let docs = read::participants_linked(ledger(ctx).db(), &targets)
        .await
        .map_err(|e| internal(ctx, e))?;
    let who = principal(ctx)?;
    Ok(docs
        .into_iter()
        .filter(|d| may_see(who, d.organisation.as_str()))
        .filter(|d| d.erasure.is_none() && d.consent(domain::ConsentPurpose::FeedbackContact))
        .map(|d| Participant::new(d, DomainAccessPurpose::FeedbackContact))
        .collect())
}

/// Participants linked to `targets` that the caller may see (tombstones included).
pub async fn linked(ctx: &Context<'_>, targets: Vec<String>) -> ApiResult<Vec<Participant>> {
    let docs = read::participants_linked(ledger(ctx).db(), &targets)
        .await
        .map_err(|e| internal(ctx, e))?;
    let who = principal(ctx)?;
    Ok(docs
        .into_iter()
        .filter(|d| may_see(who, d.organisation.as_str()))
        .map(|d| Participant::new(d, DomainAccessPurpose::ViewRecord))
        .collect())
}
