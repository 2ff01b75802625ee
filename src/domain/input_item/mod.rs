//! One piece of patient input (a recommendation, concern, idea or experience) and its decisions.

mod aggregate;
mod commands;
mod correct;
mod decision;
mod errors;
pub mod events;
#[cfg(test)]
mod tests;

pub use aggregate::InputItem;
pub use commands::InputItemCommand;
pub use errors::InputItemError;
pub use events::{Decision, InputItemChanges, InputItemEvent};
