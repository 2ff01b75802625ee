//! The participants linked to records (activities, input items), as other areas show them, and
//! an organisation's participants' details for a file of its records.

use async_graphql::Context;

use std::collections::HashMap;

use super::object::{may_see, may_see_details, Participant};
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

/// The names and contact details of `organisation`'s participants, for a file of its records
/// written for the caller: none unless they may see personal details, and then each person's
/// read is recorded in the access record.
pub async fn details_for_records(
    ctx: &Context<'_>,
    organisation: &str,
) -> ApiResult<HashMap<uuid::Uuid, domain::PersonalDetails>> {
    let mut details = HashMap::new();
    if !may_see_details(principal(ctx)?, organisation) {
        return Ok(details);
    }
    let scope = [organisation.to_owned()];
    let docs = read::participants(ledger(ctx).db(), Some(&scope))
        .await
        .map_err(|e| internal(ctx, e))?;
    for (doc, _) in docs {
        if doc.organisation.as_str() != organisation || doc.erasure.is_some() {
            continue;
        }
        let id = doc.id;
        let participant = Participant::new(doc, DomainAccessPurpose::RecordsExport);
        if let Some(opened) = participant.opened(ctx).await? {
            details.insert(id, opened.clone());
            participant.record_read(ctx).await?;
        }
    }
    Ok(details)
}
