//! An engagement or co-production activity: planned, informed, held, reported and fed back on.

mod aggregate;
mod commands;
mod correct;
mod errors;
pub mod events;
mod rules;
#[cfg(test)]
mod tests;

pub use aggregate::Activity;
pub use commands::ActivityCommand;
pub use errors::ActivityError;
pub use events::{ActivityChanges, ActivityEvent, PublicationChanges};
pub use rules::MAX_DEMOGRAPHIC_CATEGORIES;
