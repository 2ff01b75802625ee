//! GraphQL enums only input items use.

use async_graphql::Enum;

use crate::domain::common;
use crate::domain::verdict;

/// Who raised an input item (a category, never a name).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::RaisedBy")]
pub enum RaisedBy {
    Patient,
    Carer,
    Public,
    Group,
}

/// What sort of input an item is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::InputKind")]
pub enum InputKind {
    Recommendation,
    Concern,
    Idea,
    Experience,
}

/// The decision on an input item.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::DecisionOutcome")]
pub enum DecisionOutcome {
    Accepted,
    Declined,
    AlreadyInPlace,
    Referred,
}

/// Something about an item's handling that undermines the verdict.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "verdict::VerdictWarning")]
pub enum VerdictWarning {
    DecidedBeforeInput,
    NoOutcomeEvidence,
    LateResponse,
    NoLinkedAction,
}
