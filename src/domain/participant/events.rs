//! Events of the `Participant` aggregate: the one place personal data lives.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::common::{Happened, OdsCode};
use crate::domain::sealed::Sealed;

/// A person's details. Only ever stored sealed with the person's own key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalDetails {
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
    /// How the person describes themselves, in their own words per dimension; all optional.
    pub self_description: SelfDescription,
}

/// Optional demographic self-description.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfDescription {
    pub age_band: Option<String>,
    pub sex: Option<String>,
    pub ethnic_group: Option<String>,
    pub disability: Option<String>,
}

/// What a person may consent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentPurpose {
    /// Being contacted with feedback on their input.
    FeedbackContact,
    /// Holding a seat on a board or committee.
    BoardMembership,
    /// Being quoted (anonymously) in reports.
    QuotesInReports,
}

/// Why a person's data was erased (a category: free text could itself hold personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErasureReason {
    /// The person asked to be forgotten (UK GDPR article 17).
    DataSubjectRequest,
    /// The person withdrew consent and no other basis applies.
    ConsentWithdrawn,
    /// The retention period ended.
    RetentionPeriodEnded,
    Other,
}

/// Something that happened to a participant's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ParticipantEvent {
    ParticipantRegistered {
        participant_id: Uuid,
        organisation: OdsCode,
        details: Sealed<PersonalDetails>,
        registered_on: NaiveDate,
    },
    DetailsUpdated {
        details: Sealed<PersonalDetails>,
        updated_on: NaiveDate,
    },
    ConsentRecorded {
        purpose: ConsentPurpose,
        given: bool,
        on: NaiveDate,
    },
    LinkedToActivity {
        activity_id: Uuid,
    },
    LinkedToInputItem {
        input_item_id: Uuid,
    },
    /// The key was destroyed; holds no personal data.
    ParticipantErased {
        reason: ErasureReason,
        requested_on: NaiveDate,
        erased_on: NaiveDate,
    },
}

impl Happened for ParticipantEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::ParticipantRegistered { registered_on, .. } => Some(*registered_on),
            Self::DetailsUpdated { updated_on, .. } => Some(*updated_on),
            Self::ConsentRecorded { on, .. } => Some(*on),
            Self::LinkedToActivity { .. } | Self::LinkedToInputItem { .. } => None,
            Self::ParticipantErased { erased_on, .. } => Some(*erased_on),
        }
    }
}

impl DomainEvent for ParticipantEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ParticipantRegistered { .. } => "ParticipantRegistered",
            Self::DetailsUpdated { .. } => "DetailsUpdated",
            Self::ConsentRecorded { .. } => "ConsentRecorded",
            Self::LinkedToActivity { .. } => "LinkedToActivity",
            Self::LinkedToInputItem { .. } => "LinkedToInputItem",
            Self::ParticipantErased { .. } => "ParticipantErased",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
