//! An action's page: what will be done, by whom and when, where it stands, the input it
//! answers and its progress; and the forms that follow it to its end: agreed, progress, a new
//! due date, completed with outcome and evidence, abandoned.

pub mod links;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::correction::correcting;
use crate::web::form::flow::{About, Flow};
use crate::web::form::on_or_today;
use crate::web::form::routes::Params;
use crate::web::form::{Field, Kind};
use crate::web::page::{long_date, render, Chrome, Section, Steps};
use crate::web::shapes::DatedNote;
use crate::web::signed_in::SignedIn;
use crate::web::words::{action_tag, say, ACTION_STATUSES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions/{id}", get(page))
        .merge(form_routes!("/actions/{id}/agree", agree))
        .merge(form_routes!("/actions/{id}/progress", progress))
        .merge(form_routes!("/actions/{id}/due", due))
        .merge(form_routes!("/actions/{id}/complete", complete))
        .merge(form_routes!("/actions/{id}/abandon", abandon))
        .merge(form_routes!("/actions/{id}/correct", correct))
        .merge(links::routes())
}

#[derive(Deserialize)]
struct Data {
    action: Action,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Action {
    id: String,
    title: String,
    owner_organisation: String,
    owner_role: String,
    decision_forum: String,
    status: String,
    proposed_on: String,
    agreed_on: Option<String>,
    due_on: String,
    due_date_changes: Vec<DueChange>,
    progress: Vec<DatedNote>,
    completed_on: Option<String>,
    outcome: Option<String>,
    evidence: Option<String>,
    abandonment: Option<DatedNote>,
    /// The input it answers, from its proposal and linked since.
    input_item_ids: Vec<String>,
    corrections: Vec<Correction>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Correction {
    detail: String,
    recorded_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DueChange {
    changed_on: String,
    due_on: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemHeading {
    input_item: ItemSummary,
}

#[derive(Deserialize)]
struct ItemSummary {
    id: String,
    summary: String,
}

/// The input item `id`'s heading, if the person may see it.
async fn item_heading(state: &AppState, who: &SignedIn, id: &str) -> Result<ItemSummary, Failure> {
    let item: ItemHeading =
        run(state, who, operation!("input_heading"), json!({ "id": id })).await?;
    Ok(item.input_item)
}

#[derive(Template)]
#[template(path = "actions/record.html")]
struct ActionPage {
    chrome: Chrome,
    id: String,
    title: String,
    status: String,
    tag: &'static str,
    facts: Vec<(&'static str, String)>,
    /// The input it answers: id and summary.
    answers: Vec<(String, String)>,
    /// Whether the person may link input to it, or undo a link.
    may_change: bool,
    timeline: Vec<(String, String)>,
    steps: Steps,
}

async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let data: Data = run(&state, &who, operation!("action"), json!({ "id": id })).await?;
    let a = data.action;
    let mut facts = vec![
        (
            "Owner",
            format!("{}, {}", a.owner_role, a.owner_organisation),
        ),
        ("Decided at", a.decision_forum.clone()),
        ("Due", long_date(&a.due_on)),
    ];
    if let Some(outcome) = &a.outcome {
        facts.push(("Outcome", outcome.clone()));
    }
    if let Some(evidence) = &a.evidence {
        facts.push(("Evidence", evidence.clone()));
    }
    // Each item looked up at once; input the person may not see (a partner's) is left out,
    // not named.
    let lookups = a
        .input_item_ids
        .iter()
        .map(|id| item_heading(&state, &who, id));
    let answers: Vec<(String, String)> = futures_util::future::join_all(lookups)
        .await
        .into_iter()
        .flatten()
        .map(|item| (item.id, item.summary))
        .collect();
    let may_change = who.may_change([a.owner_organisation.as_str()]);
    let mut timeline = vec![(a.proposed_on.clone(), "Proposed".to_owned())];
    if let Some(on) = &a.agreed_on {
        timeline.push((on.clone(), "Agreed".to_owned()));
    }
    for change in &a.due_date_changes {
        timeline.push((
            change.changed_on.clone(),
            format!("Now due {}: {}", long_date(&change.due_on), change.reason),
        ));
    }
    for note in &a.progress {
        timeline.push((note.on.clone(), format!("Progress: {}", note.text)));
    }
    if let Some(on) = &a.completed_on {
        timeline.push((on.clone(), "Completed".to_owned()));
    }
    if let Some(note) = &a.abandonment {
        timeline.push((note.on.clone(), format!("Abandoned: {}", note.text)));
    }
    for c in &a.corrections {
        timeline.push((
            c.recorded_at.get(..10).unwrap_or_default().to_owned(),
            format!("Record corrected: {}", c.detail),
        ));
    }
    timeline.sort_by(|x, y| x.0.cmp(&y.0));
    let steps = if may_change {
        next_steps(&a)
    } else {
        Steps::default()
    };
    Ok(render(&ActionPage {
        chrome: who.chrome(a.title.clone(), Section::Activities),
        tag: action_tag(&a.status),
        status: say(ACTION_STATUSES, &a.status),
        facts,
        answers,
        may_change,
        timeline: timeline
            .into_iter()
            .map(|(day, what)| (long_date(&day), what))
            .collect(),
        steps,
        id: a.id,
        title: a.title,
    }))
}

/// What may be recorded of the action next, by where it stands, and its corrections.
fn next_steps(a: &Action) -> Steps {
    let base = format!("/actions/{}", a.id);
    let mut steps = Steps::default();
    let next: &[(&str, &str)] = match a.status.as_str() {
        "PROPOSED" => &[
            ("agree", "Record that it was agreed"),
            ("abandon", "Abandon it"),
        ],
        "AGREED" | "IN_PROGRESS" => &[
            ("progress", "Record progress"),
            ("due", "Change the due date"),
            ("complete", "Record it as completed"),
            ("abandon", "Abandon it"),
        ],
        _ => &[],
    };
    for (tail, words) in next {
        steps.then(&base, tail, words);
    }
    steps.then(&base, "link", "Link more input it answers");
    steps.fix(&base, "correct", "Correct its details");
    steps
}

#[derive(Deserialize)]
struct Heading {
    action: HeadingAction,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeadingAction {
    id: String,
    title: String,
    owner_organisation: String,
}

/// `about` the action the address names, once the person may change it.
pub(super) async fn about(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<Flow, Failure> {
    let heading: Heading = run(
        state,
        who,
        operation!("action_heading"),
        json!({ "id": params.get("id") }),
    )
    .await?;
    let action = heading.action;
    who.must_change(
        [action.owner_organisation.as_str()],
        "Only officers of the organisation that owns this action can change it.",
    )?;
    Ok(about.flow(
        format!("/actions/{}", action.id),
        action.title,
        "actionId",
        &action.id,
        Section::Activities,
    ))
}

async fn agree(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "agree",
            title: "Record that the action was agreed",
            fields: vec![on_or_today("agreedOn", "Date agreed")],
            operation: operation!("agree_action"),
            confirm: "Record it as agreed",
            note: "Action agreed",
        },
    )
    .await
}

async fn progress(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "progress",
            title: "Record progress",
            fields: vec![
                Field::new("note", "What has happened", Kind::Long)
                    .needs("Enter what has happened"),
                on_or_today("recordedOn", "Date"),
            ],
            operation: operation!("record_action_progress"),
            confirm: "Record the progress",
            note: "Progress recorded",
        },
    )
    .await
}

async fn due(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "due",
            title: "Change the due date",
            fields: vec![
                Field::new("dueOn", "New due date", Kind::Date).hint("For example, 27 3 2026"),
                Field::new("reason", "Why it changes", Kind::Long)
                    .needs("Enter why the due date changes"),
            ],
            operation: operation!("change_action_due_date"),
            confirm: "Change the due date",
            note: "Due date changed",
        },
    )
    .await
}

