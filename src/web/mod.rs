//! The web interface: pages in the NHS design system, served by the same binary and on the
//! same port as `/graphql`, with nothing fetched from another host. So far the design
//! system's files themselves ([`assets`]); the pages, built on them, come next (issue 26).
//!
//! The layer above [`crate::api`]: the pages are a client of the GraphQL schema. The service
//! ([`crate::startup`]) hands these routes to the API's router, which puts them behind the
//! same layers as every other request (request id, tracing, panics, body limit).

use axum::Router;

pub mod assets;

/// The web interface's routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    assets::routes()
}
