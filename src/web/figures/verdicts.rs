//! Verdicts over time as a page: for an organisation or one activity, how many input items had
//! each verdict as of each of the last twelve month ends (the current month as of today), as
//! a stacked chart with its figures as a table, and the median days to a decision, an outcome
//! and feedback month by month.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Months, NaiveDate};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::QueryAnswers;
use crate::web::page::{long_day, render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::stacked::{StackRow, Stacked};
use crate::web::verdict::{Verdict, VerdictTag};

/// How many months the chart shows.
pub const MONTHS: usize = 12;

/// The verdicts the chart stacks, from done to not yet answered; withdrawn items count in no
/// roll-up.
const STACKED: [Verdict; 8] = [
    Verdict::ActedOn,
    Verdict::Planned,
    Verdict::Stalled,
    Verdict::AlreadyInPlace,
    Verdict::Referred,
    Verdict::Declined,
    Verdict::Overdue,
    Verdict::Unanswered,
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Month {
    total: u64,
    median_days_to_decision: Option<f64>,
    median_days_to_outcome: Option<f64>,
    median_days_to_feedback: Option<f64>,
    counts: Vec<Count>,
}

#[derive(Deserialize)]
struct Count {
    verdict: Verdict,
    count: u64,
}

/// The last day of each of the `MONTHS` months up to `today`'s, oldest first; the current
/// month's is `today` itself.
pub fn month_ends(today: NaiveDate) -> Vec<NaiveDate> {
    let first = today.with_day(1).unwrap_or(today);
    let mut ends: Vec<NaiveDate> = (1..MONTHS as u32)
        .rev()
        .filter_map(|back| first.checked_sub_months(Months::new(back - 1)))
        .filter_map(|d| d.pred_opt())
        .collect();
    ends.push(today);
    ends
}

/// A month's name in a row of the chart: "November 2026", or "December 2026 (to 5 December)".
fn month_label(end: NaiveDate, today: NaiveDate) -> String {
    let month = end.format("%B %Y").to_string();
    if end == today {
        format!("{month} (to {})", end.format("%-d %B"))
    } else {
        month
    }
}

fn days(value: Option<f64>) -> String {
    match value {
        None => "None yet".to_owned(),
        Some(v) if (v - 1.0).abs() < f64::EPSILON => "1 day".to_owned(),
        Some(v) => format!("{v:.0} days"),
    }
}

/// One month's medians, in words.
struct Medians {
    month: String,
    decision: String,
    outcome: String,
    feedback: String,
}

#[derive(Template)]
#[template(path = "figures/verdicts.html")]
struct VerdictsPage {
    chrome: Chrome,
    /// Whose verdicts: the organisation's name, or the activity's title.
    whose: String,
    organisation: String,
    /// The activity's page, when the page is about one.
    activity: Option<String>,
    problems: Vec<(String, String)>,
    chart: Option<Stacked>,
    latest: Option<Medians>,
    medians: Vec<Medians>,
    total_now: u64,
}

/// `/verdicts?organisation=ODS` or `/verdicts?activity=ID`.
pub(super) async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let activity = sent.one("activity").trim().to_owned();
    let organisation = who.organisation_asked(sent.one("organisation"));
    let mut page = VerdictsPage {
        chrome: who.chrome("Verdicts over time", Section::Figures),
        whose: String::new(),
        organisation: organisation.clone(),
        activity: None,
        problems: Vec::new(),
        chart: None,
        latest: None,
        medians: Vec::new(),
        total_now: 0,
    };
    if activity.is_empty() && organisation.is_empty() {
        page.problems.push((
            "organisation".to_owned(),
            "Enter the organisation's ODS code".to_owned(),
        ));
        page.chrome.has_errors = true;
        return Ok((StatusCode::BAD_REQUEST, render(&page)).into_response());
    }
    let today = crate::api::common::context::today();
    let ends = month_ends(today);
    let mut variables = Map::new();
    for (i, end) in ends.iter().enumerate() {
        variables.insert(format!("d{i}"), json!(end));
    }
    let (operation, root) = if activity.is_empty() {
        variables.insert("organisation".into(), json!(organisation));
        (operation!("verdicts_over_time"), "organisation")
    } else {
        variables.insert("activity".into(), json!(activity));
        (operation!("activity_verdicts_over_time"), "activity")
    };
    let mut data: Value = run(&state, &who, operation, Value::Object(variables)).await?;
    let months = data[root].take();
    if activity.is_empty() {
        page.whose = months["name"].as_str().unwrap_or(&organisation).to_owned();
    } else {
        page.whose = months["title"].as_str().unwrap_or_default().to_owned();
        page.organisation = months["leadOrganisation"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        page.activity = Some(format!("/activities/{activity}"));
    }
    let mut rows = Vec::new();
    for (i, end) in ends.iter().enumerate() {
        let month: Month = serde_json::from_value(months[format!("m{i}")].clone())
            .map_err(|e| Failure::from(anyhow::anyhow!("a month's verdicts: {e}")))?;
        let label = month_label(*end, today);
        rows.push(StackRow {
            label: label.clone(),
            values: STACKED
                .iter()
                .map(|v| {
                    month
                        .counts
                        .iter()
                        .find(|c| c.verdict == *v)
                        .map_or(0, |c| c.count)
                })
                .collect(),
        });
        page.total_now = month.total;
        page.medians.push(Medians {
            month: label,
            decision: days(month.median_days_to_decision),
            outcome: days(month.median_days_to_outcome),
            feedback: days(month.median_days_to_feedback),
        });
    }
    page.latest = page.medians.last().map(|m| Medians {
        month: long_day(today),
        decision: m.decision.clone(),
        outcome: m.outcome.clone(),
        feedback: m.feedback.clone(),
    });
    page.chart = Some(Stacked {
        title: format!("Verdicts at the end of each month: {}", page.whose),
        series: STACKED.iter().map(|v| v.label().to_owned()).collect(),
        rows,
        row_heading: "Month",
    });
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn twelve_month_ends_end_today() {
        let ends = month_ends(day(2026, 12, 5));
        assert_eq!(ends.len(), MONTHS);
        assert_eq!(ends[0], day(2026, 1, 31));
        assert_eq!(ends[1], day(2026, 2, 28));
        assert_eq!(ends[10], day(2026, 11, 30));
        assert_eq!(ends[11], day(2026, 12, 5));
        let march = month_ends(day(2028, 3, 1));
        assert_eq!(march[10], day(2028, 2, 29), "a leap year's February");
        assert_eq!(march[0], day(2027, 4, 30));
        assert_eq!(
            month_label(day(2026, 12, 5), day(2026, 12, 5)),
            "December 2026 (to 5 December)"
        );
        assert_eq!(
            month_label(day(2026, 11, 30), day(2026, 12, 5)),
            "November 2026"
        );
    }
}
