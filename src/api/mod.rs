//! The GraphQL API over HTTP.

pub mod audit;
pub mod baseline;
pub mod boards;
pub mod context;
pub mod enums;
pub mod error;
mod http;
pub mod limits;
mod lists;
pub mod mutations;
pub mod objects;
pub mod operations;
mod parsed;
pub mod participants;
pub mod query;
pub mod report;
pub mod scorecard;
pub mod shape;
pub mod subscriptions;

use std::sync::Arc;

use async_graphql::Schema;

pub use http::{router, AppState};
pub use mutations::{ChosenId, MutationRoot};
pub use parsed::CheckedSchema;
pub use query::{CoreQueries, QueryRoot};

use crate::audit::CheckpointKey;
use crate::ledger::Ledger;

/// The service's GraphQL schema.
pub type LedgerSchema = Schema<QueryRoot, MutationRoot, subscriptions::SubscriptionRoot>;

/// Deepest query nesting accepted.
pub const MAX_DEPTH: usize = 12;
/// Largest query complexity accepted.
pub const MAX_COMPLEXITY: usize = 2_000;
/// Deepest nesting of selection sets and fragment spreads the parser follows.
pub const MAX_RECURSION: usize = 16;
/// Most directives on any one field.
pub const MAX_FIELD_DIRECTIVES: usize = 4;

/// Builds the schema, with the ledger as context data when given.
pub fn schema(ledger: Option<(Arc<Ledger>, Arc<CheckpointKey>)>) -> LedgerSchema {
    build(ledger, true)
}

/// The schema for a running service, behind the checks on a query's text: introspection and
/// field suggestions only when `introspection` is on.
pub fn service_schema(
    ledger: Arc<Ledger>,
    checkpoints: Arc<CheckpointKey>,
    introspection: bool,
) -> CheckedSchema {
    CheckedSchema::new(build(Some((ledger, checkpoints)), introspection))
}

fn build(ledger: Option<(Arc<Ledger>, Arc<CheckpointKey>)>, introspection: bool) -> LedgerSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscriptions::SubscriptionRoot,
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(MAX_RECURSION)
    .limit_directives(MAX_FIELD_DIRECTIVES);
    if !introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    match ledger {
        Some((ledger, checkpoints)) => builder.data(ledger).data(checkpoints).finish(),
        None => builder.finish(),
    }
}

/// The schema in SDL, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    schema(None).sdl()
}
