//! The participant view: status, consent history and links, and never personal data (that stays
//! sealed in the log and is read through the participant's key).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::docs::OutOfOrder;
use crate::domain::common::OdsCode;
use crate::domain::participant::{ConsentPurpose, ErasureReason, ParticipantEvent};

/// One consent given or withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentDoc {
    pub purpose: ConsentPurpose,
    pub given: bool,
    pub on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// The erasure of a participant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErasureDoc {
    pub reason: ErasureReason,
    pub requested_on: NaiveDate,
    pub erased_on: NaiveDate,
}

/// A participant as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantDoc {
    pub id: Uuid,
    pub organisation: OdsCode,
    pub registered_on: NaiveDate,
    pub details_updated_on: Vec<NaiveDate>,
    pub consents: Vec<ConsentDoc>,
    pub activities: Vec<Uuid>,
    pub input_items: Vec<Uuid>,
    pub erasure: Option<ErasureDoc>,
}

impl ParticipantDoc {
    /// The consent now in force for `purpose`.
    pub fn consent(&self, purpose: ConsentPurpose) -> bool {
        self.consents
            .iter()
            .rev()
            .find(|c| c.purpose == purpose)
            .is_some_and(|c| c.given)
    }
}

/// Applies a participant event.
pub fn apply_participant(
    doc: Option<ParticipantDoc>,
    id: &str,
    event: ParticipantEvent,
    at: DateTime<Utc>,
) -> Result<ParticipantDoc, OutOfOrder> {
    if let ParticipantEvent::ParticipantRegistered {
        participant_id,
        organisation,
        registered_on,
        ..
    } = event
    {
        return Ok(ParticipantDoc {
            id: participant_id,
            organisation,
            registered_on,
            details_updated_on: vec![],
            consents: vec![],
            activities: vec![],
            input_items: vec![],
            erasure: None,
        });
    }
    let Some(mut doc) = doc else {
        return Err(OutOfOrder {
            event: "participant event",
            aggregate: "participant",
            id: id.to_owned(),
        });
    };
    match event {
        ParticipantEvent::ParticipantRegistered { .. } => {}
        ParticipantEvent::DetailsUpdated { updated_on, .. } => {
            doc.details_updated_on.push(updated_on)
        }
        ParticipantEvent::ConsentRecorded { purpose, given, on } => {
            doc.consents.push(ConsentDoc {
                purpose,
                given,
                on,
                recorded_at: at,
            });
        }
        ParticipantEvent::LinkedToActivity { activity_id } => doc.activities.push(activity_id),
        ParticipantEvent::LinkedToInputItem { input_item_id } => {
            doc.input_items.push(input_item_id)
        }
        ParticipantEvent::ParticipantErased {
            reason,
            requested_on,
            erased_on,
        } => {
            doc.erasure = Some(ErasureDoc {
                reason,
                requested_on,
                erased_on,
            });
        }
    }
    Ok(doc)
}
