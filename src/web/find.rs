//! Finding input across the person's organisations: by words in what was said, theme,
//! verdict, activity, organisation and the day raised.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::client::run;
use super::failure::Failure;
use super::form::QueryAnswers;
use super::import::download::RecordsDownload;
use super::listing::{known, neighbours, page_of, DateFilter, PageInfo};
use super::page::{long_date, render, Chrome, Section};
use super::signed_in::SignedIn;
use super::verdict::{Verdict, VerdictTag};
use super::words::VERDICTS;
use crate::api::AppState;
use crate::operation;

pub fn routes() -> Router<AppState> {
    Router::new().route("/find", get(find))
}

#[derive(Template)]
#[template(path = "find.html")]
struct FindPage {
    chrome: Chrome,
    download: RecordsDownload,
    words: String,
    theme: String,
    verdict: String,
    organisation: String,
    activity: String,
    organisations: Vec<String>,
    verdicts: &'static [(&'static str, &'static str)],
    from: (String, String, String),
    to: (String, String, String),
    date_problem: Option<String>,
    /// Whether any filter was given (until then, the page asks).
    asked: bool,
    total: i64,
    rows: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
}

impl FindPage {
    fn date_filters(&self) -> [(&'static str, &'static str, &(String, String, String)); 2] {
        [
            ("from", "Raised from", &self.from),
            ("to", "Raised to", &self.to),
        ]
    }
}

struct Row {
    id: String,
    summary: String,
    organisation: String,
    raised: String,
    themes: String,
    verdict: Verdict,
    activity: Option<(String, String)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    input_items: Found,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Found {
    total_count: i64,
    page_info: PageInfo,
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    id: String,
    summary: String,
    organisation: String,
    raised_on: String,
    themes: Vec<String>,
    verdict: Verdict,
    activity: Option<ActivityTitle>,
}

#[derive(Deserialize)]
struct ActivityTitle {
    id: String,
    title: String,
}

async fn find(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let words = sent.one("words").to_owned();
    let theme = sent.one("theme").to_owned();
    let verdict = known(sent.one("verdict"), VERDICTS);
    let activity = sent.one("activity").to_owned();
    let organisations = who.who.organisations.clone();
    let organisation = match sent.one("organisation") {
        code if organisations.iter().any(|o| o == code) => code.to_owned(),
        _ => String::new(),
    };
    let from = DateFilter::of(&sent, "from", "Raised from");
    let to = DateFilter::of(&sent, "to", "Raised to");
    let date_problem = from.problem().or(to.problem());
    let mut filter = serde_json::Map::new();
    for (key, value) in [
        ("words", &words),
        ("theme", &theme),
        ("organisation", &organisation),
        ("activityId", &activity),
    ] {
        if !value.is_empty() {
            filter.insert(key.into(), json!(value));
        }
    }
    if !verdict.is_empty() {
        filter.insert("verdict".into(), json!(verdict));
    }
    from.put(&mut filter, "raisedFrom");
    to.put(&mut filter, "raisedTo");
    let asked = !filter.is_empty();
    let mut variables = json!({ "filter": filter });
    page_of(&sent, &mut variables);
    let (total, rows, previous, next) = if asked {
        let data: Data = run(&state, &who, operation!("find"), variables).await?;
        let found = data.input_items;
        let (previous, next) = neighbours("/find", &sent, &found.page_info);
        let rows = found
            .nodes
            .into_iter()
            .map(|n| Row {
                raised: long_date(&n.raised_on),
                themes: n.themes.join(", "),
                activity: n.activity.map(|a| (a.id, a.title)),
                id: n.id,
                summary: n.summary,
                organisation: n.organisation,
                verdict: n.verdict,
            })
            .collect();
        (found.total_count, rows, previous, next)
    } else {
        (0, Vec::new(), None, None)
    };
    Ok(render(&FindPage {
        chrome: who.chrome("Find input", Section::Find),
        download: RecordsDownload::new(
            &who,
            "Input",
            &[("Input", "Input, with each item's verdict today")],
        ),
        words,
        theme,
        verdict: verdict.to_owned(),
        organisation,
        activity,
        organisations,
        verdicts: VERDICTS,
        from: from.parts,
        to: to.parts,
        date_problem,
        asked,
        total,
        rows,
        previous,
        next,
    }))
}
