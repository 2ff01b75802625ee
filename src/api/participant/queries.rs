//! Queries about participants: one by id, those of the caller's organisations, whom to tell
//! what happened to an input item, and the access record of a person's details.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::linked::feedback_contacts;
use super::object::{may_see, AccessPurpose, Participant};
use crate::api::common::access::can_read_item;
use crate::api::common::context::{internal, ledger, principal};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::pages::{page_cost, Page, Window};
use crate::auth::Role;
use crate::domain::access::AccessPurpose as DomainAccessPurpose;
use crate::projections::read;
use crate::store::Db;

/// One request's read of a participant's personal details (name, contact details or
/// self-description).
#[derive(SimpleObject)]
pub struct ContactRead {
    /// The token subject that read them.
    reader: String,
    role: String,
    purpose: AccessPurpose,
    at: DateTime<Utc>,
    log_position: i64,
}

async fn access_record(db: &Db, participant_id: &str) -> anyhow::Result<Vec<ContactRead>> {
    use sqlx::Row;
    const SQL: &str = "SELECT payload, metadata, recorded_at, position FROM events \
                       WHERE aggregate_type = 'ParticipantAccess' AND aggregate_id = $1 ORDER BY sequence";
    let rows: Vec<(String, String, DateTime<Utc>, i64)> = on_db!(db, pool => sqlx::query(SQL)
        .bind(participant_id).fetch_all(pool).await?.into_iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect());
    rows.into_iter()
        .map(|(payload, metadata, at, log_position)| {
            let event: crate::domain::access::AccessEvent = serde_json::from_str(&payload)?;
            let crate::domain::access::AccessEvent::ContactDetailsRead { purpose, .. } = event;
            let metadata: std::collections::HashMap<String, String> =
                serde_json::from_str(&metadata)?;
            Ok(ContactRead {
                reader: metadata.get("actor.subject").cloned().unwrap_or_default(),
                role: metadata.get("actor.role").cloned().unwrap_or_default(),
                purpose: purpose.into(),
                at,
                log_position,
            })
        })
        .collect()
}

/// Queries about participants.
#[derive(Default)]
pub struct ParticipantQueries;

#[Object]
impl ParticipantQueries {
    /// One participant by id; after erasure, a tombstone.
    pub(crate) async fn participant(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Participant> {
        let id = parse_id("id", &id)?;
        let found = read::participant(ledger(ctx).db(), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        match found {
            Some((doc, _)) if may_see(principal(ctx)?, doc.organisation.as_str()) => {
                Ok(Participant::new(doc, DomainAccessPurpose::ViewRecord))
            }
            _ => Err(ApiError::NotFound("participant not found".into()).into()),
        }
    }

    /// Participants of the caller's organisations, oldest first.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn participants(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Participant>> {
        let window = Window::new(first, after, last, before)?;
        let docs = read::participants(ledger(ctx).db(), principal(ctx)?.read_scope())
            .await
            .map_err(|e| internal(ctx, e))?;
        let items = docs
            .into_iter()
            .map(|(d, p)| (p, Participant::new(d, DomainAccessPurpose::ViewRecord)))
            .collect();
        Ok(window.page(items)?)
    }

    /// Whom to tell what happened to an input item: people linked to it or to its activity who
    /// consent to feedback contact. Withdrawn consent and erased people are left out.
    async fn feedback_contacts(
        &self,
        ctx: &Context<'_>,
        input_item_id: ID,
    ) -> ApiResult<Vec<Participant>> {
        let id = parse_id("inputItemId", &input_item_id)?;
        let who = principal(ctx)?;
        let item = read::input_item(ledger(ctx).db(), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(item) = item.filter(|i| can_read_item(who, &i.doc)) else {
            return Err(ApiError::NotFound("inputItemId: input item not found".into()).into());
        };
        // The people who raised a duplicate of it are told through it.
        let mut targets = read::with_duplicates(ledger(ctx).db(), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        targets.push(item.doc.activity_id.to_string());
        feedback_contacts(ctx, targets).await
    }

    /// Every request that read a participant's personal details (name, contact details or
    /// self-description), once each: who, in which role, why and when. For auditors and admins
    /// of the participant's organisation.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn participant_access_record(
        &self,
        ctx: &Context<'_>,
        participant_id: ID,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<ContactRead>> {
        let window = Window::new(first, after, last, before)?;
        let id = parse_id("participantId", &participant_id)?;
        let who = principal(ctx)?;
        let found = read::participant(ledger(ctx).db(), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        match found {
            Some((doc, _)) if may_see(who, doc.organisation.as_str()) => {
                if !matches!(who.role, Role::Auditor | Role::Admin) {
                    return Err(ApiError::Forbidden(
                        "only auditors and admins read the access record".into(),
                    )
                    .into());
                }
                let reads = access_record(ledger(ctx).db(), &id.to_string())
                    .await
                    .map_err(|e| internal(ctx, e))?;
                let items = reads.into_iter().map(|r| (r.log_position, r)).collect();
                Ok(window.page(items)?)
            }
            _ => Err(ApiError::NotFound("participant not found".into()).into()),
        }
    }
}
