//! Participants over GraphQL: the tombstone after erasure, personal details only for the
//! organisation's officers and board secretaries (each request's reads recorded once), and the
//! access record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::context::{correlation_id, internal, ledger, principal};
use super::enums::Date;
use super::error::{ApiError, ApiResult};
use super::pages::{page_cost, Page, Window};
use super::query::parse_id;
use crate::auth::{Principal, Role};
use crate::domain::access::AccessPurpose as DomainAccessPurpose;
use crate::domain::participant::{self as domain, PersonalDetails};
use crate::domain::sealed::Sealed;
use crate::ledger::CommandContext;
use crate::projections::participants::ParticipantDoc;
use crate::projections::read;
use crate::store::Db;

/// What a person may consent to.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "domain::ConsentPurpose")]
pub enum ConsentPurpose {
    FeedbackContact,
    BoardMembership,
    QuotesInReports,
}

/// Why a person's data was erased.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "domain::ErasureReason")]
pub enum ErasureReason {
    DataSubjectRequest,
    ConsentWithdrawn,
    RetentionPeriodEnded,
    Other,
}

/// Why contact details were read.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "DomainAccessPurpose")]
pub enum AccessPurpose {
    ViewRecord,
    FeedbackContact,
}

/// Whether a participant's record can still be read.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ParticipantStatus {
    Active,
    /// Erased: their personal data is gone for good; the record shows only what happened.
    Erased,
}

/// How to reach a person.
#[derive(SimpleObject)]
pub struct ContactDetails {
    email: Option<String>,
    phone: Option<String>,
    postal_address: Option<String>,
}

/// How a person describes themselves.
#[derive(SimpleObject)]
pub struct SelfDescription {
    age_band: Option<String>,
    sex: Option<String>,
    ethnic_group: Option<String>,
    disability: Option<String>,
}

/// One consent given or withdrawn.
#[derive(SimpleObject)]
pub struct Consent {
    purpose: ConsentPurpose,
    given: bool,
    on: Date,
    recorded_at: DateTime<Utc>,
}

/// The erasure of a participant.
#[derive(SimpleObject)]
pub struct Erasure {
    reason: ErasureReason,
    requested_on: Date,
    erased_on: Date,
}

/// Whether `who` may see the personal details of a participant of `organisation`.
pub fn may_see_details(who: &Principal, organisation: &str) -> bool {
    match who.role {
        Role::EngagementOfficer | Role::BoardSecretary => {
            who.organisations.iter().any(|o| o == organisation)
        }
        Role::Admin => true,
        Role::Auditor => false,
    }
}

/// Whether `who` may see that a participant of `organisation` exists.
pub fn may_see(who: &Principal, organisation: &str) -> bool {
    who.can_read(organisation)
}

/// The reads of personal details recorded during one request: put in each request's data by
/// the endpoints, so a request records one read per participant and purpose however many
/// times (aliases, lists, several fields) it reads them. Without it (requests made in
/// process), every read is recorded.
#[derive(Default)]
pub struct PersonalReads {
    recorded: Mutex<HashMap<(Uuid, DomainAccessPurpose), Recorded>>,
}

/// Set once a read is in the access record.
type Recorded = Arc<OnceCell<()>>;

impl PersonalReads {
    /// The record of this request's read of `participant` for `purpose`: set once it is
    /// written; fields reading at the same time wait for the one writing it.
    fn of(&self, participant: Uuid, purpose: DomainAccessPurpose) -> Recorded {
        let mut recorded = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        recorded.entry((participant, purpose)).or_default().clone()
    }
}

/// A person whose details the ledger keeps; after erasure, a tombstone.
pub struct Participant {
    doc: ParticipantDoc,
    /// The purpose recorded when contact details are read through this object.
    purpose: DomainAccessPurpose,
    details: OnceCell<Option<PersonalDetails>>,
}

impl Participant {
    /// A participant read for `purpose`.
    pub fn new(doc: ParticipantDoc, purpose: DomainAccessPurpose) -> Self {
        Self {
            doc,
            purpose,
            details: OnceCell::new(),
        }
    }

    /// The opened details, if the caller may see them and the person is not erased.
    async fn opened(&self, ctx: &Context<'_>) -> ApiResult<Option<&PersonalDetails>> {
        if self.doc.erasure.is_some()
            || !may_see_details(principal(ctx)?, self.doc.organisation.as_str())
        {
            return Ok(None);
        }
        let details = self
            .details
            .get_or_try_init(|| async {
                let state = ledger(ctx)
                    .load_participant(&self.doc.id.to_string())
                    .await
                    .map_err(|e| ApiError::from_ledger(correlation_id(ctx), e))?;
                Ok::<_, ApiError>(match state.details() {
                    Some(Sealed::Plain(details)) if !state.is_erased() => Some(details.clone()),
                    _ => None,
                })
            })
            .await?;
        Ok(details.as_ref())
    }

