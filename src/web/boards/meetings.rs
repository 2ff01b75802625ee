//! A board's meetings, for its secretaries: scheduling one, recording its papers issued,
//! recording it held with an attendance register (one tick for each member seated that day)
//! and whether it was quorate, postponing and cancelling it; and the meeting's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::forms::board_about;
use super::{holder, Participant};
use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::flow::{About, Done, Flow};
use crate::web::form::on_or_today;
use crate::web::form::routes::Params;
use crate::web::form::{Choice, Field, Kind};
use crate::web::page::{long_date, render, Chrome, Section, Steps};
use crate::web::shapes::{DatedNote, Postponement};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, SEAT_ROLES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/meetings/{id}", get(page))
        .merge(form_routes!("/boards/{id}/meetings/new", schedule))
        .merge(form_routes!("/meetings/{id}/papers", papers))
        .merge(form_routes!("/meetings/{id}/held", held))
        .merge(form_routes!("/meetings/{id}/postpone", postpone))
        .merge(form_routes!("/meetings/{id}/cancel", cancel))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    board_meeting: Meeting,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Meeting {
    pub(super) id: String,
    board_id: String,
    pub(super) scheduled_for: String,
    papers_issued_on: Option<String>,
    pub(super) held_on: Option<String>,
    pub(super) quorate: Option<bool>,
    pub(super) attended_appointment_ids: Vec<String>,
    postponements: Vec<Postponement>,
    cancellation: Option<DatedNote>,
    decisions: Vec<Decision>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Decision {
    id: String,
    title: String,
    summary: String,
    cites_patient_input: bool,
    patient_members_present: bool,
    patient_members_voted: bool,
}

#[derive(Deserialize)]
struct BoardData {
    board: Board,
}

#[derive(Deserialize)]
pub(super) struct Board {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) organisation: String,
    pub(super) members: Vec<Member>,
}

#[derive(Deserialize)]
pub(super) struct Member {
    pub(super) id: String,
    pub(super) role: String,
    pub(super) participant: Option<Participant>,
}

/// The meeting the address names, and its board with who was seated on the meeting's day.
pub(super) async fn meeting(
    state: &AppState,
    who: &SignedIn,
    id: &str,
) -> Result<(Meeting, Board), Failure> {
    let data: Data = run(state, who, operation!("meeting"), json!({ "id": id })).await?;
    let meeting = data.board_meeting;
    let day = meeting.held_on.as_deref().unwrap_or(&meeting.scheduled_for);
    let board: BoardData = run(
        state,
        who,
        operation!("meeting_board"),
        json!({ "id": meeting.board_id, "on": day }),
    )
    .await?;
    Ok((meeting, board.board))
}

#[derive(Template)]
#[template(path = "boards/meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    id: String,
    board: (String, String),
    state: String,
    facts: Vec<(&'static str, String)>,
    /// The attendance register: each member seated that day, their seat, and whether they
    /// attended (once held).
    register: Vec<(String, String, &'static str)>,
    decisions: Vec<(String, String, String, String)>,
    steps: Steps,
}

async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let (m, board) = meeting(&state, &who, &id).await?;
    let status = match (&m.held_on, &m.cancellation) {
        (Some(_), _) => "Held",
        (None, Some(_)) => "Cancelled",
        (None, None) => "Scheduled",
    };
    let mut facts = vec![("Scheduled for", long_date(&m.scheduled_for))];
    for p in &m.postponements {
        facts.push((
            "Postponed",
            format!(
                "from {} to {}: {}",
                long_date(&p.from),
                long_date(&p.to),
                p.reason
            ),
        ));
    }
    facts.push((
        "Papers issued",
        m.papers_issued_on
            .as_deref()
            .map_or_else(|| "Not yet".to_owned(), long_date),
    ));
    if let Some(held) = &m.held_on {
        facts.push(("Held on", long_date(held)));
        facts.push((
            "Quorate",
            match m.quorate {
                Some(true) => "Yes",
                Some(false) => "No",
                None => "Not recorded",
            }
            .to_owned(),
        ));
    }
    if let Some(c) = &m.cancellation {
        facts.push(("Cancelled", format!("{}: {}", long_date(&c.on), c.text)));
    }
    let register = board
        .members
        .iter()
        .map(|member| {
            (
                holder(&member.participant),
                say(SEAT_ROLES, &member.role),
                match (&m.held_on, m.attended_appointment_ids.contains(&member.id)) {
                    (None, _) => "",
                    (Some(_), true) => "Attended",
                    (Some(_), false) => "Absent",
                },
            )
        })
        .collect();
    let decisions = m
        .decisions
        .iter()
        .map(|d| {
            let mut about = Vec::new();
            if d.cites_patient_input {
                about.push("cites patient input");
            }
            if d.patient_members_present {
                about.push("patient members present");
            }
            if d.patient_members_voted {
                about.push("patient members voted");
            }
            (
                d.id.clone(),
                d.title.clone(),
                d.summary.clone(),
                about.join(", "),
            )
        })
        .collect();
    let mut steps = Steps::default();
    if who.may_keep_boards([board.organisation.as_str()]) && m.cancellation.is_none() {
        let base = format!("/meetings/{}", m.id);
        if m.held_on.is_none() {
            if m.papers_issued_on.is_none() {
                steps.then(&base, "papers", "Record the papers issued");
            }
            steps.then(&base, "held", "Record it as held, with who attended");
            steps.then(&base, "postpone", "Postpone it");
            steps.then(&base, "cancel", "Cancel it");
        } else {
            steps.then(&base, "decisions/cite", "Record a decision taken at it");
        }
    }
    Ok(render(&MeetingPage {
        chrome: who.chrome(
            format!("{} meeting, {}", board.name, long_date(&m.scheduled_for)),
            Section::Boards,
        ),
        board: (board.id, board.name),
        state: status.to_owned(),
        facts,
        register,
        decisions,
        steps,
        id: m.id,
    }))
}

