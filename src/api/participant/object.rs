//! The participant as a GraphQL object: the tombstone after erasure, personal details only for
//! the organisation's officers and board secretaries (each request's reads recorded once), and
//! the enums of consent, erasure and access.

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;

use super::reads::PersonalReads;
use crate::api::common::context::{correlation_id, ledger, principal};
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::auth::{Principal, Role};
use crate::domain::access::AccessPurpose as DomainAccessPurpose;
use crate::domain::participant::{self as domain, PersonalDetails};
use crate::domain::sealed::Sealed;
use crate::ledger::CommandContext;
use crate::projections::participants::ParticipantDoc;

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
    /// The organisation's records written to a file for someone who may see personal details.
    RecordsExport,
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
    pub(super) async fn opened(&self, ctx: &Context<'_>) -> ApiResult<Option<&PersonalDetails>> {
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
    pub(super) async fn record_read(&self, ctx: &Context<'_>) -> ApiResult<()> {
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
            origin: None,
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
    pub(crate) async fn id(&self) -> ID {
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
