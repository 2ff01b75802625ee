//! The pages' one way in to the data: the GraphQL schema, run in process as the signed-in
//! person, so that access rules, validation, idempotency and errors are the API's own.
//!
//! Each operation a page runs is a document under `web/operations/`, built into the binary
//! and checked against `schema/schema.graphql` by a test.

use async_graphql::parser::types::OperationType;
use async_graphql::Variables;
use serde::de::DeserializeOwned;

use super::failure::Failure;
use super::session;
use super::signed_in::SignedIn;
use crate::api::context::RequestInfo;
use crate::api::transport::refusal::with_codes;
use crate::api::AppState;

/// A GraphQL operation the pages run, by its file's name under `web/operations/`.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub name: &'static str,
    pub text: &'static str,
}

/// The operation in `web/operations/<name>.graphql`.
#[macro_export]
macro_rules! operation {
    ($name:literal) => {
        $crate::web::client::Operation {
            name: $name,
            text: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/web/operations/",
                $name,
                ".graphql"
            )),
        }
    };
}

/// Why an operation did not give its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The API's error code: `VALIDATION`, `NOT_FOUND`, `FORBIDDEN`, `CONFLICT`, ...
    pub code: String,
    /// The API's message: for `VALIDATION`, `field: problem; field: problem`.
    pub message: String,
}

impl Refusal {
    /// The problems the message names by field, in order: `("title", "must not be empty")`.
    /// A message naming no field gives one problem with an empty field.
    pub fn by_field(&self) -> Vec<(String, String)> {
        self.message
            .split("; ")
            .map(|part| match part.split_once(": ") {
                Some((field, problem))
                    if !field.is_empty()
                        && field
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "[]._".contains(c)) =>
                {
                    (field.to_owned(), problem.to_owned())
                }
                _ => (String::new(), part.to_owned()),
            })
            .collect()
    }
}

/// How long a page waits, between tries, for views that are behind (`LAGGING`: the figures
/// being made afresh just after start, say) before it says the service is busy.
const LAGGING_WAITS_MS: [u64; 3] = [250, 500, 1000];

/// Runs `operation` with `variables` as `who`, and reads its data as `T`. An answer the API
/// says is not ready yet (`LAGGING`) is asked for again a few times first, as the API asks
/// its clients to (a mutation carries its idempotency key, so asking again records once).
pub async fn run<T: DeserializeOwned>(
    state: &AppState,
    who: &SignedIn,
    operation: Operation,
    variables: serde_json::Value,
) -> Result<T, Refusal> {
    let mut waits = LAGGING_WAITS_MS.iter();
    loop {
        match run_once(state, who, operation, variables.clone()).await {
            Err(refusal) if refusal.code == "LAGGING" => match waits.next() {
                Some(&ms) => tokio::time::sleep(std::time::Duration::from_millis(ms)).await,
                None => return Err(refusal),
            },
            answer => return answer,
        }
    }
}

async fn run_once<T: DeserializeOwned>(
    state: &AppState,
    who: &SignedIn,
    operation: Operation,
    variables: serde_json::Value,
) -> Result<T, Refusal> {
    let mut variables = variables;
    // "Recorded as of": every operation that can read the record as it stood is asked to.
    if let (Some(at), Some(fields)) = (who.recorded_as_of, variables.as_object_mut()) {
        if operation.text.contains("$recordedAsOf") {
            fields.insert("recordedAsOf".into(), serde_json::json!(at.to_rfc3339()));
        }
    }
    let mut request = async_graphql::Request::new(operation.text)
        .variables(Variables::from_json(variables))
        .data(who.principal())
        .data(RequestInfo {
            correlation_id: who.correlation_id.clone(),
        });
    // Reading from standbys, the person's pages are read at or after their last change.
    let standbys = state.ledger.reads().has_standbys();
    let changes = standbys
        && matches!(
            state.schema.operation_type(&mut request),
            Ok(OperationType::Mutation)
        );
    let wanted = match standbys && !changes {
        true => session::changed_at(&who.session).await,
        false => None,
    };
    let answer = state
        .execute(request, wanted, |mut response| {
            with_codes(&mut response.errors);
            response
        })
        .await
        .ok_or_else(|| Refusal {
            code: "INTERNAL".into(),
            message: "the service is stopping".into(),
        })?;
    if changes {
        // A mutation answers once the views show it: where they stand now holds it.
        session::note_change(&who.session, state.ledger.projector().position()).await;
    }
    if let Some(error) = answer.errors.into_iter().next() {
        let code = error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(|code| match code {
                async_graphql::Value::String(code) => Some(code.clone()),
                async_graphql::Value::Enum(code) => Some(code.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| "INTERNAL".into());
        if code == "INTERNAL" {
            tracing::error!(operation = operation.name, "a page's operation failed");
        }
        return Err(Refusal {
            code,
            message: error.message,
        });
    }
    let data = answer
        .data
        .into_json()
        .map_err(|error| internal(operation, &error))?;
    serde_json::from_value(data).map_err(|error| internal(operation, &error))
}

fn internal(operation: Operation, error: &dyn std::fmt::Display) -> Refusal {
    tracing::error!(
        operation = operation.name,
        error = %error,
        "a page could not read its operation's answer"
    );
    Refusal {
        code: "INTERNAL".into(),
        message: "the answer could not be read".into(),
    }
}

impl From<Refusal> for Failure {
    /// A refusal the page does not show in its own words: a record not found (or not the
    /// person's to see), a thing they may not do, or our failure.
    fn from(refusal: Refusal) -> Self {
        match refusal.code.as_str() {
            "NOT_FOUND" => Failure::NotFound,
            "FORBIDDEN" => Failure::Forbidden(refusal.message),
            "RATE_LIMITED" => Failure::TooMany {
                retry_after_secs: 60,
            },
            "LAGGING" | "TIMEOUT" => Failure::Busy,
            _ => {
                // The API's messages carry no personal data or tokens.
                tracing::error!(
                    code = %refusal.code,
                    message = %refusal.message,
                    "a page's operation was refused unexpectedly"
                );
                Failure::Internal
            }
        }
    }
}
