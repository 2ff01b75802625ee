//! A record's field history: every change to it, field by field, oldest first, with who
//! recorded it and when, and the reason of each correction. A participant's personal details
//! show only as a sealed change.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::trace::{by, recorded, words_of, Actor};
use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::page::{render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, CORRECTION_CATEGORIES};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    field_history: History,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct History {
    page_info: PageInfo,
    nodes: Vec<Revision>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Revision {
    event: Event,
    changes: Vec<Change>,
    reason: Option<Reason>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    log_position: i64,
    recorded_at: String,
    event_type: String,
    actor: Actor,
    hash: String,
}

#[derive(Deserialize)]
struct Change {
    field: String,
    old: Value,
    new: Value,
    sealed: bool,
}

#[derive(Deserialize)]
struct Reason {
    category: String,
    detail: String,
}

struct Shown {
    position: i64,
    what: String,
    recorded: String,
    by: String,
    hash: String,
    reason: Option<String>,
    /// Each field changed: its path, what it said, what it says.
    changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "audit/history.html")]
struct HistoryPage {
    chrome: Chrome,
    back: String,
    revisions: Vec<Shown>,
    next: Option<String>,
}

/// The kinds of record whose history the pages open, by the address's word: the API's name
/// for the kind, and the record's own page.
const KINDS: &[(&str, &str, &str)] = &[
    ("activity", "ACTIVITY", "/activities"),
    ("input", "INPUT_ITEM", "/input"),
    ("action", "ACTION", "/actions"),
    ("board", "BOARD", "/boards"),
    ("meeting", "BOARD_MEETING", "/meetings"),
    ("member", "PARTICIPANT", "/members"),
];

#[derive(Deserialize)]
pub(super) struct After {
    after: Option<String>,
}

/// A value as the page shows it: text as it is, anything else as JSON, nothing as a dash.
fn value(v: &Value) -> String {
    match v {
        Value::Null => "–".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) async fn history(
    State(state): State<AppState>,
    who: SignedIn,
    Path((kind, id)): Path<(String, String)>,
    Query(after): Query<After>,
) -> Result<Response, Failure> {
    let (_, record, page) = KINDS
        .iter()
        .find(|(word, _, _)| *word == kind)
        .ok_or(Failure::NotFound)?;
    let data: Data = run(
        &state,
        &who,
        operation!("field_history"),
        json!({ "record": record, "id": id, "after": after.after }),
    )
    .await?;
    let history = data.field_history;
    let revisions = history
        .nodes
        .into_iter()
        .map(|r| Shown {
            position: r.event.log_position,
            what: words_of(&r.event.event_type),
            recorded: recorded(&r.event.recorded_at),
            by: by(&r.event.actor),
            hash: r.event.hash,
            reason: r.reason.map(|why| {
                format!(
                    "{}: {}",
                    say(CORRECTION_CATEGORIES, &why.category),
                    why.detail
                )
            }),
            changes: r
                .changes
                .into_iter()
                .map(|c| {
                    if c.sealed {
                        (
                            c.field,
                            "sealed".to_owned(),
                            "sealed (personal details)".to_owned(),
                        )
                    } else {
                        (c.field, value(&c.old), value(&c.new))
                    }
                })
                .collect(),
        })
        .collect();
    let next = match (
        history.page_info.has_next_page,
        history.page_info.end_cursor,
    ) {
        (true, Some(cursor)) => Some(format!(
            "/history/{kind}/{id}?{}",
            serde_urlencoded::to_string([("after", cursor)]).unwrap_or_default()
        )),
        _ => None,
    };
    Ok(render(&HistoryPage {
        chrome: who.chrome("Every change to the record", Section::Audit),
        back: format!("{page}/{id}"),
        revisions,
        next,
    }))
}
