//! One person appointed to one board in a role, for a term.

mod aggregate;
mod commands;
mod correct;
mod errors;
pub mod events;
mod rules;
#[cfg(test)]
mod tests;

pub use aggregate::Appointment;
pub use commands::AppointmentCommand;
pub use errors::AppointmentError;
pub use events::*;
