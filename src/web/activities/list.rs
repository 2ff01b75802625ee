//! The activities list: the person's organisations' activities, filtered by words, state,
//! kind and dates, 25 to a page, with their total.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::QueryAnswers;
use crate::web::import::download::RecordsDownload;
use crate::web::listing::{known, neighbours, page_of, DateFilter, PageInfo};
use crate::web::page::{long_date, render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, ACTIVITY_KINDS, ACTIVITY_STATUSES};

pub fn routes() -> Router<AppState> {
    Router::new().route("/activities", get(list))
}

#[derive(Template)]
#[template(path = "activities/list.html")]
struct ListPage {
    chrome: Chrome,
    download: RecordsDownload,
    can_plan: bool,
    words: String,
    status: String,
    kind: String,
    statuses: &'static [(&'static str, &'static str)],
    kinds: &'static [(&'static str, &'static str)],
    from: (String, String, String),
    to: (String, String, String),
    date_problem: Option<String>,
    total: i64,
    rows: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
}

impl ListPage {
    /// The two date filters: name, legend, and the day, month and year given.
    fn date_filters(&self) -> [(&'static str, &'static str, &(String, String, String)); 2] {
        [
            ("from", "Held or planned from", &self.from),
            ("to", "Held or planned to", &self.to),
        ]
    }
}

struct Row {
    id: String,
    title: String,
    topic: String,
    kind: String,
    status: String,
    status_tag: &'static str,
    day: String,
    lead: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    activities: Listed,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    total_count: i64,
    page_info: PageInfo,
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    id: String,
    title: String,
    topic: String,
    kind: String,
    status: String,
    planned_on: String,
    held_on: Option<String>,
    lead_organisation: String,
}

async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let words = sent.one("words").to_owned();
    let status = known(sent.one("status"), ACTIVITY_STATUSES);
    let kind = known(sent.one("kind"), ACTIVITY_KINDS);
    let from = DateFilter::of(&sent, "from", "From");
    let to = DateFilter::of(&sent, "to", "To");
    let date_problem = from.problem().or(to.problem());
    let mut filter = serde_json::Map::new();
    if !words.is_empty() {
        filter.insert("words".into(), json!(words));
    }
    if !status.is_empty() {
        filter.insert("status".into(), json!([status]));
    }
    if !kind.is_empty() {
        filter.insert("kind".into(), json!(kind));
    }
    from.put(&mut filter, "from");
    to.put(&mut filter, "to");
    let mut variables = json!({ "filter": filter });
    page_of(&sent, &mut variables);
    let data: Data = run(&state, &who, operation!("activities"), variables).await?;
    let listed = data.activities;
    let (previous, next) = neighbours("/activities", &sent, &listed.page_info);
    Ok(render(&ListPage {
        chrome: who.chrome("Activities", Section::Activities),
        download: RecordsDownload::new(&who, "Activities", &[("Activities", "Activities")]),
        can_plan: who.records_engagement(),
        words,
        status: status.to_owned(),
        kind: kind.to_owned(),
        statuses: ACTIVITY_STATUSES,
        kinds: ACTIVITY_KINDS,
        from: from.parts,
        to: to.parts,
        date_problem,
        total: listed.total_count,
        rows: listed.nodes.into_iter().map(row_of).collect(),
        previous,
        next,
    }))
}

fn row_of(node: Node) -> Row {
    Row {
        status_tag: status_tag(&node.status),
        status: say(ACTIVITY_STATUSES, &node.status),
        kind: say(ACTIVITY_KINDS, &node.kind),
        day: long_date(node.held_on.as_deref().unwrap_or(&node.planned_on)),
        id: node.id,
        title: node.title,
        topic: node.topic,
        lead: node.lead_organisation,
    }
}

/// The tag colour of an activity's state.
pub fn status_tag(status: &str) -> &'static str {
    match status {
        "PLANNED" => "nhsuk-tag--blue",
        "HELD" => "nhsuk-tag--aqua-green",
        "REPORT_PUBLISHED" => "nhsuk-tag--green",
        _ => "nhsuk-tag--grey",
    }
}
