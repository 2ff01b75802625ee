//! An input item's page: what was said, where it stands (its verdict), the decision, the
//! actions answering it and what participants were told; and the forms that move it on:
//! deciding, revising the decision, proposing an action for it, recording feedback.

pub mod forms;

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
use crate::web::page::{long_date, render, Chrome, Section, Steps};
use crate::web::signed_in::SignedIn;
use crate::web::verdict::{Verdict, VerdictTag};
use crate::web::words::{
    action_tag, say, ACTION_STATUSES, FEEDBACK_CHANNELS, INPUT_KINDS, OUTCOMES, RAISED_BY, WARNINGS,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/input/{id}", get(page))
        .merge(forms::routes())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    input_item: Item,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: String,
    summary: String,
    kind: String,
    themes: Vec<String>,
    raised_by: String,
    raised_on: String,
    organisation: String,
    referred_to: Option<String>,
    respond_by: String,
    verdict: Verdict,
    loop_closed: bool,
    warnings: Vec<String>,
    activity: Option<ActivityTitle>,
    decision: Option<Decision>,
    actions: Vec<Action>,
    feedback: Vec<Feedback>,
    withdrawal: Option<Withdrawal>,
    corrections: Vec<Correction>,
}

#[derive(Deserialize)]
struct ActivityTitle {
    id: String,
    title: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Decision {
    outcome: String,
    reason: String,
    referred_to: Option<String>,
    decided_on: String,
    revision_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Action {
    id: String,
    title: String,
    status: String,
    due_on: String,
    owner_organisation: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Feedback {
    given_on: String,
    channel: String,
    summary: String,
}

#[derive(Deserialize)]
struct Withdrawal {
    detail: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Correction {
    detail: String,
    recorded_at: String,
}

struct ActionRow {
    id: String,
    title: String,
    status: String,
    tag: &'static str,
    due: String,
    owner: String,
}

#[derive(Template)]
#[template(path = "input/record.html")]
struct ItemPage {
    chrome: Chrome,
    /// The activity it was raised at: its address and title.
    back: Option<(String, String)>,
    id: String,
    summary: String,
    verdict: Verdict,
    facts: Vec<(&'static str, String)>,
    decision: Vec<(&'static str, String)>,
    warnings: Vec<String>,
    withdrawn: Option<String>,
    actions: Vec<ActionRow>,
    told: Vec<(String, String)>,
    corrections: Vec<(String, String)>,
    steps: Steps,
}

async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let data: Data = run(&state, &who, operation!("input_item"), json!({ "id": id })).await?;
    let i = data.input_item;
    let mut facts = Vec::new();
    if let Some(activity) = &i.activity {
        facts.push(("Raised at", activity.title.clone()));
    }
    facts.extend([
        ("Kind", say(INPUT_KINDS, &i.kind)),
        ("Raised by", say(RAISED_BY, &i.raised_by)),
        ("Raised on", long_date(&i.raised_on)),
        ("Organisation", i.organisation.clone()),
        ("Decision due by", long_date(&i.respond_by)),
    ]);
    if !i.themes.is_empty() {
        facts.push(("Themes", i.themes.join(", ")));
    }
    if let Some(partner) = &i.referred_to {
        facts.push(("Referred to", partner.clone()));
    }
    facts.push((
        "Participants told",
        if i.loop_closed {
            "Yes, since the latest decision and outcome"
        } else {
            "Not since the latest decision or outcome"
        }
        .to_owned(),
    ));
    let mut decision = Vec::new();
    if let Some(d) = &i.decision {
        decision.push(("Decision", say(OUTCOMES, &d.outcome)));
        if !d.reason.is_empty() {
            decision.push(("Why", d.reason.clone()));
        }
        if let Some(partner) = &d.referred_to {
            decision.push(("Referred to", partner.clone()));
        }
        decision.push(("Decided on", long_date(&d.decided_on)));
        if let Some(why) = &d.revision_reason {
            decision.push(("Why it was revised", why.clone()));
        }
    }
    let may_answer = who.may_change(forms::writers(&i.organisation, i.referred_to.as_deref()));
    let withdrawn = i.withdrawal.as_ref().map(|w| w.detail.clone());
    let steps = if may_answer {
        next_steps(&i, withdrawn.is_some())
    } else {
        Steps::default()
    };
    Ok(render(&ItemPage {
        chrome: who.chrome(i.summary.clone(), Section::Activities),
        back: i
            .activity
            .as_ref()
            .map(|a| (format!("/activities/{}", a.id), a.title.clone())),
        verdict: i.verdict,
        warnings: i.warnings.iter().map(|w| say(WARNINGS, w)).collect(),
        withdrawn,
        actions: i
            .actions
            .into_iter()
            .map(|a| ActionRow {
                tag: action_tag(&a.status),
                status: say(ACTION_STATUSES, &a.status),
                due: long_date(&a.due_on),
                id: a.id,
                title: a.title,
                owner: a.owner_organisation,
            })
            .collect(),
        told: i
            .feedback
            .iter()
            .map(|f| {
                (
                    long_date(&f.given_on),
                    format!("{}: {}", say(FEEDBACK_CHANNELS, &f.channel), f.summary),
                )
            })
            .collect(),
        corrections: i
            .corrections
            .iter()
            .map(|c| {
                (
                    long_date(c.recorded_at.get(..10).unwrap_or_default()),
                    c.detail.clone(),
                )
            })
            .collect(),
        steps,
        facts,
        decision,
        id: i.id,
        summary: i.summary,
    }))
}

/// What the person may record of the item next, and its corrections.
fn next_steps(i: &Item, withdrawn: bool) -> Steps {
    let base = format!("/input/{}", i.id);
    let mut steps = Steps::default();
    if withdrawn {
        steps.fix(&base, "reinstate", "Reinstate it");
        return steps;
    }
    match &i.decision {
        None => steps.then(&base, "decide", "Decide on it"),
        Some(d) => {
            steps.then(&base, "revise", "Revise the decision");
            if d.outcome == "ACCEPTED" {
                steps.then(&base, "action", "Propose an action for it");
                steps.then(&base, "link", "Link it to an action already proposed");
            }
        }
    }
    steps.then(&base, "feedback", "Record what participants were told");
    steps.fix(&base, "correct", "Correct its details");
    for (n, told) in i.feedback.iter().enumerate() {
        steps.fix(
            &base,
            &format!("feedback/{n}/correct"),
            format!(
                "Correct what participants were told on {}",
                long_date(&told.given_on)
            ),
        );
    }
    steps.fix(
        &base,
        "withdraw",
        "Withdraw it (a repeat, or recorded in error)",
    );
    steps
}
