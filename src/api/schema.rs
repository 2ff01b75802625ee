//! The schema root: every area's queries and mutations merged in one order (the order of the
//! fields in `schema/schema.graphql`), the limits every request runs under, and the data each
//! request carries for the areas.

use std::sync::Arc;

use async_graphql::{MergedObject, Request, Schema, SchemaBuilder};

use super::action::mutations::ActionMutations;
use super::action::queries::ActionQueries;
use super::activity::corrections::ActivityCorrections;
use super::activity::mutations::ActivityMutations;
use super::activity::publishing::ActivityPublishing;
use super::activity::queries::ActivityQueries;
use super::audit::checkpoint::AuditQueries;
use super::audit::export::ExportQueries;
use super::audit::history::HistoryQueries;
use super::audit::trace::TraceQueries;
use super::board::appointment_mutations::AppointmentMutations;
use super::board::meeting_mutations::MeetingMutations;
use super::board::mutations::BoardMutations;
use super::board::queries::BoardQueries;
use super::common::heavy::ThisRequest;
use super::input_item::coding::ThemeCoding;
use super::input_item::mutations::InputItemMutations;
use super::input_item::queries::InputItemQueries;
use super::node::NodeQueries;
use super::operations::OperationsQueries;
use super::organisation::mutations::OrganisationMutations;
use super::organisation::queries::OrganisationQueries;
use super::participant::mutations::ParticipantMutations;
use super::participant::queries::ParticipantQueries;
use super::participant::reads::PersonalReads;
use super::reports::annual::ReportQueries;
use super::reports::baseline::{BaselineMutations, BaselineQueries};
use super::reports::reach::ReachQueries;
use super::reports::scorecard::ScorecardQueries;
use super::subscriptions::SubscriptionRoot;
use crate::audit::CheckpointKey;
use crate::ledger::Ledger;

/// The root of all queries.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    OrganisationQueries,
    ActivityQueries,
    InputItemQueries,
    ActionQueries,
    ParticipantQueries,
    BoardQueries,
    ScorecardQueries,
    BaselineQueries,
    ReachQueries,
    ReportQueries,
    AuditQueries,
    TraceQueries,
    HistoryQueries,
    ExportQueries,
    OperationsQueries,
    NodeQueries,
);

/// The root of all mutations.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    OrganisationMutations,
    ActivityMutations,
    ActivityCorrections,
    ActivityPublishing,
    InputItemMutations,
    ThemeCoding,
    ActionMutations,
    ParticipantMutations,
    BoardMutations,
    AppointmentMutations,
    MeetingMutations,
    BaselineMutations,
);

/// The service's GraphQL schema.
pub type LedgerSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

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
    let builder = builder();
    match ledger {
        Some((ledger, checkpoints)) => builder.data(ledger).data(checkpoints).finish(),
        None => builder.finish(),
    }
}

/// The schema in SDL, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    schema(None).sdl()
}

/// A schema builder with the limits for ordinary documents.
pub fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    limited(MAX_DEPTH, MAX_RECURSION)
}

/// A schema builder for documents that ask only for introspection: it answers nothing else,
/// with deeper limits that fit the standard introspection queries.
pub fn builder_for_introspection() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    limited(INTROSPECTION_DEPTH, INTROSPECTION_RECURSION).introspection_only()
}

fn limited(
    depth: usize,
    recursion: usize,
) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .limit_depth(depth)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(recursion)
    .limit_directives(MAX_FIELD_DIRECTIVES)
}

/// What each request (each operation on a socket) shares among its fields: its reads of
/// personal data, recorded once per participant ([`PersonalReads`]), and the moments it
/// replays ([`ThisRequest`]).
pub fn per_request(request: Request) -> Request {
    request
        .data(PersonalReads::default())
        .data(ThisRequest::default())
}
