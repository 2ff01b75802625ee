//! The access record: reads of a participant's personal details (name, contact details,
//! self-description), so an auditor can see who looked at whose personal data and when. The
//! API records one read per participant, purpose and request, however often the request reads
//! them. One stream per participant; the reader's identity and the time are in each event's
//! metadata and envelope. The event keeps its first name, `ContactDetailsRead`, so the record
//! stays one stream of one event type across the change that widened it to every personal
//! detail.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::services::Services;
use crate::domain::{Refusal, RefusalKind};

/// Why personal details were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessPurpose {
    /// Looking at the participant's record.
    ViewRecord,
    /// Listing whom to contact with feedback.
    FeedbackContact,
    /// Writing the organisation's records to a file, with their names and contact details.
    RecordsExport,
}

/// Record that contact details were read.
#[derive(Debug, Clone, PartialEq)]
pub enum AccessCommand {
    RecordContactRead {
        participant_id: Uuid,
        purpose: AccessPurpose,
    },
}

/// A read of contact details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AccessEvent {
    ContactDetailsRead {
        participant_id: Uuid,
        purpose: AccessPurpose,
    },
}

impl DomainEvent for AccessEvent {
    fn event_type(&self) -> String {
        "ContactDetailsRead".to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

/// Access records never refuse; the type exists for the framework.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("access could not be recorded")]
pub struct AccessError;

impl Refusal for AccessError {
    fn kind(&self) -> RefusalKind {
        RefusalKind::Internal
    }
}

/// The reads recorded for one participant.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ParticipantAccess {
    reads: u64,
}

impl ParticipantAccess {
    /// How many reads were recorded.
    pub fn reads(&self) -> u64 {
        self.reads
    }
}

impl Aggregate for ParticipantAccess {
    const TYPE: &'static str = "ParticipantAccess";
    type Command = AccessCommand;
    type Event = AccessEvent;
    type Error = AccessError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        _: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let AccessCommand::RecordContactRead {
            participant_id,
            purpose,
        } = command;
        sink.write(
            AccessEvent::ContactDetailsRead {
                participant_id,
                purpose,
            },
            self,
        )
        .await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let AccessEvent::ContactDetailsRead { .. } = event;
        self.reads += 1;
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;
    use crate::domain::testing::FakeLookups;

    #[test]
    fn every_read_is_recorded() {
        let id = Uuid::from_u128(7);
        let read = AccessEvent::ContactDetailsRead {
            participant_id: id,
            purpose: AccessPurpose::ViewRecord,
        };
        TestFramework::<ParticipantAccess>::with(FakeLookups::new().build())
            .given(vec![read.clone()])
            .when(AccessCommand::RecordContactRead {
                participant_id: id,
                purpose: AccessPurpose::ViewRecord,
            })
            .then_expect_events(vec![read]);
    }
}
