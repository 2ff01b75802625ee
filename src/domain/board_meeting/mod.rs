//! A board meeting: papers, attendance, quorum and decisions.

mod aggregate;
mod commands;
mod correct;
mod errors;
pub mod events;
mod rules;
#[cfg(test)]
mod tests;

pub use aggregate::BoardMeeting;
pub use commands::BoardMeetingCommand;
pub use errors::BoardMeetingError;
pub use events::*;
