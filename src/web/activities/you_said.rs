//! An activity's "you said, we did", as the people who took part would read it: each thing
//! they said, what was decided and why, what was done and what changed, in plain words, on a
//! page that prints cleanly.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::page::{long_date, render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::verdict::{in_plain_words, Verdict};

pub fn routes() -> Router<AppState> {
    Router::new().route("/activities/{id}/you-said-we-did", get(page))
}

#[derive(Deserialize)]
struct Data {
    activity: Activity,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Activity {
    id: String,
    title: String,
    held_on: Option<String>,
    planned_on: String,
    lead_organisation: String,
    feedback: Vec<Told>,
    input_items: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Told {
    given_on: String,
    summary: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    summary: String,
    verdict: Verdict,
    referred_to: Option<String>,
    decision: Option<Decision>,
    actions: Vec<Action>,
    feedback: Vec<Told>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Decision {
    reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Action {
    title: String,
    due_on: String,
    outcome: Option<String>,
    completed_on: Option<String>,
}

#[derive(Deserialize)]
struct OrganisationData {
    organisation: OrganisationName,
}

#[derive(Deserialize)]
struct OrganisationName {
    name: String,
}

struct Said {
    you_said: String,
    /// Where it stands, in plain words.
    standing: String,
    /// What was decided and done.
    we_did: Vec<String>,
    told: Vec<String>,
}

#[derive(Template)]
#[template(path = "activities/you_said.html")]
struct YouSaidPage {
    chrome: Chrome,
    id: String,
    title: String,
    day: String,
    organisation: String,
    items: Vec<Said>,
    told: Vec<String>,
}

async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let data: Data = run(
        &state,
        &who,
        operation!("you_said_we_did"),
        json!({ "id": id }),
    )
    .await?;
    let a = data.activity;
    let organisation: OrganisationData = run(
        &state,
        &who,
        operation!("organisation"),
        json!({ "organisation": a.lead_organisation }),
    )
    .await?;
    let items = a
        .input_items
        .into_iter()
        .filter(|i| i.verdict != Verdict::Withdrawn)
        .map(said)
        .collect();
    Ok(render(&YouSaidPage {
        chrome: who.chrome(
            format!("You said, we did: {}", a.title),
            Section::Activities,
        ),
        day: long_date(a.held_on.as_deref().unwrap_or(&a.planned_on)),
        organisation: organisation.organisation.name,
        told: a
            .feedback
            .iter()
            .map(|t| format!("{}: {}", long_date(&t.given_on), t.summary))
            .collect(),
        items,
        id: a.id,
        title: a.title,
    }))
}

/// One thing said, and what became of it, in plain words.
fn said(item: Item) -> Said {
    let reason = item
        .decision
        .as_ref()
        .map(|d| d.reason.as_str())
        .unwrap_or_default();
    let standing = in_plain_words(item.verdict, reason, item.referred_to.as_deref());
    let we_did = item
        .actions
        .iter()
        .map(|a| match (&a.completed_on, &a.outcome) {
            (Some(on), Some(outcome)) => {
                format!("{} (done {}): {}", a.title, long_date(on), outcome)
            }
            _ => format!("{} (due {})", a.title, long_date(&a.due_on)),
        })
        .collect();
    Said {
        you_said: item.summary,
        standing,
        we_did,
        told: item
            .feedback
            .iter()
            .map(|t| format!("{}: {}", long_date(&t.given_on), t.summary))
            .collect(),
    }
}
