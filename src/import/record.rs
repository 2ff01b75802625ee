//! Recording a planned import through the command path, as the API's own mutations: each
//! step's events carry the file's SHA-256, its row and who brought the file in. The steps of
//! one sheet run after those of the sheets before it (an input item needs its activity); within
//! a sheet each record's steps run in order and different records' side by side, as concurrent
//! users' commands do, sharing the store's group commits.
//!
//! A step whose idempotency key was used before for the same request records nothing (the file,
//! or that row of it, was imported before); one used for a different request is refused as a
//! row that changed since, to be put right with the correction mutations instead. A refused
//! step is named as a problem with its row, and the steps that needed its record are not tried,
//! so one fault is reported once rather than again at every row that follows from it.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_graphql::Variables;
use futures_util::{stream, StreamExt};
use serde_json::{json, Value};

use super::plan::Step;
use super::Problem;
use crate::api::context::RequestInfo;
use crate::api::{ChosenId, LedgerSchema};
use crate::auth::{Principal, Role};
use crate::ledger::Origin;

/// Records written side by side within a sheet.
const SIDE_BY_SIDE: usize = 16;

/// The subject every import records as: the same file is recognised whoever brings it in (who
/// did is written in each event's `import.by`).
pub const IMPORTER: &str = "import";

/// The principal an import of `organisation`'s history records as.
pub fn importer(organisation: &str) -> Principal {
    Principal {
        subject: IMPORTER.to_owned(),
        role: Role::Admin,
        organisations: vec![organisation.to_owned()],
    }
}

/// Where a run of steps goes and what its events say of their origin.
pub struct Recording<'a> {
    pub schema: &'a LedgerSchema,
    pub organisation: &'a str,
    pub file_sha256: &'a str,
    /// Who brought the file in: a subject, or `command line`.
    pub by: &'a str,
}

/// What a run of steps came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Steps that recorded something.
    pub recorded: usize,
    /// Steps an earlier import of the same rows had recorded already.
    pub already: usize,
    /// Each refused step, with its row.
    pub problems: Vec<Problem>,
}

/// The mutation text of a step: `mutation($i: PlanActivityInput!) { planActivity(...) }`.
fn mutation(field: &str) -> String {
    let mut input_type = field[..1].to_ascii_uppercase();
    input_type.push_str(&field[1..]);
    format!(
        "mutation($i: {input_type}Input!) {{ {field}(input: $i) {{ receipt {{ replayed }} }} }}"
    )
}

