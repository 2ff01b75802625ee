//! A held meeting's decisions, for the board's secretaries: finding the input items and actions
//! a decision cites by their words, then recording the decision with them; and the pages that
//! print: a meeting's attendance register and the board's decision log.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::holder;
use super::meetings::{about_meeting, meeting};
use crate::api::AppState;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::flow::{About, Flow};
use crate::web::form::routes::Params;
use crate::web::form::{Choice, Field, Kind, QueryAnswers};
use crate::web::named::names;
use crate::web::page::{long_date, render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, SEAT_ROLES};
use crate::{form_routes, operation};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/meetings/{id}/decisions/cite", get(cite))
        .merge(form_routes!("/meetings/{id}/decisions/new", decide))
        .route("/meetings/{id}/register", get(register))
        .route("/boards/{id}/decision-log", get(log))
}

/// Most records one decision cites, as the API allows.
const MOST_CITED: usize = 20;

/// A record a decision may cite: its id, how the page names it, and whether it is ticked.
struct Pick {
    id: String,
    label: String,
    ticked: bool,
}

#[derive(Template)]
#[template(path = "boards/cite.html")]
struct CitePage {
    chrome: Chrome,
    id: String,
    caption: String,
    words: String,
    items: Vec<Pick>,
    actions: Vec<Pick>,
}

