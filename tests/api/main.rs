//! Integration tests: the service over HTTP on SQLite and PostgreSQL.

mod helpers;
mod process;

mod annual_report;
mod audit;
mod auth;
mod bad_input;
mod baseline;
mod boards;
mod concurrency;
mod crash;
mod dashboards;
mod erasure_on_disk;
mod exports;
mod health;
mod history;
mod idempotency;
mod immutability;
mod journey;
mod key_rotation;
mod lagging;
mod participants;
mod prepared_year;
mod projections;
mod query_limits;
mod replicas;
mod schema;
mod scoping;
mod scorecard;
mod security;
mod seed;
mod startup_secrets;
mod subscriptions;
mod trace;
