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

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
    TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::Positioned;
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

/// The operation of `document` that `name` chooses: the only one when no name is given (named
/// or not), else the one so named.
fn chosen<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Result<&'a Positioned<OperationDefinition>, &'static str> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), None) => Ok(operation),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations
            .values()
            .next()
            .ok_or("the document holds no operation"),
        (DocumentOperations::Multiple(_), None) => {
            Err("the document holds several operations: name one in operationName")
        }
        (operations, Some(name)) => operations
            .iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, operation)| operation)
            .ok_or("operationName names no operation in the document"),
    }
}

impl CheckedSchema {
    /// The kind of operation `request` would run, once its text has passed the checks.
    pub fn operation_type(&self, request: &mut Request) -> ServerResult<OperationType> {
        super::shape::check_variables(&request.variables)?;
        let document = self.parsed.document(&request.query)?;
        let kind = chosen(&document, request.operation_name.as_deref())
            .map_err(|refusal| ServerError::new(refusal, None))?
            .node
            .ty;
        request.set_parsed_query(document);
        Ok(kind)
    }

    /// What the metrics and the access log call `request`: its kind and root field
    /// (`query:scorecard`); `several` for more than one field, `unknown` for a field the
    /// schema does not have and `invalid` for a text that fails the checks, so that nothing a
    /// client makes up becomes a metric's label.
    pub fn label(&self, request: &Request) -> String {
        let Ok(document) = self.parsed.document(&request.query) else {
            return "invalid".to_owned();
        };
        let Ok(operation) = chosen(&document, request.operation_name.as_deref()) else {
            return "invalid".to_owned();
        };
        let kind = match operation.node.ty {
            OperationType::Query => "query",
            OperationType::Mutation => "mutation",
            OperationType::Subscription => "subscription",
        };
        let mut fields =
            operation
                .node
                .selection_set
                .node
                .items
                .iter()
                .map(|item| match &item.node {
                    Selection::Field(field) => Some(field.node.name.node.as_str()),
                    _ => None,
                });
        let field = match (fields.next(), fields.next()) {
            (Some(Some(name)), None) if name.starts_with("__") => "introspection",
            (Some(Some(name)), None) if root_fields().contains(name) => name,
            (Some(Some(_)), None) => "unknown",
            _ => "several",
        };
        format!("{kind}:{field}")
    }
}

/// Every root field of the schema (its queries, mutations and subscriptions).
fn root_fields() -> &'static HashSet<String> {
    static FIELDS: OnceLock<HashSet<String>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let Ok(document) = async_graphql::parser::parse_schema(crate::api::sdl()) else {
            return HashSet::new();
        };
        document
            .definitions
            .iter()
            .filter_map(|definition| match definition {
                TypeSystemDefinition::Type(t) => Some(&t.node),
                _ => None,
            })
            .filter(|t| t.name.node.ends_with("Root"))
            .filter_map(|t| match &t.kind {
                TypeKind::Object(object) => Some(&object.fields),
                _ => None,
            })
            .flatten()
            .map(|field| field.node.name.node.to_string())
            .collect()
    })
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
