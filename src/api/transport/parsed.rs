//! The checks a query's text gets before the schema runs it, and parsed queries kept for
//! reuse: clients send the same few query texts over and over with new variables, so each text
//! is parsed (and shape-checked) once, and its document reused.
//!
//! Only documents that parsed and passed the shape limits ([`super::shape`]) are kept; those
//! checks depend on the text alone, so a kept document passes them again. The schema's own
//! checks (recursion, directives, then validation against the schema, which depends on the
//! variables) still run on every request. A document never goes stale: it depends on the text
//! alone (see [`crate::cache`]).
//!
//! These run before the schema rather than as an async-graphql extension: with any extension
//! installed, async-graphql sends every field of every answer through the extension chain,
//! which costs more than resolving most fields does.

use std::sync::{Arc, Mutex};

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Data, Executor, Request, Response, ServerError, ServerResult};

use crate::api::common::heavy::HeavyWork;
use crate::api::schema::{builder, builder_for_introspection, per_request, LedgerSchema};
use crate::audit::CheckpointKey;
use crate::cache::{lock, Bounded};
use crate::ledger::Ledger;

/// Most documents kept.
const CAPACITY: usize = 256;
/// Longest query text kept, in bytes: longer texts are parsed every time.
const MAX_TEXT: usize = 4096;

/// Keeps parsed documents by query text.
struct ParsedQueries {
    documents: Mutex<Bounded<String, ExecutableDocument>>,
}

impl Default for ParsedQueries {
    fn default() -> Self {
        Self {
            documents: Mutex::new(Bounded::new(CAPACITY)),
        }
    }
}

impl ParsedQueries {
    /// The checked document of `query`, kept or parsed now.
    fn document(&self, query: &str) -> ServerResult<ExecutableDocument> {
        if let Some(document) = self.kept(query) {
            return Ok(document);
        }
        super::shape::check_text(query)?;
        let document = async_graphql::parser::parse_query(query).map_err(ServerError::from)?;
        super::shape::check(&document)?;
        self.keep(query, &document);
        Ok(document)
    }

    fn kept(&self, query: &str) -> Option<ExecutableDocument> {
        lock(&self.documents).get(query).cloned()
    }

    fn keep(&self, query: &str, document: &ExecutableDocument) {
        if query.len() > MAX_TEXT {
            return;
        }
        lock(&self.documents).insert(query.to_owned(), document.clone());
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
    let heavy = Arc::new(HeavyWork::default());
    let mut builder = builder();
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

/// The schema behind the checks on a query's text: what the HTTP and WebSocket endpoints run
/// requests on.
#[derive(Clone)]
pub struct CheckedSchema {
    schema: LedgerSchema,
    /// The schema for documents that ask only for introspection, when it is on.
    introspection: Option<LedgerSchema>,
    parsed: Arc<ParsedQueries>,
}

impl CheckedSchema {
    /// `schema` behind the checks, and `introspection` for introspection-only documents.
    pub fn new(schema: LedgerSchema, introspection: Option<LedgerSchema>) -> Self {
        Self {
            schema,
            introspection,
            parsed: Arc::default(),
        }
    }

    /// The schema itself, without the checks (for requests made in process).
    pub fn schema(&self) -> &LedgerSchema {
        &self.schema
    }

    /// Gives `request` its checked document, and answers with the schema to run it on; or, for
    /// a text that fails the checks, with the error refusing it.
    fn prepare(&self, request: &mut Request) -> ServerResult<&LedgerSchema> {
        super::shape::check_variables(&request.variables)?;
        let document = self.parsed.document(&request.query)?;
        let schema = match &self.introspection {
            Some(introspection)
                if super::shape::introspection_only(
                    &document,
                    request.operation_name.as_deref(),
                ) =>
            {
                introspection
            }
            _ => &self.schema,
        };
        request.set_parsed_query(document);
        Ok(schema)
    }
}

impl CheckedSchema {
    /// The kind of operation `request` would run, once its text has passed the checks.
    pub fn operation_type(&self, request: &mut Request) -> ServerResult<OperationType> {
        super::shape::check_variables(&request.variables)?;
        let document = self.parsed.document(&request.query)?;
        let operation = match (&document.operations, &request.operation_name) {
            (DocumentOperations::Single(operation), None) => Some(operation),
            (operations, Some(name)) => operations
                .iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                .map(|(_, operation)| operation),
            (DocumentOperations::Multiple(_), None) => {
                return Err(ServerError::new(
                    "the document holds several operations: name one in operationName",
                    None,
                ))
            }
        };
        let kind = operation.map(|o| o.node.ty).ok_or_else(|| {
            ServerError::new("operationName names no operation in the document", None)
        })?;
        request.set_parsed_query(document);
        Ok(kind)
    }
}

impl Executor for CheckedSchema {
    async fn execute(&self, mut request: Request) -> Response {
        match self.prepare(&mut request) {
            Ok(schema) => schema.execute(per_request(request)).await,
            Err(refusal) => Response::from_errors(vec![refusal]),
        }
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match self.prepare(&mut request) {
            Ok(schema) => Executor::execute_stream(schema, per_request(request), session_data),
            Err(refusal) => {
                stream::once(async move { Response::from_errors(vec![refusal]) }).boxed()
            }
        }
    }
}
