//! An action an organisation commits to in response to input: proposed, agreed, then closed.

mod aggregate;
mod commands;
mod correct;
mod errors;
pub mod events;
mod links;
mod rules;
#[cfg(test)]
mod tests;

pub use aggregate::{Action, ActionStatus};
pub use commands::ActionCommand;
pub use errors::ActionError;
pub use events::{ActionChanges, ActionEvent};
