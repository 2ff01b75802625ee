//! The annual report's involvement section as a page: a financial year's section previewed as
//! it will read, the examples of change chosen from the actions completed with an outcome in
//! the year, and the section downloaded as a printable HTML page or as Markdown with those
//! examples.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::period::financial_year;
use crate::api::AppState;
use crate::domain::common::limits;
use crate::operation;
use crate::reports::annual::capitalise;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::{QueryAnswers, Sent};
use crate::web::page::{attachment, long_date, render, Chrome, Section};
use crate::web::signed_in::SignedIn;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    annual_report: Report,
}

#[derive(Deserialize)]
struct Range {
    from: String,
    to: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    name: String,
    year: Range,
    covered: Range,
    examples: Vec<Chosen>,
    candidates: Vec<Candidate>,
    body: String,
}

#[derive(Deserialize)]
struct Chosen {
    action: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    action: String,
    title: String,
    completed_on: String,
    outcome: String,
}

/// An action offered as an example, as the form shows it.
struct Offered {
    action: String,
    title: String,
    hint: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "figures/annual.html")]
struct AnnualPage {
    chrome: Chrome,
    organisation: String,
    year: String,
    /// The years the form offers, the most recent first.
    years: Vec<(String, String)>,
    problems: Vec<(String, String)>,
    name: String,
    /// The days the figures cover, in words, when the year is not over.
    to_date: Option<String>,
    offered: Vec<Offered>,
    /// The downloads' addresses: as HTML, and as Markdown.
    downloads: Option<(String, String)>,
    /// The section, as the API renders it for showing within a page (its text escaped there).
    body: String,
}

impl AnnualPage {
    /// The problem with the field `id`, if any.
    fn problem(&self, id: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(field, _)| field == id)
            .map(|(_, problem)| problem.as_str())
    }
}

/// What the page was asked: the organisation, the year, the examples chosen, and the API's
/// variables (or the problem with the answers, naming the field).
struct Asked {
    organisation: String,
    year: String,
    examples: Vec<String>,
    variables: Result<Value, (String, String)>,
}

fn asked(who: &SignedIn, sent: &Sent) -> Asked {
    let organisation = who.organisation_asked(sent.one("organisation"));
    let this_year = financial_year(crate::api::common::context::today());
    let year = match sent.one("year").trim() {
        "" => this_year.to_string(),
        given => given.to_owned(),
    };
    let examples: Vec<String> = sent.all("example").into_iter().map(str::to_owned).collect();
    let variables = if organisation.is_empty() {
        Err((
            "organisation".to_owned(),
            "Enter the organisation's ODS code".to_owned(),
        ))
    } else if let Some(y) = year
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
    {
        if examples.len() > limits::LIST {
            Err((
                "examples".to_owned(),
                format!("Choose {} examples or fewer", limits::LIST),
            ))
        } else {
            Ok(json!({
                "organisation": organisation,
                "year": y,
                // None chosen: the three most recent.
                "examples": (!examples.is_empty()).then_some(&examples),
            }))
        }
    } else {
        Err((
            "year".to_owned(),
            "Enter the year as four digits, for example 2026".to_owned(),
        ))
    };
    Asked {
        organisation,
        year,
        examples,
        variables,
    }
}

/// The address of a download with the same answers.
fn download(asked: &Asked, format: &str) -> String {
    let mut pairs = vec![
        ("organisation", asked.organisation.as_str()),
        ("year", asked.year.as_str()),
        ("format", format),
    ];
    pairs.extend(asked.examples.iter().map(|e| ("example", e.as_str())));
    format!(
        "/annual-report/download?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// `/annual-report?organisation=&year=&example=...`: the section, previewed.
pub(super) async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let asked = asked(&who, &sent);
    let this_year = financial_year(crate::api::common::context::today());
    let mut page = AnnualPage {
        chrome: who.chrome("Annual report", Section::Figures),
        organisation: asked.organisation.clone(),
        year: asked.year.clone(),
        years: (0..5)
            .map(|back| {
                let y = this_year - back;
                (y.to_string(), format!("April {y} to March {}", y + 1))
            })
            .collect(),
        problems: Vec::new(),
        name: String::new(),
        to_date: None,
        offered: Vec::new(),
        downloads: None,
        body: String::new(),
    };
    let answer = match &asked.variables {
        Ok(variables) => run::<Data>(&state, &who, operation!("annual_report"), variables.clone())
            .await
            .map_err(|refusal| match refusal.code.as_str() {
                "VALIDATION" => Ok(refusal
                    .by_field()
                    .into_iter()
                    .map(|(field, problem)| (field_id(&field), capitalise(&problem)))
                    .collect()),
                _ => Err(Failure::from(refusal)),
            }),
        Err(problem) => Err(Ok(vec![problem.clone()])),
    };
    let report = match answer {
        Ok(data) => data.annual_report,
        Err(Err(failure)) => return Err(failure),
        Err(Ok(problems)) => {
            page.problems = problems;
            page.chrome.has_errors = true;
            return Ok((StatusCode::BAD_REQUEST, render(&page)).into_response());
        }
    };
    let chosen: Vec<&str> = report.examples.iter().map(|e| e.action.as_str()).collect();
    page.offered = report
        .candidates
        .iter()
        .map(|c| Offered {
            chosen: chosen.contains(&c.action.as_str()),
            action: c.action.clone(),
            title: c.title.clone(),
            hint: format!("Completed {}: {}", long_date(&c.completed_on), c.outcome),
        })
        .collect();
    if report.covered.to != report.year.to {
        page.to_date = Some(format!(
            "The year is not over: the figures are for {} to {}.",
            long_date(&report.covered.from),
            long_date(&report.covered.to)
        ));
    }
    page.name = report.name;
    page.body = report.body;
    page.downloads = Some((download(&asked, "html"), download(&asked, "markdown")));
    Ok(render(&page))
}

/// The form's field a problem the API names belongs to.
fn field_id(field: &str) -> String {
    match field {
        "year" | "organisation" => field.to_owned(),
        _ => "examples".to_owned(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Downloaded {
    annual_report: File,
}

#[derive(Deserialize)]
struct File {
    organisation: String,
    year: Range,
    html: Option<String>,
    markdown: Option<String>,
}

/// `/annual-report/download?...&format=html|markdown`: the section as a file.
pub(super) async fn download_file(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let asked = asked(&who, &sent);
    let mut variables = asked
        .variables
        .map_err(|(_, problem)| Failure::BadForm(problem))?;
    let html = match sent.one("format") {
        "html" | "" => true,
        "markdown" => false,
        _ => return Err(Failure::BadForm("Choose HTML or Markdown".to_owned())),
    };
    variables["html"] = json!(html);
    let found: Downloaded = run(
        &state,
        &who,
        operation!("annual_report_download"),
        variables,
    )
    .await?;
    let f = found.annual_report;
    // "involvement-RX1-2026-27", from the year's first and last days.
    let name = format!(
        "involvement-{}-{}-{}",
        f.organisation,
        f.year.from.get(..4).unwrap_or_default(),
        f.year.to.get(2..4).unwrap_or_default()
    );
    Ok(match (f.html, f.markdown) {
        (Some(html), _) => attachment(&format!("{name}.html"), "text/html; charset=utf-8", html),
        (_, Some(md)) => attachment(&format!("{name}.md"), "text/markdown; charset=utf-8", md),
        _ => return Err(Failure::Internal),
    })
}
