//! The pure domain: aggregates, their commands, events and rules, and the verdict.
//!
//! Nothing here touches HTTP, SQL or GraphQL. Rules that span aggregates ask through
//! [`services::Lookups`].

pub mod access;
pub mod action;
pub mod activity;
pub mod appointment;
pub mod baseline;
pub mod board;
pub mod board_meeting;
pub mod common;
pub mod correction;
pub mod feedback;
pub mod input_item;
pub mod organisation;
pub mod participant;
mod rules;
pub mod sealed;
pub mod services;
#[cfg(test)]
pub mod testing;
pub mod verdict;

/// How the API should present a refused command; every aggregate error maps to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The command's input is malformed or breaks a rule.
    Validation,
    /// Something the command names does not exist.
    NotFound,
    /// The acting organisation may not do this.
    Forbidden,
    /// The record is in a state that does not allow this (already done, closed).
    Conflict,
    /// The ledger could not be read while checking a rule.
    Internal,
}

/// Implemented by every aggregate's error type.
pub trait Refusal {
    /// How the refusal should reach the client.
    fn kind(&self) -> RefusalKind;
}
