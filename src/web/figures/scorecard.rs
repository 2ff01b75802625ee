//! The scorecard as a page: for an organisation or an integrated care system, over a quarter,
//! a financial year or any two days, each principle's measures with the change against the
//! period before, a small chart of the two, and every figure opening to the records it counts.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::period::Asked;
use crate::api::AppState;
use crate::operation;
use crate::web::chart::{Bar, Bars};
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::{QueryAnswers, Sent};
use crate::web::import::download;
use crate::web::named::names;
use crate::web::page::{long_date, render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, PRINCIPLES};

/// Most records of a figure named on its page (the rest are listed by reference).
const NAMED: usize = 100;

#[derive(Deserialize)]
struct Data {
    scorecard: Scorecard,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Scorecard {
    organisations: Vec<String>,
    period: Range,
    previous_period: Range,
    measures: Vec<Measure>,
}

#[derive(Deserialize)]
struct Range {
    from: String,
    to: String,
}

impl Range {
    fn said(&self) -> String {
        format!("{} to {}", long_date(&self.from), long_date(&self.to))
    }
}

#[derive(Deserialize)]
struct Measure {
    principle: String,
    key: String,
    label: String,
    unit: String,
    value: Option<f64>,
    numerator: f64,
    denominator: f64,
    previous: Option<f64>,
    change: Option<f64>,
    records: Vec<Counted>,
}

#[derive(Deserialize)]
struct Counted {
    kind: String,
    id: String,
}

/// A value in words, by its unit.
fn said(unit: &str, value: Option<f64>) -> String {
    match (unit, value) {
        (_, None) => "no figure".to_owned(),
        ("PERCENT", Some(v)) => format!("{v:.0}%"),
        ("DAYS", Some(v)) if (v - 1.0).abs() < f64::EPSILON => "1 day".to_owned(),
        ("DAYS", Some(v)) => format!("{v:.0} days"),
        (_, Some(v)) => format!("{v:.0}"),
    }
}

/// The change against the period before, in words.
fn change_said(m: &Measure) -> String {
    let before = said(&m.unit, m.previous);
    match (m.previous, m.change) {
        (None, _) | (_, None) => "No figure for the period before".to_owned(),
        (Some(_), Some(c)) if c.abs() < 0.05 => format!("The same as the period before ({before})"),
        (Some(_), Some(c)) => {
            let (up, amount) = (c > 0.0, c.abs());
            let what = match m.unit.as_str() {
                "PERCENT" => format!("{} {amount:.0} points", if up { "Up" } else { "Down" }),
                "DAYS" => format!("{amount:.0} days {}", if up { "longer" } else { "shorter" }),
                _ => format!("{amount:.0} {}", if up { "more" } else { "fewer" }),
            };
            format!("{what} than the period before ({before})")
        }
    }
}

/// One measure as the page shows it.
struct Shown {
    label: String,
    value: String,
    change: String,
    /// The two periods' figures as a chart; none when neither has a figure.
    chart: Option<Bars>,
    counted: usize,
    records: String,
}

#[derive(Template)]
#[template(path = "figures/scorecard.html")]
struct ScorecardPage {
    chrome: Chrome,
    organisation: String,
    ics: String,
    asked: Asked,
    problems: Vec<(String, String)>,
    heading: String,
    period: String,
    principles: Vec<(String, Vec<Shown>)>,
    /// The query asking for this scorecard, for its downloads.
    query: String,
}

/// The organisation or system asked for, the period, and the API's variables.
fn asked(who: &SignedIn, sent: &Sent) -> (String, String, Asked, Result<Value, (String, String)>) {
    let ics = sent.one("ics").to_ascii_uppercase();
    let organisation = who.organisation_asked(sent.one("organisation"));
    let asked = Asked::of(sent, crate::api::common::context::today());
    let variables = asked.input().and_then(|period| {
        if !ics.is_empty() {
            Ok(json!({ "ics": ics, "period": period }))
        } else if !organisation.is_empty() {
            Ok(json!({ "organisation": organisation, "period": period }))
        } else {
            Err((
                "organisation".to_owned(),
                "Enter the organisation's ODS code".to_owned(),
            ))
        }
    });
    (organisation, ics, asked, variables)
}

/// The scorecard's measures as a file, as the API writes it.
async fn file(
    state: &AppState,
    who: &SignedIn,
    mut variables: Value,
    format: &str,
) -> Result<Response, Failure> {
    variables["format"] = json!(format);
    download::file(
        state,
        who,
        operation!("scorecard_file"),
        variables,
        "/scorecard/file",
    )
    .await
}

pub(super) async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let (organisation, ics, asked, variables) = asked(&who, &sent);
    let mut page = ScorecardPage {
        chrome: who.chrome("Scorecard", Section::Figures),
        heading: String::new(),
        period: String::new(),
        principles: Vec::new(),
        problems: Vec::new(),
        organisation,
        ics,
        asked,
        query: String::new(),
    };
    let variables = match variables {
        Ok(v) => v,
        Err(problem) => {
            page.problems.push(problem);
            page.chrome.has_errors = true;
            return Ok((axum::http::StatusCode::BAD_REQUEST, render(&page)).into_response());
        }
    };
    if let Some(format) = download::asked_format(&sent) {
        return file(&state, &who, variables, format).await;
    }
    let data: Data = run(&state, &who, operation!("scorecard"), variables).await?;
    let card = data.scorecard;
    let query = serde_urlencoded::to_string(
        [
            ("organisation".to_owned(), page.organisation.clone()),
            ("ics".to_owned(), page.ics.clone()),
        ]
        .into_iter()
        .chain(page.asked.query())
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    page.query = query.clone();
    let (this, before) = (card.period.said(), card.previous_period.said());
    page.heading = card.organisations.join(", ");
    page.period = this.clone();
    for (principle, _) in PRINCIPLES {
        let shown: Vec<Shown> = card
            .measures
            .iter()
            .filter(|m| m.principle == *principle)
            .map(|m| {
                let mut value = said(&m.unit, m.value);
                if m.unit == "PERCENT" && m.denominator > 0.0 {
                    value = format!("{value} ({:.0} of {:.0})", m.numerator, m.denominator);
                }
                let bar = |label: &str, v: Option<f64>| Bar {
                    label: label.to_owned(),
                    value: v.unwrap_or(0.0),
                    said: said(&m.unit, v),
                    target: None,
                    target_said: String::new(),
                    short: false,
                };
                Shown {
                    chart: (m.value.is_some() || m.previous.is_some()).then(|| Bars {
                        title: m.label.clone(),
                        rows: vec![bar(&before, m.previous), bar(&this, m.value)],
                        headings: ["Period", "Figure", ""],
                    }),
                    change: change_said(m),
                    counted: m.records.len(),
                    records: format!("/scorecard/records?{query}&measure={}", m.key),
                    label: m.label.clone(),
                    value,
                }
            })
            .collect();
        if !shown.is_empty() {
            page.principles.push((say(PRINCIPLES, principle), shown));
        }
    }
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "figures/records.html")]
struct RecordsPage {
    chrome: Chrome,
    back: String,
    label: String,
    value: String,
    period: String,
    /// Each record: its page (where it has one), its name, what kind it is.
    records: Vec<(Option<String>, String, &'static str)>,
}

/// The records one figure counts, each opening to its page.
pub(super) async fn records(
    State(state): State<AppState>,
    who: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let raw = query.unwrap_or_default();
    let sent = Sent::parse(raw.as_bytes());
    let (_, _, _, variables) = asked(&who, &sent);
    let variables = variables.map_err(|(_, problem)| Failure::BadForm(problem))?;
    if let Some(format) = download::asked_format(&sent) {
        return file(&state, &who, variables, format).await;
    }
    let data: Data = run(&state, &who, operation!("scorecard"), variables).await?;
    let card = data.scorecard;
    let key = sent.one("measure");
    let m = card
        .measures
        .iter()
        .find(|m| m.key == key)
        .ok_or(Failure::NotFound)?;
    let ids: Vec<&str> = m.records.iter().map(|r| r.id.as_str()).collect();
    let named = names(&state, &who, &ids, NAMED).await?;
    let records = m
        .records
        .iter()
        .map(|r| {
            let (base, kind) = match r.kind.as_str() {
                "INPUT_ITEM" => (Some("/input"), "Input item"),
                "ACTIVITY" => (Some("/activities"), "Activity"),
                "ACTION" => (Some("/actions"), "Action"),
                "APPOINTMENT" => (None, "Appointment"),
                "BOARD_DECISION" => (None, "Board decision"),
                _ => (None, "Seat"),
            };
            let name = named
                .iter()
                .find(|(id, _)| *id == r.id)
                .map_or_else(|| format!("Reference {}", r.id), |(_, n)| n.clone());
            (base.map(|b| format!("{b}/{}", r.id)), name, kind)
        })
        .collect();
    let back = raw
        .split('&')
        .filter(|p| !p.starts_with("measure="))
        .collect::<Vec<_>>()
        .join("&");
    Ok(render(&RecordsPage {
        chrome: who.chrome(m.label.clone(), Section::Figures),
        back: format!("/scorecard?{back}"),
        value: said(&m.unit, m.value),
        label: m.label.clone(),
        period: card.period.said(),
        records,
    }))
}
