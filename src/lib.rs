//! Partnership Ledger: an immutable record of patient involvement for NHS organisations, with a
//! verdict on whether each piece of patient input was genuinely acted on.
//!
//! # Layout
//! - [`domain`]: aggregates (organisation, activity, input item, action), their rules and
//!   events, and the verdict. Pure: no HTTP, SQL or GraphQL.
//! - [`store`]: the event log on SQLite or PostgreSQL, behind cqrs-es's `EventStore`.
//! - [`projections`]: read models built from the log in commit order.
//! - [`ledger`]: runs commands with metadata, idempotency and read-your-writes.
//! - [`audit`]: tamper evidence: hash chains verified, signed checkpoints.
//! - [`auth`]: tokens, roles and organisation grants.
//! - [`crypto`]: per-participant encryption of personal data, and erasure by key destruction.
//! - [`config`]: settings and their defaults.
//! - [`reports`]: the annual-report involvement section, as Markdown and HTML.
//! - [`api`]: GraphQL over HTTP.
//! - [`seed`]: synthetic integrated care systems written through the command path.
//! - [`startup`]: building and running the service; [`cli`]: the command line.
#[macro_use]
pub mod store;
pub mod api;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod ledger;
pub mod projections;
pub mod reports;
pub mod seed;
pub mod startup;
pub mod telemetry;
