//! Reach as a page: for an organisation and a period, each dimension of who took part (age,
//! sex, ethnic group, deprivation, disability) against the population it serves as a chart,
//! naming the groups under-represented; and a new population baseline uploaded as CSV, with
//! every faulty line named.

use askama::Template;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::period::Asked;
use crate::api::AppState;
use crate::operation;
use crate::web::chart::{Bar, Bars};
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::{file_text, QueryAnswers, Sent};
use crate::web::import::download;
use crate::web::page::{long_date, render, Chrome, Section};
use crate::web::session::set_note;
use crate::web::signed_in::SignedIn;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    reach: Reach,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Uploaded {
    population_baseline: Baseline,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reach {
    activity_ids: Vec<String>,
    margin_points: f64,
    groups: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    dimension: String,
    category: String,
    baseline_share: f64,
    participants: i64,
    participant_share: Option<f64>,
    under_represented: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Baseline {
    uploaded_on: Option<String>,
}

/// A dimension as people say it.
fn dimension_words(dimension: &str) -> String {
    match dimension {
        "age_band" | "AGE_BAND" => "Age".to_owned(),
        "sex" | "SEX" => "Sex".to_owned(),
        "ethnic_group" | "ETHNIC_GROUP" => "Ethnic group".to_owned(),
        "deprivation_quintile" | "DEPRIVATION_QUINTILE" => "Deprivation quintile".to_owned(),
        "disability" | "DISABILITY" => "Disability".to_owned(),
        other => other.replace('_', " "),
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

#[derive(Template)]
#[template(path = "figures/reach.html")]
struct ReachPage {
    chrome: Chrome,
    organisation: String,
    asked: Asked,
    problems: Vec<(String, String)>,
    /// The activities counted, and the margin a group must fall short by.
    activities: usize,
    margin: String,
    baseline: Option<String>,
    charts: Vec<Bars>,
    /// Each group under-represented, in words.
    under: Vec<String>,
    may_upload: bool,
    /// Why the file uploaded was refused, line by line.
    upload_problems: Vec<String>,
}

async fn reach_page(
    state: &AppState,
    who: &SignedIn,
    sent: &Sent,
    upload_problems: Vec<String>,
) -> Result<Response, Failure> {
    let organisation = who.organisation_asked(sent.one("organisation"));
    let asked = Asked::of(sent, crate::api::common::context::today());
    let mut page = ReachPage {
        chrome: who.chrome("Reach", Section::Figures),
        may_upload: who.may_change([organisation.as_str()]),
        organisation,
        asked,
        problems: Vec::new(),
        activities: 0,
        margin: String::new(),
        baseline: None,
        charts: Vec::new(),
        under: Vec::new(),
        upload_problems,
    };
    let period = match page.asked.input() {
        Ok(period) => period,
        Err(problem) => {
            page.problems.push(problem);
            serde_json::Value::Null
        }
    };
    if page.organisation.is_empty() {
        page.problems.push((
            "organisation".into(),
            "Enter the organisation's ODS code".into(),
        ));
    }
    let status = if page.problems.is_empty() && page.upload_problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page.chrome.has_errors = status != StatusCode::OK;
    if !page.problems.is_empty() {
        return Ok((status, render(&page)).into_response());
    }
    let uploaded = run::<Uploaded>(
        state,
        who,
        operation!("baseline_uploaded"),
        json!({ "organisation": page.organisation }),
    )
    .await;
    page.baseline = match uploaded {
        Ok(found) => found
            .population_baseline
            .uploaded_on
            .as_deref()
            .map(long_date),
        Err(refusal) if refusal.code == "NOT_FOUND" => None,
        Err(refusal) => return Err(refusal.into()),
    };
    if page.baseline.is_none() {
        // Nothing to measure against until a baseline is uploaded.
        return Ok((status, render(&page)).into_response());
    }
    if let Some(format) = download::asked_format(sent) {
        let variables =
            json!({ "organisation": page.organisation, "period": period, "format": format });
        return download::file(
            state,
            who,
            operation!("reach_file"),
            variables,
            "/reach/file",
        )
        .await;
    }
    let data: Data = run(
        state,
        who,
        operation!("reach"),
        json!({ "organisation": page.organisation, "period": period }),
    )
    .await?;
    page.activities = data.reach.activity_ids.len();
    page.margin = format!("{:.0}", data.reach.margin_points);
    let mut dimensions: Vec<String> = Vec::new();
    for g in &data.reach.groups {
        if !dimensions.contains(&g.dimension) {
            dimensions.push(g.dimension.clone());
        }
    }
    for dimension in dimensions {
        let name = dimension_words(&dimension);
        let rows = data
            .reach
            .groups
            .iter()
            .filter(|g| g.dimension == dimension)
            .map(|g| Bar {
                label: g.category.clone(),
                value: g.participant_share.unwrap_or(0.0) * 100.0,
                said: g.participant_share.map_or_else(
                    || "none took part".to_owned(),
                    |s| format!("{} ({})", percent(s), g.participants),
                ),
                target: Some(g.baseline_share * 100.0),
                target_said: percent(g.baseline_share),
                short: g.under_represented,
            })
            .collect();
        page.charts.push(Bars {
            title: format!("{name}: who took part against the population"),
            rows,
            headings: [
                "Group",
                "Share of those who took part",
                "Share of the population",
            ],
        });
    }
    page.under = data
        .reach
        .groups
        .iter()
        .filter(|g| g.under_represented)
        .map(|g| {
            format!(
                "{}: {}, {} of those who took part against {} of the population",
                dimension_words(&g.dimension),
                g.category,
                g.participant_share.map_or_else(|| "0%".to_owned(), percent),
                percent(g.baseline_share)
            )
        })
        .collect();
    Ok((status, render(&page)).into_response())
}

pub(super) async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    reach_page(&state, &who, &sent, Vec::new()).await
}

/// A new population baseline for the organisation, from the CSV file chosen. A file with
/// faults is refused whole, each faulty line named, and the baseline in force stays.
pub(super) async fn upload(
    State(state): State<AppState>,
    who: SignedIn,
    RawQuery(query): RawQuery,
    mut form: Multipart,
) -> Result<Response, Failure> {
    let sent = Sent::parse(query.unwrap_or_default().as_bytes());
    let organisation = sent.one("organisation").to_ascii_uppercase();
    who.must_change(
        [organisation.as_str()],
        "Only the organisation's engagement officers upload its population baseline.",
    )?;
    let Some(text) = file_text(&mut form, "csv").await? else {
        let problem = "Choose a CSV file of the population baseline".to_owned();
        return reach_page(&state, &who, &sent, vec![problem]).await;
    };
    let uploaded = run::<serde_json::Value>(
        &state,
        &who,
        operation!("upload_population_baseline"),
        json!({ "input": { "organisation": organisation, "csv": text } }),
    )
    .await;
    match uploaded {
        Ok(_) => {
            set_note(&who.session, "Population baseline uploaded")
                .await
                .map_err(crate::web::sign_in::internal)?;
            let back = format!(
                "/reach?{}",
                serde_urlencoded::to_string([("organisation", organisation)]).unwrap_or_default()
            );
            Ok(Redirect::to(&back).into_response())
        }
        Err(refusal) if refusal.code == "VALIDATION" => {
            let lines = refusal
                .message
                .trim_start_matches("csv: ")
                .split("; line ")
                .enumerate()
                .map(|(i, fault)| {
                    let fault = if i == 0 {
                        fault.to_owned()
                    } else {
                        format!("line {fault}")
                    };
                    let mut chars = fault.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())
                        .unwrap_or_default()
                })
                .collect();
            reach_page(&state, &who, &sent, lines).await
        }
        Err(refusal) => Err(refusal.into()),
    }
}
