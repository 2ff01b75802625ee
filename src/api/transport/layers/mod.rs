//! The project's own HTTP concerns as tower layers, in tower-http's style: each a
//! [`ValidateRequest`](tower_http::validate_request::ValidateRequest) given to
//! tower-http's `ValidateRequestHeaderLayer` where the check is synchronous (JSON bodies only,
//! who is calling, the rate limit, signed in), and a `Layer` and `Service` of our own where it
//! waits (the `X-Log-Position` wait). The stock layers (request id, tracing, panics, body
//! limit, time limit) and the access log are assembled with these in [`super::http::router`].

pub mod access_log;
pub mod auth;
pub mod json;
pub mod log_position;
pub mod rate_limit;
pub mod request_id;
pub mod time_limit;
