//! A person whose details (name, contact, consent) the ledger keeps: the only place personal
//! data lives.

mod aggregate;
mod commands;
mod errors;
pub mod events;
mod rules;
#[cfg(test)]
mod tests;

pub use aggregate::{Participant, ParticipantStatus};
pub use commands::ParticipantCommand;
pub use errors::ParticipantError;
pub use events::{
    ConsentPurpose, ErasureReason, ParticipantEvent, PersonalDetails, SelfDescription,
};
