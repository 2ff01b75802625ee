//! Recording a planned import through the command path, as the API's own mutations, step by
//! step: each step's events carry the file's SHA-256 and its row in their metadata. A step
//! whose idempotency key was used before for the same request records nothing (the file, or
//! that row of it, was imported before); one used for a different request is refused as a row
//! that changed since, to be put right with the correction mutations instead.

use async_graphql::Variables;
use serde_json::json;

use super::plan::Step;
use super::Problem;
use crate::api::context::RequestInfo;
use crate::api::{ChosenId, LedgerSchema};
use crate::auth::Principal;
use crate::ledger::Origin;

/// What an import recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Steps that recorded something.
    pub recorded: usize,
    /// Steps an earlier import of the same rows had recorded already.
    pub already: usize,
}

/// The mutation text of a step: `mutation($i: PlanActivityInput!) { planActivity(...) }`.
fn mutation(field: &str) -> String {
    let mut input_type = field[..1].to_ascii_uppercase();
    input_type.push_str(&field[1..]);
    format!(
        "mutation($i: {input_type}Input!) {{ {field}(input: $i) {{ receipt {{ replayed }} }} }}"
    )
}

/// Records `steps` as `who`, calling `progress` after each; stops at the first refusal, named
/// as a problem with its row.
pub async fn record(
    schema: &LedgerSchema,
    who: &Principal,
    steps: &[Step],
    file_sha256: &str,
    mut progress: impl FnMut(usize),
) -> Result<Recorded, Problem> {
    let mut done = Recorded::default();
    for (n, step) in steps.iter().enumerate() {
        let mut input = step.input.clone();
        input["idempotencyKey"] = json!(step.idempotency_key);
        let mut request = async_graphql::Request::new(mutation(step.field))
            .variables(Variables::from_json(json!({ "i": input })))
            .data(who.clone())
            .data(RequestInfo {
                correlation_id: format!("import-{}", &file_sha256[..16.min(file_sha256.len())]),
            })
            .data(Origin {
                file_sha256: file_sha256.to_owned(),
                row: format!("{} row {}", step.sheet.name(), step.row),
            });
        if let Some(id) = step.id {
            request = request.data(ChosenId(id));
        }
        let response = schema.execute(request).await;
        if let Some(error) = response.errors.first() {
            return Err(refused(step, &error.message));
        }
        let replayed = response
            .data
            .into_json()
            .ok()
            .and_then(|d| d[step.field]["receipt"]["replayed"].as_bool())
            .unwrap_or(false);
        if replayed {
            done.already += 1;
        } else {
            done.recorded += 1;
        }
        progress(n + 1);
    }
    Ok(done)
}

/// A refusal of `step`'s mutation as a problem with its row.
fn refused(step: &Step, message: &str) -> Problem {
    let expected = if message.contains("idempotency key was already used") {
        "the row as it was imported before: to change a record imported already, put it right \
         with the correction mutations (amend, revise) rather than a changed file"
            .to_owned()
    } else {
        format!("a row the ledger takes; it said: {message}")
    };
    Problem {
        sheet: step.sheet.name().to_owned(),
        row: Some(step.row),
        column: String::new(),
        found: step.field.to_owned(),
        expected,
    }
}
