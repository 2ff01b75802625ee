//! Commands of the `Participant` aggregate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{ConsentPurpose, ErasureReason, PersonalDetails};

/// Something a user asks of a participant's record.
#[derive(Debug, Clone, PartialEq)]
pub enum ParticipantCommand {
    /// Registers a person with the organisation that holds their record.
    Register {
        participant_id: Uuid,
        /// The ODS code of the organisation holding the record.
        organisation: String,
        details: PersonalDetails,
        registered_on: NaiveDate,
    },
    /// Replaces the person's details as a whole.
    UpdateDetails {
        details: PersonalDetails,
        updated_on: NaiveDate,
    },
    /// Records that consent for a purpose was given or withdrawn (or re-confirmed) on a date.
    RecordConsent {
        purpose: ConsentPurpose,
        given: bool,
        on: NaiveDate,
    },
    /// Links the person to an activity of their organisation (lead or partner).
    LinkToActivity { activity_id: Uuid },
    /// Links the person to an input item owned by, or referred to, their organisation.
    LinkToInputItem { input_item_id: Uuid },
    /// Erases the person's data for good by destroying their key.
    Erase {
        reason: ErasureReason,
        requested_on: NaiveDate,
    },
}
