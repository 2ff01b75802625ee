//! Integration tests: the service over HTTP on SQLite and PostgreSQL.

mod helpers;

mod auth;
mod bad_input;
mod concurrency;
mod idempotency;
mod immutability;
mod journey;
mod projections;
mod schema;
