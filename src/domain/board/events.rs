//! Events of the `Board` aggregate: a board or committee and its seats.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::common::{Happened, OdsCode};
use crate::domain::correction::Correction;

/// What kind of body a board is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BoardKind {
    IcbBoard,
    TrustBoard,
    Committee,
    Ppg,
    PatientPanel,
    Other,
}

/// The role a person is appointed to on a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SeatRole {
    PatientMember,
    LayMember,
    CarerRepresentative,
    HealthwatchRepresentative,
    VcseRepresentative,
}

impl SeatRole {
    /// Every role, in the order reports list them.
    pub const ALL: [SeatRole; 5] = [
        Self::PatientMember,
        Self::LayMember,
        Self::CarerRepresentative,
        Self::HealthwatchRepresentative,
        Self::VcseRepresentative,
    ];

    /// Whether the role speaks for patients, the public or carers (principle 1's "patient seats").
    pub fn is_patient_seat(self) -> bool {
        matches!(
            self,
            Self::PatientMember | Self::LayMember | Self::CarerRepresentative
        )
    }
}

crate::changes! {
    /// Recorded facts of a board that an amendment replaces: each field present is the corrected
    /// value, each absent one stays as it was. Seats are not here: setting them again from the same
    /// day already puts a wrong setting right, and the view keeps both.
    pub struct BoardChanges {
        name: String => "name",
        kind: BoardKind => "kind",
        established_on: NaiveDate => "establishedOn",
    }
}

/// Something that happened to a board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BoardEvent {
    BoardEstablished {
        board_id: Uuid,
        organisation: OdsCode,
        name: String,
        kind: BoardKind,
        established_on: NaiveDate,
    },
    /// The number of seats for a role, and whether they vote, from a date.
    SeatsSet {
        role: SeatRole,
        target: u32,
        voting: bool,
        from: NaiveDate,
    },
    BoardRenamed {
        name: String,
    },
    BoardDissolved {
        dissolved_on: NaiveDate,
    },
    /// Recorded facts were put right; what they said before stays in the log.
    BoardAmended {
        changes: BoardChanges,
        correction: Correction,
    },
}

impl Happened for BoardEvent {
    fn happened_on(&self) -> Option<NaiveDate> {
        match self {
            Self::BoardEstablished { established_on, .. } => Some(*established_on),
            Self::SeatsSet { from, .. } => Some(*from),
            // A correction changes what the record says about the past; it happens on no day
            // of its own.
            Self::BoardRenamed { .. } | Self::BoardAmended { .. } => None,
            Self::BoardDissolved { dissolved_on } => Some(*dissolved_on),
        }
    }
}

impl DomainEvent for BoardEvent {
    fn event_type(&self) -> String {
        match self {
            Self::BoardEstablished { .. } => "BoardEstablished",
            Self::SeatsSet { .. } => "SeatsSet",
            Self::BoardRenamed { .. } => "BoardRenamed",
            Self::BoardDissolved { .. } => "BoardDissolved",
            Self::BoardAmended { .. } => "BoardAmended",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