/// The record a step acts on: the one it creates, or else the one its input names (each step
/// names one record by a string `...Id`, and lists of others it cites).
fn record_of(step: &Step) -> String {
    if let Some(id) = step.id {
        return id.to_string();
    }
    step.input
        .as_object()
        .and_then(|input| {
            input
                .iter()
                .find(|(k, v)| k.ends_with("Id") && v.is_string())
                .and_then(|(_, v)| v.as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| "organisation".to_owned())
}

/// Runs `steps` as the recording says, calling `progress` with the number of steps done so far.
/// Every step is tried, but for those that needed a record another step failed to make.
pub async fn record(
    run: &Recording<'_>,
    steps: &[Step],
    progress: &(dyn Fn(usize) + Sync),
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut failed: HashSet<String> = HashSet::new();
    let done = AtomicUsize::new(0);
    for sheet in steps.chunk_by(|a, b| a.sheet == b.sheet) {
        // Each lane is one record's steps, by their places in `sheet`.
        let mut lanes: Vec<Vec<usize>> = Vec::new();
        let mut lane_of: HashMap<String, usize> = HashMap::new();
        for (i, step) in sheet.iter().enumerate() {
            let lane = *lane_of.entry(record_of(step)).or_insert_with(|| {
                lanes.push(Vec::new());
                lanes.len() - 1
            });
            lanes[lane].push(i);
        }
        let failed_before = &failed;
        let lanes: Vec<Lane> = stream::iter(lanes)
            .map(|lane| run_lane(run, sheet, lane, failed_before, &done, progress))
            .buffer_unordered(SIDE_BY_SIDE)
            .collect()
            .await;
        for lane in lanes {
            outcome.recorded += lane.recorded;
            outcome.already += lane.already;
            outcome.problems.extend(lane.problem);
            failed.extend(lane.failed);
        }
    }
    outcome.problems.sort();
    outcome
}

/// What one record's steps came to.
#[derive(Default)]
struct Lane {
    recorded: usize,
    already: usize,
    problem: Option<Problem>,
    /// The record, when a step of it was refused or could not be tried.
    failed: Option<String>,
}

async fn run_lane(
    run: &Recording<'_>,
    sheet: &[Step],
    lane: Vec<usize>,
    failed_before: &HashSet<String>,
    done: &AtomicUsize,
    progress: &(dyn Fn(usize) + Sync),
) -> Lane {
    let steps = lane.into_iter().map(|i| &sheet[i]);
    let mut lane = Lane::default();
    for step in steps {
        if lane.failed.is_none() && !needs_any(step, failed_before) {
            match attempt(run, step).await {
                Ok(true) => lane.already += 1,
                Ok(false) => lane.recorded += 1,
                Err(message) => {
                    lane.problem = Some(refused(step, &message));
                    lane.failed = Some(record_of(step));
                }
            }
        } else if lane.failed.is_none() {
            lane.failed = Some(record_of(step));
        }
        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
    }
    lane
}

/// Whether `step` names a record in `failed`.
fn needs_any(step: &Step, failed: &HashSet<String>) -> bool {
    if failed.is_empty() {
        return false;
    }
    fn names(value: &Value, failed: &HashSet<String>) -> bool {
        match value {
            Value::String(s) => failed.contains(s),
            Value::Array(a) => a.iter().any(|v| names(v, failed)),
            Value::Object(o) => o.values().any(|v| names(v, failed)),
            _ => false,
        }
    }
    names(&step.input, failed)
}

/// Runs one step, trying again when another write to the same record won; answers whether it
/// was a replay of an earlier import, or the refusal's message.
async fn attempt(run: &Recording<'_>, step: &Step) -> Result<bool, String> {
    let mut input = step.input.clone();
    input["idempotencyKey"] = json!(step.idempotency_key);
    let variables = Variables::from_json(json!({ "i": input }));
    let mut tries = 0;
    loop {
        let mut request = async_graphql::Request::new(mutation(step.field))
            .variables(variables.clone())
            .data(importer(run.organisation))
            .data(RequestInfo {
                correlation_id: format!(
                    "import-{}",
                    &run.file_sha256[..16.min(run.file_sha256.len())]
                ),
            })
            .data(Origin {
                file_sha256: run.file_sha256.to_owned(),
                row: format!("{} row {}", step.sheet.name(), step.row),
                by: run.by.to_owned(),
            });
        if let Some(id) = step.id {
            request = request.data(ChosenId(id));
        }
        let response = run.schema.execute(request).await;
        match response.errors.first() {
            None => {
                let data = response.data.into_json().unwrap_or_default();
                return Ok(data[step.field]["receipt"]["replayed"].as_bool() == Some(true));
            }
            Some(error) if error.message.contains("changed by another request") && tries < 5 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(5 << tries)).await;
            }
            Some(error) => return Err(error.message.clone()),
        }
    }
}

/// A refusal of `step`'s mutation as a problem with its row.
fn refused(step: &Step, message: &str) -> Problem {
    if message.contains("idempotency key was already used") {
        return changed_since(step);
    }
    problem(step, format!("a row the ledger takes; it said: {message}"))
}

/// The problem with `step`'s row when an earlier import recorded it differently.
pub(super) fn changed_since(step: &Step) -> Problem {
    problem(
        step,
        "the row as it was imported before: to change a record imported already, put it right \
         with the correction mutations (amend, revise) rather than a changed file"
            .to_owned(),
    )
}

fn problem(step: &Step, expected: String) -> Problem {
    Problem {
        sheet: step.sheet.name().to_owned(),
        row: Some(step.row),
        column: String::new(),
        found: step.field.to_owned(),
        expected,
    }
}
