//! A board or committee, its seats per role and whether they vote.

mod aggregate;
mod commands;
mod correct;
mod errors;
pub mod events;
#[cfg(test)]
mod tests;

pub use aggregate::{Board, SeatSetting};
pub use commands::BoardCommand;
pub use errors::BoardError;
pub use events::*;
