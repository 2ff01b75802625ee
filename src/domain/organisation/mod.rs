//! An organisation (ICB, trust, practice, partner) that records involvement on the ledger.

mod aggregate;
mod commands;
mod errors;
pub mod events;
#[cfg(test)]
mod tests;
pub mod themes;

pub use aggregate::{Organisation, DEFAULT_RESPONSE_WINDOW_DAYS, MAX_RESPONSE_WINDOW_DAYS};
pub use commands::OrganisationCommand;
pub use errors::OrganisationError;
pub use events::OrganisationEvent;
pub use themes::ThemeList;
