//! The GraphQL transport: the HTTP routes and their layers, the WebSocket loop for
//! subscriptions, the checks on a query's text before the schema runs it (its shape, and
//! parsed documents kept for reuse), and the rate limiter. It runs the schema root
//! ([`crate::api::schema`]) and knows nothing of the areas behind it.

pub mod http;
pub mod lane;
pub mod layers;
pub mod limits;
pub mod parsed;
pub mod refusal;
pub mod shape;
pub mod socket;
pub mod state;
