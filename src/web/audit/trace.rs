//! A trace: one timeline from the activity to the outcome and the feedback (or back from an
//! action or a board decision to the input behind it), each step with when it happened, when
//! and by whom it was recorded, and its hash, which the chain links to the step before.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::page::{long_date, render, role_words, Chrome, Section};
use crate::web::signed_in::SignedIn;

/// Whichever trace was asked for.
#[derive(Deserialize)]
struct Data {
    item: Option<Trace>,
    action: Option<Trace>,
    decision: Option<Trace>,
}

#[derive(Deserialize)]
struct Trace {
    steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Step {
    log_position: i64,
    recorded_at: String,
    occurred_on: Option<String>,
    aggregate_type: String,
    aggregate_id: String,
    event_type: String,
    summary: String,
    pub(super) actor: Actor,
    hash: String,
}

#[derive(Deserialize)]
pub(super) struct Actor {
    pub(super) subject: Option<String>,
    pub(super) role: Option<String>,
}

/// A step as the page shows it.
pub(super) struct Shown {
    pub(super) position: i64,
    pub(super) happened: String,
    pub(super) recorded: String,
    pub(super) by: String,
    pub(super) what: String,
    pub(super) summary: String,
    /// The record's page, where the pages have one.
    pub(super) link: Option<String>,
    pub(super) hash: String,
}

impl Step {
    pub(super) fn shown(self) -> Shown {
        Shown {
            position: self.log_position,
            happened: self
                .occurred_on
                .as_deref()
                .map(long_date)
                .unwrap_or_default(),
            recorded: recorded(&self.recorded_at),
            by: by(&self.actor),
            what: words_of(&self.event_type),
            link: page_of(&self.aggregate_type, &self.aggregate_id),
            summary: self.summary,
            hash: self.hash,
        }
    }
}

/// "5 December 2026 at 14:03:27 UTC" from an RFC 3339 time: to the second, so that an auditor
/// can read the record as it stood just before any step.
pub(super) fn recorded(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%-d %B %Y at %H:%M:%S UTC")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// Who recorded a step: their subject and role, or that they were of another organisation.
pub(super) fn by(actor: &Actor) -> String {
    match (&actor.subject, &actor.role) {
        (Some(subject), Some(role)) => format!("{subject} ({})", role_words(role)),
        (Some(subject), None) => subject.clone(),
        _ => "someone of another organisation".to_owned(),
    }
}

/// An event's name in words: "InputItemRecorded" to "Input item recorded".
pub(super) fn words_of(event_type: &str) -> String {
    crate::audit::trace::words(event_type)
}

/// The page of the record an event is of, where there is one.
fn page_of(aggregate_type: &str, id: &str) -> Option<String> {
    let base = match aggregate_type {
        "Activity" => "/activities",
        "InputItem" => "/input",
        "Action" => "/actions",
        "Board" => "/boards",
        "BoardMeeting" => "/meetings",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

#[derive(Template)]
#[template(path = "audit/trace.html")]
struct TracePage {
    chrome: Chrome,
    heading: String,
    back: String,
    steps: Vec<Shown>,
}

async fn traced(
    state: &AppState,
    who: &SignedIn,
    variables: serde_json::Value,
    heading: &str,
    back: String,
) -> Result<Response, Failure> {
    let data: Data = run(state, who, operation!("trace"), variables).await?;
    let trace = data.item.or(data.action).or(data.decision);
    let steps = trace.map(|t| t.steps).unwrap_or_default();
    Ok(render(&TracePage {
        chrome: who.chrome(heading.to_owned(), Section::Audit),
        heading: heading.to_owned(),
        back,
        steps: steps.into_iter().map(Step::shown).collect(),
    }))
}

pub(super) async fn input_item(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let back = format!("/input/{id}");
    let variables = json!({ "item": id, "byItem": true });
    traced(&state, &who, variables, "Trace of an input item", back).await
}

pub(super) async fn action(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let back = format!("/actions/{id}");
    let variables = json!({ "action": id, "byAction": true });
    let heading = "Trace of an action, back to its input";
    traced(&state, &who, variables, heading, back).await
}

pub(super) async fn board_decision(
    State(state): State<AppState>,
    who: SignedIn,
    Path((meeting, decision)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let back = format!("/meetings/{meeting}");
    let variables = json!({ "meeting": meeting, "decision": decision, "byDecision": true });
    let heading = "Trace of a board decision, back to its input";
    traced(&state, &who, variables, heading, back).await
}
