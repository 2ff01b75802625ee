//! Events of the `Appointment` aggregate: one person's seat on one board, for a term.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::board::SeatRole;
use crate::domain::common::{Happened, OdsCode};
use crate::domain::correction::Correction;

/// Why an appointment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EndReason {
    Resigned,
    TermExpired,
    Removed,
}

crate::changes! {
    /// Recorded facts of an appointment that an amendment replaces: each field present is the
    /// corrected value, each absent one stays as it was. `term_end` is the term end in force: after
    /// a renewal, the end the latest renewal gave.
    pub struct AppointmentChanges {
        role: SeatRole => "role",
        voting: bool => "voting",
        term_start: NaiveDate => "termStart",
        term_end: NaiveDate => "termEnd",
    }
}

/// Something that happened to an appointment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AppointmentEvent {
    Appointed {
        appointment_id: Uuid,
        board_id: Uuid,
        organisation: OdsCode,
        participant_id: Uuid,
        role: SeatRole,
        voting: bool,
        term_start: NaiveDate,
        term_end: NaiveDate,
    },
    /// The term was extended to a new end date.
    Renewed {
        term_end: NaiveDate,
        renewed_on: NaiveDate,
    },
    /// The appointment ended on `ended_on` (the last day served).
    Ended {
        reason: EndReason,
        ended_on: NaiveDate,
    },
    /// Recorded facts were put right; what they said before stays in the log.
    Amended {
        changes: AppointmentChanges,
        correction: Correction,
    },
}

impl Happened for AppointmentEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::Appointed { term_start, .. } => Some(*term_start),
            Self::Renewed { renewed_on, .. } => Some(*renewed_on),
            Self::Ended { ended_on, .. } => Some(*ended_on),
            // A correction changes what the record says about the past; it happens on no day
            // of its own.
            Self::Amended { .. } => None,
        }
    }
}

impl DomainEvent for AppointmentEvent {
    fn event_type(&self) -> String {
        match self {
            Self::Appointed { .. } => "Appointed",
            Self::Renewed { .. } => "Renewed",
            Self::Ended { .. } => "AppointmentEnded",
            Self::Amended { .. } => "AppointmentAmended",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
