//! GraphQL enums of boards: their kinds, the roles of their seats, why an appointment ended.

use async_graphql::Enum;

use crate::domain::appointment as appointment_domain;
use crate::domain::board as board_domain;

/// What kind of body a board is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "board_domain::BoardKind")]
pub enum BoardKind {
    IcbBoard,
    TrustBoard,
    Committee,
    Ppg,
    PatientPanel,
    Other,
}

/// The role a person holds on a board.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "board_domain::SeatRole")]
pub enum SeatRole {
    PatientMember,
    LayMember,
    CarerRepresentative,
    HealthwatchRepresentative,
    VcseRepresentative,
}

/// Why an appointment ended.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "appointment_domain::EndReason")]
pub enum EndReason {
    Resigned,
    TermExpired,
    Removed,
}