async fn complete(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "complete",
            title: "Record the action as completed",
            fields: vec![
            Field::new("outcome", "What changed as a result", Kind::Long)
                .needs("Enter what changed as a result"),
            Field::new("evidence", "Evidence of the change", Kind::Long)
                .hint("Where someone can see it: a report, a new leaflet, figures before and after")
                .needs("Enter the evidence of the change"),
            on_or_today("completedOn", "Date completed"),
        ],
            operation: operation!("complete_action"),
            confirm: "Record it as completed",
            note: "Action completed",
        },
    )
    .await
}

async fn abandon(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "abandon",
            title: "Abandon the action",
            fields: vec![
                Field::new("reason", "Why it is abandoned", Kind::Long)
                    .hint("Participants will read this")
                    .needs("Enter why the action is abandoned"),
                on_or_today("abandonedOn", "Date abandoned"),
            ],
            operation: operation!("abandon_action"),
            confirm: "Abandon the action",
            note: "Action abandoned",
        },
    )
    .await
}

async fn correct(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "correct",
            title: "Correct its details",
            fields: correcting(vec![
                Field::new("title", "What will be done", Kind::Text),
                Field::new("ownerRole", "Who owns it, by role", Kind::Text),
                Field::new("decisionForum", "Where it was decided", Kind::Text),
                Field::new("proposedOn", "Date proposed", Kind::Date),
                Field::new("agreedOn", "Date agreed", Kind::Date),
                Field::new("completedOn", "Date completed", Kind::Date),
                Field::new("outcome", "What changed as a result", Kind::Long),
                Field::new("evidence", "Evidence of the change", Kind::Long),
            ]),
            operation: operation!("amend_action"),
            confirm: "Correct the record",
            note: "Record corrected",
        },
    )
    .await
}
