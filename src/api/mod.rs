//! The GraphQL API over HTTP.

pub mod audit;
pub mod baseline;
pub mod boards;
pub mod context;
pub mod enums;
pub mod error;
pub mod heavy;
mod http;
pub mod limits;
mod lists;
pub mod mutations;
pub mod node;
pub mod objects;
pub mod operations;
pub mod pages;
mod parsed;
pub mod participants;
pub mod query;
pub mod report;
pub mod scorecard;
pub mod shape;
pub mod socket;
pub mod subscriptions;

use std::sync::Arc;

use async_graphql::{Schema, SchemaBuilder};

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

/// Deepest nesting of fields in an introspection-only document. The standard introspection
/// queries of `gql` (seven levels of `ofType`), graphql-js 16 and GraphiQL (nine) reach about
/// 14; ordinary queries keep [`MAX_DEPTH`].
pub const INTROSPECTION_DEPTH: usize = 20;
/// Deepest nesting of selection sets and fragment spreads in an introspection-only document.
pub const INTROSPECTION_RECURSION: usize = 24;

/// Builds the schema, with the ledger as context data when given.
pub fn schema(ledger: Option<(Arc<Ledger>, Arc<CheckpointKey>)>) -> LedgerSchema {
    let builder = builder(MAX_DEPTH, MAX_RECURSION);
    match ledger {
        Some((ledger, checkpoints)) => builder.data(ledger).data(checkpoints).finish(),
        None => builder.finish(),
    }
}

/// The schema for a running service, behind the checks on a query's text: introspection and
/// field suggestions only when `introspection` is on. Documents that ask for nothing but
/// introspection run on a schema of their own, which answers nothing else, with deeper limits
/// that fit the standard introspection queries.
pub fn service_schema(
    ledger: Arc<Ledger>,
    checkpoints: Arc<CheckpointKey>,
    introspection: bool,
) -> CheckedSchema {
    let heavy = Arc::new(heavy::HeavyWork::default());
    let mut builder = builder(MAX_DEPTH, MAX_RECURSION);
    if !introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    let schema = builder
        .data(ledger.clone())
        .data(checkpoints.clone())
        .data(heavy.clone())
        .finish();
    let introspection = introspection.then(|| {
        builder_for_introspection()
            .data(ledger)
            .data(checkpoints)
            .data(heavy)
            .finish()
    });
    CheckedSchema::new(schema, introspection)
}

fn builder(
    depth: usize,
    recursion: usize,
) -> SchemaBuilder<QueryRoot, MutationRoot, subscriptions::SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscriptions::SubscriptionRoot,
    )
    .limit_depth(depth)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(recursion)
    .limit_directives(MAX_FIELD_DIRECTIVES)
}

fn builder_for_introspection(
) -> SchemaBuilder<QueryRoot, MutationRoot, subscriptions::SubscriptionRoot> {
    builder(INTROSPECTION_DEPTH, INTROSPECTION_RECURSION).introspection_only()
}

/// The schema in SDL, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    schema(None).sdl()
}
