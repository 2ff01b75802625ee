//! The auditor's pages: finding any record by its id or by words, its trace (one timeline
//! from the activity to the outcome, or back from an action or a board decision) and its field
//! history, checking the log against a checkpoint and issuing a new one, and taking the
//! evidence away (the audit trail, "you said, we did") as files. Nothing here changes a record.

mod as_of;
mod evidence;
mod history;
mod trace;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::page::{long_date, render, Chrome, Section};
use crate::web::signed_in::SignedIn;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(find))
        .route("/input/{id}/trace", get(trace::input_item))
        .route("/actions/{id}/trace", get(trace::action))
        .route(
            "/meetings/{meeting}/decisions/{decision}/trace",
            get(trace::board_decision),
        )
        .route("/history/{kind}/{id}", get(history::history))
        .route("/audit/as-of", get(as_of::form).post(as_of::choose))
        .route("/audit/as-of/clear", post(as_of::clear))
        .route(
            "/audit/verify",
            get(evidence::verify_page).post(evidence::verify),
        )
        .route("/audit/checkpoint", post(evidence::checkpoint))
        .route("/audit/downloads", get(evidence::downloads))
        .route("/audit/downloads/trail", get(evidence::trail))
        .route("/audit/downloads/you-said-we-did", get(evidence::you_said))
}

#[derive(Deserialize)]
struct Asked {
    #[serde(default)]
    q: String,
}

#[derive(Deserialize)]
struct Node {
    node: Option<Typed>,
}

#[derive(Deserialize)]
struct Typed {
    #[serde(rename = "__typename")]
    typename: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Found {
    input_items: Listed<FoundItem>,
    activities: Listed<FoundActivity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed<T> {
    total_count: i64,
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FoundItem {
    id: String,
    summary: String,
    raised_on: String,
    organisation: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FoundActivity {
    id: String,
    title: String,
    planned_on: String,
    lead_organisation: String,
}

#[derive(Template)]
#[template(path = "audit/find.html")]
struct FindPage {
    chrome: Chrome,
    q: String,
    /// Nothing of that id the person may read.
    no_such_id: bool,
    /// Each list found: its heading, how many in all, and each record's address, name and
    /// what it is of.
    found: Vec<(&'static str, i64, Vec<Row>)>,
}

/// A record found: its address, its name, and what it is of.
type Row = (String, String, String);

/// The page of a record of `kind` (the API's type name) with id `id`, where the pages have one.
fn page_of(kind: &str, id: &str) -> Option<String> {
    let base = match kind {
        "Activity" => "/activities",
        "InputItem" => "/input",
        "Action" => "/actions",
        "Board" => "/boards",
        "BoardMeeting" => "/meetings",
        "Participant" => "/members",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

/// Finding a record: an id opens the record's page; words list the input items and activities
/// holding them.
async fn find(
    State(state): State<AppState>,
    who: SignedIn,
    Query(asked): Query<Asked>,
) -> Result<Response, Failure> {
    let q = asked.q.trim().to_owned();
    let mut page = FindPage {
        chrome: who.chrome("Find any record", Section::Audit),
        no_such_id: false,
        found: Vec::new(),
        q: q.clone(),
    };
    if let Ok(id) = uuid::Uuid::parse_str(&q) {
        let found: Result<Node, _> = run(
            &state,
            &who,
            operation!("audit_find_id"),
            json!({ "id": id }),
        )
        .await;
        let kind = match found {
            Ok(node) => node.node.map(|n| n.typename),
            Err(refusal) if refusal.code == "NOT_FOUND" => None,
            Err(refusal) => return Err(refusal.into()),
        };
        match kind.and_then(|k| page_of(&k, &id.to_string())) {
            Some(path) => return Ok(Redirect::to(&path).into_response()),
            None => page.no_such_id = true,
        }
    } else if !q.is_empty() {
        let found: Found = run(
            &state,
            &who,
            operation!("audit_find_words"),
            json!({ "words": q }),
        )
        .await?;
        page.found.push((
            "Input items",
            found.input_items.total_count,
            found
                .input_items
                .nodes
                .into_iter()
                .map(|i| {
                    (
                        format!("/input/{}", i.id),
                        i.summary,
                        format!("{}, raised {}", i.organisation, long_date(&i.raised_on)),
                    )
                })
                .collect(),
        ));
        page.found.push((
            "Activities",
            found.activities.total_count,
            found
                .activities
                .nodes
                .into_iter()
                .map(|a| {
                    (
                        format!("/activities/{}", a.id),
                        a.title,
                        format!("{}, {}", a.lead_organisation, long_date(&a.planned_on)),
                    )
                })
                .collect(),
        ));
    }
    Ok(render(&page))
}
