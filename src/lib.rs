//! Partnership Ledger: an immutable record of patient involvement for NHS organisations, with a
//! verdict on whether each piece of patient input was genuinely acted on.
//!
//! # Layout
//! From the bottom layer up (a module imports only its own layer and those below; see
//! ARCHITECTURE.md, checked by `tests/api/layout.rs`):
//! - [`config`]: settings, secrets and the data directory's files; [`telemetry`]: logging;
//!   [`cache`]: every in-memory cache and the rules they keep.
//! - [`domain`]: one folder per aggregate (organisation, activity, input item, action,
//!   participant, board, appointment, board meeting, population baseline, and the access record
//!   of personal reads), its commands, events and rules, and the verdict. Pure: no HTTP, SQL or
//!   GraphQL. [`auth`]: tokens, roles and organisation grants.
//! - [`store`]: the event log on SQLite or PostgreSQL: a stream loaded for a command, and its
//!   events appended with hash chains, group commit and idempotency receipts.
//! - [`crypto`]: per-participant encryption of personal data, and erasure by key destruction.
//! - [`projections`]: one view per aggregate, the projector that keeps them from the log, and
//!   the scorecard, reach and roll-ups computed from them.
//! - [`ledger`]: runs commands (load, decide, append, wait for the views) with metadata,
//!   idempotency and read-your-writes, and answers the lookups rules ask.
//! - [`audit`]: tamper evidence (hash chains verified, signed checkpoints), traces, field
//!   history and the audit-trail export; [`reports`]: the annual-report section and "you said,
//!   we did".
//! - [`api`]: GraphQL over HTTP and WebSocket, one area per feature.
//! - [`web`]: the web interface, pages in the NHS design system, a client of the API.
//! - [`startup`]: building and running the service; [`seed`]: synthetic integrated care
//!   systems written through the API; [`cli`]: the command line.
#[macro_use]
pub mod store;
pub mod api;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod import;
pub mod ledger;
pub mod projections;
pub mod reports;
pub mod seed;
pub mod startup;
pub mod telemetry;
pub mod web;