    /// Records that the caller read this person's personal details, once per request.
    async fn record_read(&self, ctx: &Context<'_>) -> ApiResult<()> {
        match ctx.data_opt::<PersonalReads>() {
            Some(reads) => {
                let read = reads.of(self.doc.id, self.purpose);
                read.get_or_try_init(|| self.append_read(ctx)).await?;
                Ok(())
            }
            None => self.append_read(ctx).await,
        }
    }

    /// Appends one read to the access record.
    async fn append_read(&self, ctx: &Context<'_>) -> ApiResult<()> {
        let context = CommandContext {
            principal: principal(ctx)?.clone(),
            correlation_id: correlation_id(ctx).to_owned(),
            command: "readContactDetails",
            idempotency_key: None,
            request_hash: String::new(),
            new_record: false,
        };
        ledger(ctx)
            .record_contact_read(self.doc.id, self.purpose, &context)
            .await
            .map_err(|e| ApiError::from_ledger(correlation_id(ctx), e))?;
        Ok(())
    }
}

#[Object]
impl Participant {
    pub(super) async fn id(&self) -> ID {
        self.doc.id.into()
    }
    async fn organisation(&self) -> &str {
        self.doc.organisation.as_str()
    }
    async fn status(&self) -> ParticipantStatus {
        if self.doc.erasure.is_some() {
            ParticipantStatus::Erased
        } else {
            ParticipantStatus::Active
        }
    }
    /// The person's name; null once erased, and for callers who may not see personal details.
    /// Recorded in the access record, as contact details are.
    async fn display_name(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let Some(details) = self.opened(ctx).await? else {
            return Ok(None);
        };
        let name = details.display_name.clone();
        self.record_read(ctx).await?;
        Ok(Some(name))
    }
    /// How to reach the person: only for the organisation's engagement officers, board
    /// secretaries and admins. Each request that reads a person's details (name, contact,
    /// self-description) is recorded once in the access record.
    async fn contact(&self, ctx: &Context<'_>) -> ApiResult<Option<ContactDetails>> {
        let Some(details) = self.opened(ctx).await? else {
            return Ok(None);
        };
        let contact = ContactDetails {
            email: details.email.clone(),
            phone: details.phone.clone(),
            postal_address: details.postal_address.clone(),
        };
        self.record_read(ctx).await?;
        Ok(Some(contact))
    }
    /// The person's demographic self-description, with the same access as their name, and
    /// recorded in the access record as it is.
    async fn self_description(&self, ctx: &Context<'_>) -> ApiResult<Option<SelfDescription>> {
        let Some(d) = self.opened(ctx).await? else {
            return Ok(None);
        };
        let described = SelfDescription {
            age_band: d.self_description.age_band.clone(),
            sex: d.self_description.sex.clone(),
            ethnic_group: d.self_description.ethnic_group.clone(),
            disability: d.self_description.disability.clone(),
        };
        self.record_read(ctx).await?;
        Ok(Some(described))
    }
    async fn registered_on(&self) -> Date {
        Date(self.doc.registered_on)
    }
    /// Whether consent for `purpose` is in force now.
    async fn consents_to(&self, purpose: ConsentPurpose) -> bool {
        self.doc.erasure.is_none() && self.doc.consent(purpose.into())
    }
    /// Every consent given or withdrawn, oldest first.
    async fn consents(&self) -> Vec<Consent> {
        self.doc
            .consents
            .iter()
            .map(|c| Consent {
                purpose: c.purpose.into(),
                given: c.given,
                on: Date(c.on),
                recorded_at: c.recorded_at,
            })
            .collect()
    }
    async fn activity_ids(&self) -> Vec<ID> {
        self.doc.activities.iter().map(|id| (*id).into()).collect()
    }
    async fn input_item_ids(&self) -> Vec<ID> {
        self.doc.input_items.iter().map(|id| (*id).into()).collect()
    }
    async fn erasure(&self) -> Option<Erasure> {
        self.doc.erasure.as_ref().map(|e| Erasure {
            reason: e.reason.into(),
            requested_on: Date(e.requested_on),
            erased_on: Date(e.erased_on),
        })
    }
}

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

/// Queries about participants.
#[derive(Default)]
pub struct ParticipantQueries;

#[Object]
impl ParticipantQueries {
    /// One participant by id; after erasure, a tombstone.
    pub(super) async fn participant(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Participant> {
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
        let Some(item) = item.filter(|i| who.can_read_item(&i.doc)) else {
            return Err(ApiError::NotFound("inputItemId: input item not found".into()).into());
        };
        feedback_contacts(
            ctx,
            vec![item.doc.id.to_string(), item.doc.activity_id.to_string()],
        )
        .await
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