impl CitePage {
    /// The two lists to tick from: legend, the field's name, its ids' prefix, and the records.
    fn groups(&self) -> [(&'static str, &'static str, &'static str, &[Pick]); 2] {
        [
            ("Input items", "citedInputItemIds", "item", &self.items),
            ("Actions", "citedActionIds", "action", &self.actions),
        ]
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Found {
    input_items: Nodes<FoundItem>,
    actions: Nodes<FoundAction>,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FoundItem {
    id: String,
    summary: String,
    raised_on: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FoundAction {
    id: String,
    title: String,
    owner_organisation: String,
}

/// How the pages name each record of `ids` a decision cites, ticked.
async fn labels(state: &AppState, who: &SignedIn, ids: &[&str]) -> Result<Vec<Pick>, Failure> {
    Ok(names(state, who, ids, MOST_CITED)
        .await?
        .into_iter()
        .map(|(id, label)| Pick {
            id,
            label,
            ticked: true,
        })
        .collect())
}

/// Finding what a decision cites: words search the organisation's input items and its latest
/// actions; what is ticked is kept from one search to the next, and carried to the decision.
async fn cite(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let (m, board) = meeting(&state, &who, &id).await?;
    who.must_keep_boards(
        [board.organisation.as_str()],
        "Only the secretaries of the organisation whose board it is record its decisions.",
    )?;
    if m.held_on.is_none() {
        return Err(Failure::Forbidden(
            "Decisions are recorded once the meeting is recorded as held.".into(),
        ));
    }
    let words = sent.one("words").to_owned();
    let mut items = labels(&state, &who, &sent.all("citedInputItemIds")).await?;
    let mut actions = labels(&state, &who, &sent.all("citedActionIds")).await?;
    if !words.is_empty() {
        let found: Found = run(
            &state,
            &who,
            operation!("cite_search"),
            json!({ "organisation": board.organisation, "words": words }),
        )
        .await?;
        for item in found.input_items.nodes {
            if !items.iter().any(|p| p.id == item.id) {
                items.push(Pick {
                    label: format!("{} (raised {})", item.summary, long_date(&item.raised_on)),
                    id: item.id,
                    ticked: false,
                });
            }
        }
        let lower: Vec<String> = words.split_whitespace().map(str::to_lowercase).collect();
        for action in found.actions.nodes.into_iter().rev() {
            let title = action.title.to_lowercase();
            let matches = lower.iter().all(|w| title.contains(w.as_str()));
            if matches
                && action.owner_organisation == board.organisation
                && !actions.iter().any(|p| p.id == action.id)
            {
                actions.push(Pick {
                    id: action.id,
                    label: action.title,
                    ticked: false,
                });
            }
        }
    }
    Ok(render(&CitePage {
        chrome: who.chrome("Find what the decision cites", Section::Boards),
        caption: format!("{} meeting, {}", board.name, long_date(&m.scheduled_for)),
        id: m.id,
        words,
        items,
        actions,
    }))
}

/// Record a decision, citing what was ticked while finding it.
async fn decide(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let about = About {
        tail: "decisions/new",
        title: "Record a decision",
        fields: Vec::new(),
        operation: operation!("record_board_decision"),
        confirm: "Record the decision",
        note: "Decision recorded",
    };
    let (_, mut flow) = about_meeting(state, who, params, about).await?;
    let ticked_items = params.sent.all("citedInputItemIds");
    let ticked_actions = params.sent.all("citedActionIds");
    let choices = |picks: Vec<Pick>| -> Vec<Choice> {
        picks
            .into_iter()
            .map(|p| Choice::new(p.id, p.label))
            .collect()
    };
    let items = choices(labels(state, who, &ticked_items).await?);
    let actions = choices(labels(state, who, &ticked_actions).await?);
    let mut fields = vec![
        Field::new("title", "Decision", Kind::Text)
            .hint("What was decided, in a line, for example Approve the new outpatient letters")
            .needs("Enter what was decided"),
        Field::new("summary", "Summary", Kind::Long)
            .hint("The minute's words, if you want to add them")
            .optional(),
    ];
    if !items.is_empty() {
        fields.push(
            Field::new(
                "citedInputItemIds",
                "Input items it cites",
                Kind::Many(items),
            )
            .hint("Untick any it does not cite")
            .optional(),
        );
    }
    if !actions.is_empty() {
        fields.push(
            Field::new("citedActionIds", "Actions it cites", Kind::Many(actions))
                .hint("Untick any it does not cite")
                .optional(),
        );
    }
    fields.push(
        Field::new(
            "patientMembersPresent",
            "Were patient members present when it was taken?",
            Kind::YesNo,
        )
        .needs("Select whether patient members were present"),
    );
    fields.push(
        Field::new(
            "patientMembersVoted",
            "Did patient members vote on it?",
            Kind::YesNo,
        )
        .needs("Select whether patient members voted"),
    );
    flow.fields = fields;
    Ok(flow)
}

#[derive(Template)]
#[template(path = "boards/register.html")]
struct RegisterPage {
    chrome: Chrome,
    id: String,
    board: String,
    day: String,
    held: bool,
    quorate: Option<bool>,
    rows: Vec<(String, String, &'static str)>,
}

/// A meeting's attendance register, to print: before the meeting, with a column to sign;
/// once held, who attended.
async fn register(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let (m, board) = meeting(&state, &who, &id).await?;
    let held = m.held_on.is_some();
    let rows = board
        .members
        .iter()
        .map(|member| {
            (
                holder(&member.participant),
                say(SEAT_ROLES, &member.role),
                match (held, m.attended_appointment_ids.contains(&member.id)) {
                    (false, _) => "",
                    (true, true) => "Attended",
                    (true, false) => "Absent",
                },
            )
        })
        .collect();
    let day = long_date(m.held_on.as_deref().unwrap_or(&m.scheduled_for));
    Ok(render(&RegisterPage {
        chrome: who.chrome(
            format!("Attendance register: {}, {day}", board.name),
            Section::Boards,
        ),
        id: m.id,
        board: board.name,
        day,
        held,
        quorate: m.quorate,
        rows,
    }))
}

#[derive(Deserialize)]
struct LogData {
    board: LogBoard,
}

#[derive(Deserialize)]
struct LogBoard {
    id: String,
    name: String,
    meetings: Nodes<LogMeeting>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogMeeting {
    id: String,
    held_on: Option<String>,
    decisions: Vec<LogDecision>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogDecision {
    title: String,
    summary: String,
    cited_input_item_ids: Vec<String>,
    cited_action_ids: Vec<String>,
    patient_members_present: bool,
    patient_members_voted: bool,
}

/// One decision as the log prints it.
struct Logged {
    meeting: String,
    day: String,
    title: String,
    summary: String,
    cites: Vec<String>,
    patients: String,
}

#[derive(Template)]
#[template(path = "boards/decision_log.html")]
struct LogPage {
    chrome: Chrome,
    id: String,
    name: String,
    decisions: Vec<Logged>,
}

/// The board's decision log, to print: every decision of its latest 100 meetings, oldest
/// first, with the input items and actions each cites by name.
async fn log(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let data: LogData = run(
        &state,
        &who,
        operation!("decision_log"),
        json!({ "id": id }),
    )
    .await?;
    let board = data.board;
    let mut decisions = Vec::new();
    for m in board.meetings.nodes {
        let Some(day) = m.held_on else { continue };
        for d in m.decisions {
            let mut cites: Vec<String> = labels(&state, &who, &refs(&d.cited_input_item_ids))
                .await?
                .into_iter()
                .map(|p| format!("Input: {}", p.label))
                .collect();
            cites.extend(
                labels(&state, &who, &refs(&d.cited_action_ids))
                    .await?
                    .into_iter()
                    .map(|p| format!("Action: {}", p.label)),
            );
            let patients = match (d.patient_members_present, d.patient_members_voted) {
                (true, true) => "Present and voted",
                (true, false) => "Present, did not vote",
                (false, _) => "Not present",
            };
            decisions.push(Logged {
                meeting: m.id.clone(),
                day: long_date(&day),
                title: d.title,
                summary: d.summary,
                cites,
                patients: patients.to_owned(),
            });
        }
    }
    Ok(render(&LogPage {
        chrome: who.chrome(format!("Decision log: {}", board.name), Section::Boards),
        id: board.id,
        name: board.name,
        decisions,
    }))
}

fn refs(ids: &[String]) -> Vec<&str> {
    ids.iter().map(String::as_str).collect()
}