async fn schedule(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let (_, mut flow) = board_about(
        state,
        who,
        params,
        About {
            tail: "meetings/new",
            title: "Schedule a meeting",
            fields: vec![Field::new("scheduledFor", "Date", Kind::Date)
                .hint("For example, 14 1 2027")
                .needs("Enter the date of the meeting")],
            operation: operation!("schedule_board_meeting"),
            confirm: "Schedule the meeting",
            note: "Meeting scheduled",
        },
    )
    .await?;
    flow.done = Done::Created {
        field: "scheduleBoardMeeting",
        record: "meeting",
        path: "/meetings",
        note: "Meeting scheduled",
    };
    Ok(flow)
}

/// The form `about` the meeting the address names, once the person may keep its board; with
/// the meeting and who was seated on its day.
pub(super) async fn about_meeting(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<(Board, Flow), Failure> {
    let (m, board) = meeting(state, who, params.get("id")).await?;
    let board_params = Params::of_path(vec![("id".into(), m.board_id.clone())]);
    let tail = about.tail;
    let (_, mut flow) = board_about(state, who, &board_params, about).await?;
    flow.caption = format!("{} meeting, {}", board.name, long_date(&m.scheduled_for));
    flow.back = format!("/meetings/{}", m.id);
    flow.action = format!("/meetings/{}/{tail}", m.id);
    flow.fixed.remove("boardId");
    flow.fixed.insert("meetingId".into(), json!(m.id));
    Ok((board, flow))
}

async fn papers(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let about = About {
        tail: "papers",
        title: "Record the papers issued",
        fields: vec![on_or_today("issuedOn", "Date issued")],
        operation: operation!("record_papers_issued"),
        confirm: "Record the papers issued",
        note: "Papers issued recorded",
    };
    Ok(about_meeting(state, who, params, about).await?.1)
}

/// Record the meeting held: the register of those seated that day, one tick each.
async fn held(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let about = About {
        tail: "held",
        title: "Record the meeting as held",
        fields: Vec::new(),
        operation: operation!("record_board_meeting_held"),
        confirm: "Record it as held",
        note: "Meeting recorded as held",
    };
    let (board, mut flow) = about_meeting(state, who, params, about).await?;
    let seated: Vec<Choice> = board
        .members
        .iter()
        .map(|m| {
            Choice::new(
                m.id.clone(),
                format!(
                    "{}, {}",
                    holder(&m.participant),
                    say(SEAT_ROLES, &m.role).to_lowercase()
                ),
            )
        })
        .collect();
    let mut fields = vec![on_or_today("heldOn", "Date held")];
    if !seated.is_empty() {
        fields.push(
            Field::new("attendedAppointmentIds", "Who attended", Kind::Many(seated))
                .hint("Tick each member who attended")
                .optional(),
        );
    }
    fields.push(
        Field::new("quorate", "Was it quorate?", Kind::YesNo)
            .needs("Select whether it was quorate"),
    );
    flow.fields = fields;
    Ok(flow)
}

async fn postpone(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let about = About {
        tail: "postpone",
        title: "Postpone the meeting",
        fields: vec![
            Field::new("scheduledFor", "New date", Kind::Date).hint("For example, 21 1 2027"),
            Field::new("reason", "Why it is postponed", Kind::Long)
                .needs("Enter why the meeting is postponed"),
        ],
        operation: operation!("postpone_board_meeting"),
        confirm: "Postpone the meeting",
        note: "Meeting postponed",
    };
    Ok(about_meeting(state, who, params, about).await?.1)
}

async fn cancel(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let about = About {
        tail: "cancel",
        title: "Cancel the meeting",
        fields: vec![Field::new("reason", "Why it is cancelled", Kind::Long)
            .needs("Enter why the meeting is cancelled")],
        operation: operation!("cancel_board_meeting"),
        confirm: "Cancel the meeting",
        note: "Meeting cancelled",
    };
    Ok(about_meeting(state, who, params, about).await?.1)
}
