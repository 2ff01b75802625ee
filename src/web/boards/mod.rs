//! Boards, for their secretaries: the list, and a board's page as of any day (today by
//! default): its seats filled against their targets as a chart, vacancies with the days each
//! has stood vacant, terms ending within 90 days, attendance over the year by role and by
//! member, the share of decisions citing patient input, and who sat on it that day.

mod decisions;
mod forms;
pub(crate) mod home;
mod meetings;
mod members;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::chart::{Bar, Bars};
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::QueryAnswers;
use crate::web::import::download;
use crate::web::listing::DateFilter;
use crate::web::page::{long_date, render, Chrome, Section, Steps};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, BOARD_KINDS, SEAT_ROLES, SEAT_ROLES_MANY};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/boards", get(list))
        .route("/boards/{id}", get(page))
        .merge(forms::routes())
        .merge(members::routes())
        .merge(meetings::routes())
        .merge(decisions::routes())
}

#[derive(Deserialize)]
struct Listed {
    boards: Nodes<BoardRow>,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BoardRow {
    id: String,
    organisation: String,
    name: String,
    kind: String,
    established_on: String,
    dissolved_on: Option<String>,
}

#[derive(Template)]
#[template(path = "boards/list.html")]
struct ListPage {
    chrome: Chrome,
    download: download::RecordsDownload,
    /// Each board: id, name, what it is, and whether it is dissolved.
    boards: Vec<(String, String, String, bool)>,
    may_establish: bool,
}

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, Failure> {
    let data: Listed = run(&state, &who, operation!("boards"), json!({})).await?;
    let boards = data
        .boards
        .nodes
        .into_iter()
        .map(|b| {
            let about = match &b.dissolved_on {
                Some(on) => format!(
                    "{}, {}; dissolved {}",
                    say(BOARD_KINDS, &b.kind),
                    b.organisation,
                    long_date(on)
                ),
                None => format!(
                    "{}, {}; since {}",
                    say(BOARD_KINDS, &b.kind),
                    b.organisation,
                    long_date(&b.established_on)
                ),
            };
            (b.id, b.name, about, b.dissolved_on.is_some())
        })
        .collect();
    let may_establish = who.may_keep_boards(who.who.organisations.iter().map(String::as_str))
        || who.who.role == crate::auth::Role::Admin;
    Ok(render(&ListPage {
        chrome: who.chrome("Boards", Section::Boards),
        download: download::RecordsDownload::new(&who, "Board records", download::BOARD_SHEETS),
        boards,
        may_establish,
    }))
}

#[derive(Deserialize)]
struct Data {
    board: Board,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Board {
    id: String,
    organisation: String,
    name: String,
    kind: String,
    established_on: String,
    dissolved_on: Option<String>,
    representation: Representation,
    members: Vec<Appointment>,
    meetings: Nodes<Meeting>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Representation {
    as_of: String,
    period_from: String,
    period_to: String,
    roles: Vec<RoleSeats>,
    terms_ending: Vec<Appointment>,
    attendance_by_appointee: Vec<Attendance>,
    attendance_by_role: Vec<Attendance>,
    decisions: i64,
    decisions_citing_patient_input: i64,
    percent_decisions_citing_patient_input: Option<f64>,
    median_days_papers_to_meeting: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleSeats {
    role: String,
    target: i64,
    voting: bool,
    filled: i64,
    filled_voting: i64,
    days_vacant: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Appointment {
    id: String,
    role: String,
    #[serde(default)]
    voting: bool,
    #[serde(default)]
    term_start: String,
    term_end: String,
    participant: Option<Participant>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Participant {
    #[serde(default)]
    id: String,
    pub display_name: Option<String>,
    pub status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Attendance {
    appointment_id: Option<String>,
    role: String,
    meetings: i64,
    attended: i64,
    percent: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meeting {
    id: String,
    scheduled_for: String,
    papers_issued_on: Option<String>,
    held_on: Option<String>,
    quorate: Option<bool>,
    cancellation: Option<Cancelled>,
}

#[derive(Deserialize)]
struct Cancelled {
    on: String,
}

/// One row of a table: its cells.
type Row = Vec<String>;

#[derive(Template)]
#[template(path = "boards/record.html")]
struct BoardPage {
    chrome: Chrome,
    id: String,
    name: String,
    facts: Vec<(&'static str, String)>,
    /// The day the page shows, and whether it is today's.
    as_of: String,
    /// That day as the page's own query asks for it, for the seats' downloads.
    as_of_query: String,
    as_of_today: bool,
    /// The day asked for, as typed, and its problem.
    date_parts: (String, String, String),
    date_problem: Option<String>,
    period: String,
    seats: Bars,
    vacancies: Vec<Row>,
    terms_ending: Vec<(Row, String)>,
    /// Each member: their id (for their page), and the row.
    members: Vec<(String, Row)>,
    attendance_by_role: Vec<Row>,
    attendance_by_member: Vec<Row>,
    meetings: Vec<Row>,
    /// Whether the person keeps this board: its forms are offered.
    may_keep: bool,
    steps: Steps,
}

/// `asOf-day=5&asOf-month=12&asOf-year=2026` from `2026-12-05`.
fn as_of_query(iso: &str) -> String {
    let mut parts = iso.split('-');
    let (y, m, d) = (parts.next(), parts.next(), parts.next());
    format!(
        "asOf-day={}&asOf-month={}&asOf-year={}",
        d.unwrap_or_default(),
        m.unwrap_or_default(),
        y.unwrap_or_default()
    )
}

impl BoardPage {
    /// The day-picker's one date, as the shared date template takes it.
    fn date_filters(&self) -> [(&'static str, &'static str, &(String, String, String)); 1] {
        [("asOf", "Show the board as it stood on", &self.date_parts)]
    }
}

/// The name a member's seat shows: theirs, or that they were erased.
pub(super) fn holder(participant: &Option<Participant>) -> String {
    match participant {
        Some(p) => named(p.display_name.as_deref(), &p.status),
        None => "Name not shown".to_owned(),
    }
}

/// A member's name as pages show it: erased members have none.
pub(super) fn named(display_name: Option<&str>, status: &str) -> String {
    match (status, display_name) {
        ("ERASED", _) => "Erased member".to_owned(),
        (_, Some(name)) => name.to_owned(),
        (_, None) => "Name not shown".to_owned(),
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "No meetings".to_owned(), |p| format!("{p:.0}%"))
}

async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let date = DateFilter::of(&sent, "asOf", "Show the board as it stood on");
    let as_of = date
        .day
        .clone()
        .ok()
        .flatten()
        .map(|d| d.format("%Y-%m-%d").to_string());
    if let Some(format) = download::asked_format(&sent) {
        let variables = json!({ "id": id, "asOf": as_of, "format": format });
        let at = "/board/representation/file";
        return download::file(&state, &who, operation!("board_seats_file"), variables, at).await;
    }
    let data: Data = run(
        &state,
        &who,
        operation!("board"),
        json!({ "id": id, "asOf": as_of }),
    )
    .await?;
    let b = data.board;
    let r = &b.representation;
    let mut facts = vec![
        ("Kind", say(BOARD_KINDS, &b.kind)),
        ("Organisation", b.organisation.clone()),
        ("Established", long_date(&b.established_on)),
    ];
    if let Some(on) = &b.dissolved_on {
        facts.push(("Dissolved", long_date(on)));
    }
    facts.push((
        "Decisions citing patient input",
        match r.percent_decisions_citing_patient_input {
            Some(p) => format!(
                "{} of {} ({p:.0}%)",
                r.decisions_citing_patient_input, r.decisions
            ),
            None => "No decisions recorded in the period".to_owned(),
        },
    ));
    facts.push((
        "Days from papers to meeting (median)",
        r.median_days_papers_to_meeting
            .map_or_else(|| "No papers recorded".to_owned(), |d| format!("{d:.0}")),
    ));
    let seats = Bars {
        title: format!("Seats filled against target, {}", long_date(&r.as_of)),
        headings: ["Role", "Filled", "Target"],
        rows: r
            .roles
            .iter()
            .map(|s| Bar {
                label: say(SEAT_ROLES_MANY, &s.role),
                value: s.filled as f64,
                said: format!("{} of {}", s.filled, s.target),
                target: Some(s.target as f64),
                target_said: format!(
                    "{}{}",
                    s.target,
                    if s.voting {
                        format!(", voting ({} filled)", s.filled_voting)
                    } else {
                        String::new()
                    }
                ),
                short: s.filled < s.target,
            })
            .collect(),
    };
    let vacancies = r
        .roles
        .iter()
        .flat_map(|s| {
            s.days_vacant.iter().map(|days| {
                vec![
                    say(SEAT_ROLES, &s.role),
                    format!("{days} {}", if *days == 1 { "day" } else { "days" }),
                ]
            })
        })
        .collect();
    let may_keep = who.may_keep_boards([b.organisation.as_str()]);
    let terms_ending = r
        .terms_ending
        .iter()
        .map(|a| {
            (
                vec![
                    holder(&a.participant),
                    say(SEAT_ROLES, &a.role),
                    long_date(&a.term_end),
                ],
                if may_keep {
                    a.id.clone()
                } else {
                    String::new()
                },
            )
        })
        .collect();
    let name_of = |appointment: &Option<String>| {
        b.members
            .iter()
            .find(|m| Some(&m.id) == appointment.as_ref())
            .map_or_else(|| "A former member".to_owned(), |m| holder(&m.participant))
    };
    let attendance_by_member = r
        .attendance_by_appointee
        .iter()
        .map(|a| {
            vec![
                name_of(&a.appointment_id),
                say(SEAT_ROLES, &a.role),
                format!("{} of {}", a.attended, a.meetings),
                percent(a.percent),
            ]
        })
        .collect();
    let attendance_by_role = r
        .attendance_by_role
        .iter()
        .map(|a| {
            vec![
                say(SEAT_ROLES_MANY, &a.role),
                format!("{} of {}", a.attended, a.meetings),
                percent(a.percent),
            ]
        })
        .collect();
    let members = b
        .members
        .iter()
        .map(|m| {
            (
                m.participant
                    .as_ref()
                    .map(|p| p.id.clone())
                    .unwrap_or_default(),
                vec![
                    holder(&m.participant),
                    format!(
                        "{}{}",
                        say(SEAT_ROLES, &m.role),
                        if m.voting { ", voting" } else { "" }
                    ),
                    format!("{} to {}", long_date(&m.term_start), long_date(&m.term_end)),
                ],
            )
        })
        .collect();
    let meetings = b
        .meetings
        .nodes
        .iter()
        .rev()
        .map(|m| {
            let (day, state) = match (&m.held_on, &m.cancellation) {
                (Some(held), _) => (
                    held.clone(),
                    match m.quorate {
                        Some(false) => "Held, not quorate",
                        _ => "Held",
                    },
                ),
                (None, Some(c)) => (c.on.clone(), "Cancelled"),
                (None, None) => (m.scheduled_for.clone(), "Scheduled"),
            };
            vec![
                long_date(&day),
                state.to_owned(),
                m.papers_issued_on
                    .as_deref()
                    .map_or_else(|| "Not yet".to_owned(), long_date),
                m.id.clone(),
            ]
        })
        .collect();
    let mut steps = Steps::default();
    if may_keep && b.dissolved_on.is_none() {
        let base = format!("/boards/{}", b.id);
        steps.then(&base, "meetings/new", "Schedule a meeting");
        steps.then(&base, "appoint", "Appoint a member");
        steps
            .next
            .push(("/members/new".into(), "Register a member".into()));
        steps.then(&base, "seats", "Set the seats for a role");
        steps.then(&base, "rename", "Rename it");
        steps.then(&base, "dissolve", "Dissolve it");
    }
    let as_of_today = as_of.is_none();
    Ok(render(&BoardPage {
        chrome: who.chrome(b.name.clone(), Section::Boards),
        as_of: long_date(&r.as_of),
        as_of_query: as_of_query(&r.as_of),
        as_of_today,
        period: format!(
            "{} to {}",
            long_date(&r.period_from),
            long_date(&r.period_to)
        ),
        facts,
        date_problem: date.problem(),
        date_parts: date.parts,
        seats,
        vacancies,
        terms_ending,
        members,
        attendance_by_role,
        attendance_by_member,
        meetings,
        may_keep,
        steps,
        id: b.id,
        name: b.name,
    }))
}
