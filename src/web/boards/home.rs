//! A board secretary's home, "what needs you": across the boards of their organisations, the
//! seats standing vacant and for how long, the terms ending within 90 days (to renew or end),
//! the meetings of the next 14 days whose papers have not been issued, and the meetings whose
//! day has passed without being recorded as held.

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::{named, Participant};
use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::page::{long_date, render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, SEAT_ROLES};

/// How far ahead meetings without papers are listed.
const AHEAD_DAYS: i64 = 14;

#[derive(Deserialize)]
struct Boards {
    boards: Nodes<Listed>,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    id: String,
    dissolved_on: Option<String>,
}

#[derive(Deserialize)]
struct Data {
    board: Board,
}

#[derive(Deserialize)]
struct Board {
    id: String,
    name: String,
    representation: Representation,
    meetings: Nodes<Meeting>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Representation {
    roles: Vec<Role>,
    terms_ending: Vec<Ending>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Role {
    role: String,
    days_vacant: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ending {
    id: String,
    role: String,
    term_end: String,
    participant: Option<Participant>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meeting {
    id: String,
    scheduled_for: String,
    papers_issued_on: Option<String>,
    held_on: Option<String>,
    cancellation: Option<serde_json::Value>,
}

#[derive(Template)]
#[template(path = "boards/home.html")]
struct HomePage {
    chrome: Chrome,
    as_of: String,
    boards: usize,
    /// Board (address, name), seat, days vacant.
    vacancies: Vec<((String, String), String, i64)>,
    /// Board name, member, seat, term end, the appointment's id.
    endings: Vec<(String, String, String, String, String)>,
    /// Board name, the meeting's id and day.
    papers: Vec<(String, String, String)>,
    /// Meetings whose day has passed, not recorded as held nor cancelled.
    unrecorded: Vec<(String, String, String)>,
}

pub(crate) async fn page(state: &AppState, who: &SignedIn) -> Result<Response, Failure> {
    let today = crate::api::common::context::today();
    let listed: Boards = run(state, who, operation!("boards"), json!({})).await?;
    let mut page = HomePage {
        chrome: who.chrome("What needs you", Section::NeedsYou),
        as_of: long_date(&today.to_string()),
        boards: 0,
        vacancies: Vec::new(),
        endings: Vec::new(),
        papers: Vec::new(),
        unrecorded: Vec::new(),
    };
    for listed in listed
        .boards
        .nodes
        .iter()
        .filter(|b| b.dissolved_on.is_none())
    {
        let data: Data = run(
            state,
            who,
            operation!("secretary_board"),
            json!({ "id": listed.id }),
        )
        .await?;
        let b = data.board;
        page.boards += 1;
        let board = (format!("/boards/{}", b.id), b.name.clone());
        for role in &b.representation.roles {
            for days in &role.days_vacant {
                page.vacancies
                    .push((board.clone(), say(SEAT_ROLES, &role.role), *days));
            }
        }
        for e in b.representation.terms_ending {
            page.endings.push((
                b.name.clone(),
                named(
                    e.participant
                        .as_ref()
                        .and_then(|p| p.display_name.as_deref()),
                    e.participant
                        .as_ref()
                        .map_or("ERASED", |p| p.status.as_str()),
                ),
                say(SEAT_ROLES, &e.role),
                long_date(&e.term_end),
                e.id,
            ));
        }
        for m in b.meetings.nodes {
            let day = NaiveDate::parse_from_str(&m.scheduled_for, "%Y-%m-%d").ok();
            let soon = day.is_some_and(|d| (d - today).num_days() <= AHEAD_DAYS);
            if soon
                && m.papers_issued_on.is_none()
                && m.held_on.is_none()
                && m.cancellation.is_none()
            {
                page.papers
                    .push((b.name.clone(), m.id, long_date(&m.scheduled_for)));
            }
        }
    }
    page.vacancies.sort_by_key(|v| std::cmp::Reverse(v.2));
    Ok(render(&page))
}
