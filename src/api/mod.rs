//! The GraphQL API over HTTP, arranged by feature.
//!
//! Each area holds its GraphQL objects, its queries and its mutations: [`organisation`],
//! [`activity`], [`input_item`], [`action`], [`participant`], [`board`], [`reports`]
//! (scorecard, reach, annual report, baseline), [`audit`], [`operations`], [`node`] (Relay's
//! `node(id:)`) and [`subscriptions`]. Below them all, [`common`] holds what they share (the
//! request's context, ids, errors, paging, periods, shared enums, the heavy-work pool, the
//! mutation plumbing) and imports none of them. [`schema`](mod@schema) merges the areas into the schema
//! root; [`transport`] serves it over HTTP and WebSocket without reaching into any area.
//!
//! A new query or mutation on activities goes in [`activity`] and nowhere else; a new area is
//! a folder here and a line in each root of [`schema`](mod@schema).

pub mod action;
pub mod activity;
pub mod audit;
pub mod board;
pub mod common;
pub mod input_item;
pub mod node;
pub mod operations;
pub mod organisation;
pub mod participant;
pub mod reports;
pub mod schema;
pub mod subscriptions;
pub mod transport;

pub use self::common::write::ChosenId;
pub use self::common::{context, error, heavy, pages};
pub use self::schema::{
    schema, sdl, LedgerSchema, MutationRoot, QueryRoot, INTROSPECTION_DEPTH,
    INTROSPECTION_RECURSION, MAX_COMPLEXITY, MAX_DEPTH, MAX_FIELD_DIRECTIVES, MAX_RECURSION,
};
pub use self::transport::http::{router, MAX_BODY_BYTES, MAX_UPLOAD_BYTES};
pub use self::transport::parsed::{service_schema, CheckedSchema};
pub use self::transport::state::AppState;
pub use self::transport::{limits, shape, socket};
