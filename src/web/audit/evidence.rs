//! Proving the record and taking it away: checking the log's hash chains against a checkpoint
//! file (uploaded from the page) and saying the result in words, issuing a new checkpoint to
//! keep outside the database, and downloading an organisation's audit trail and "you said, we
//! did" as files.

use askama::Template;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::{file_text, QueryAnswers, Sent};
use crate::web::listing::{span, span_filters, DateFilter};
use crate::web::page::{attachment, render, Chrome, Section};
use crate::web::signed_in::SignedIn;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Verified {
    verify_log: Verification,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Verification {
    verified: bool,
    events: i64,
    streams: i64,
    root_hash: String,
    last_position: Option<i64>,
    first_failure: Option<FirstFailure>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FirstFailure {
    position: Option<i64>,
    aggregate_type: Option<String>,
    aggregate_id: Option<String>,
    sequence: Option<i64>,
    problem: String,
}

#[derive(Template)]
#[template(path = "audit/verify.html")]
struct VerifyPage {
    chrome: Chrome,
    /// What the check found, in words: whether it holds, and what it means.
    outcome: Option<(bool, String, String)>,
    error: Option<String>,
}

impl VerifyPage {
    /// The error summary's one problem, if the file was not a checkpoint.
    fn problems(&self) -> Vec<(String, String)> {
        self.error
            .iter()
            .map(|e| ("checkpoint".to_owned(), e.clone()))
            .collect()
    }
}

/// What a failure the log check names means, for someone deciding whether to trust the record.
fn meaning(problem: &str) -> &'static str {
    match problem {
        "ALTERED" => "The event no longer matches its own hash: it was changed after it was recorded.",
        "BROKEN_LINK" => "The event does not follow on from the event before it in its record: an event before it was removed or replaced.",
        "MISSING" => "The record's events skip a number: an event was deleted.",
        "OUT_OF_ORDER" => "The record's events are not in the order they were recorded.",
        "REPEATED" => "Two events of the record carry the same number.",
        "CUT_SHORT" => "The log holds fewer events than the checkpoint counted: events recorded before the checkpoint were deleted.",
        "DIFFERS_FROM_CHECKPOINT" => "The log up to the checkpoint no longer gives the checkpoint's hash: something recorded before it was changed.",
        _ => "The log does not match what was recorded.",
    }
}

pub(super) async fn verify_page(who: SignedIn) -> Response {
    render(&VerifyPage {
        chrome: who.chrome("Check the log", Section::Audit),
        outcome: None,
        error: None,
    })
}

/// Checks the log, against the uploaded checkpoint when one was chosen.
pub(super) async fn verify(
    State(state): State<AppState>,
    who: SignedIn,
    mut form: Multipart,
) -> Result<Response, Failure> {
    let checkpoint = file_text(&mut form, "checkpoint").await?;
    let chrome = who.chrome("Check the log", Section::Audit);
    let given = checkpoint.is_some();
    let found: Result<Verified, _> = run(
        &state,
        &who,
        operation!("verify_log"),
        json!({ "checkpoint": checkpoint }),
    )
    .await;
    let v = match found {
        Ok(found) => found.verify_log,
        Err(refusal) if refusal.code == "VALIDATION" => {
            let page = render(&VerifyPage {
                chrome: Chrome {
                    has_errors: true,
                    ..chrome
                },
                outcome: None,
                error: Some(
                    "The file chosen is not a checkpoint of this service: choose the file saved \
                     when the checkpoint was issued"
                        .into(),
                ),
            });
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
        Err(refusal) => return Err(refusal.into()),
    };
    let outcome = match (&v.first_failure, v.verified) {
        (None, true) => (
            true,
            if given {
                "Verified: every record's chain holds, and the log matches the checkpoint"
                    .to_owned()
            } else {
                "Verified: every record's chain holds".to_owned()
            },
            format!(
                "{} events in {} records, up to position {}; the log's hash is {}.",
                v.events,
                v.streams,
                v.last_position.unwrap_or(0),
                v.root_hash
            ),
        ),
        (failure, _) => {
            let problem = failure.as_ref().map_or("", |f| f.problem.as_str());
            let which = failure
                .as_ref()
                .and_then(|f| {
                    Some(format!(
                        "The first event that fails is at position {} ({} {}, event {}). ",
                        f.position?,
                        f.aggregate_type.as_deref()?,
                        f.aggregate_id.as_deref()?,
                        f.sequence?
                    ))
                })
                .unwrap_or_default();
            (
                false,
                "Not verified: the log does not hold as recorded".to_owned(),
                format!("{which}{}", meaning(problem)),
            )
        }
    };
    Ok(render(&VerifyPage {
        chrome,
        outcome: Some(outcome),
        error: None,
    }))
}

#[derive(Deserialize)]
struct Issued {
    checkpoint: Checkpoint,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checkpoint {
    json: String,
    log_position: i64,
}

/// Issues a checkpoint over the log as it stands, as a file to keep outside the database.
pub(super) async fn checkpoint(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Response, Failure> {
    let issued: Issued = run(&state, &who, operation!("checkpoint"), json!({})).await?;
    let c = issued.checkpoint;
    Ok(attachment(
        &format!("checkpoint-{}.json", c.log_position),
        "application/json",
        c.json,
    ))
}

#[derive(Template)]
#[template(path = "audit/downloads.html")]
struct DownloadsPage {
    chrome: Chrome,
    organisation: String,
    from: DateFilter,
    to: DateFilter,
    raised_from: DateFilter,
    raised_to: DateFilter,
    problems: Vec<(String, String)>,
}

impl DownloadsPage {
    fn date_filters(&self) -> [(&'static str, &'static str, &(String, String, String)); 2] {
        span_filters(&self.from, &self.to)
    }

    /// The "you said, we did" form's days, as `date_filter.html` draws them.
    fn raised_filters(&self) -> [(&'static str, &'static str, &(String, String, String)); 2] {
        [
            (
                "raised-from",
                "Raised from (the first day)",
                &self.raised_from.parts,
            ),
            (
                "raised-to",
                "Raised up to (the last day)",
                &self.raised_to.parts,
            ),
        ]
    }
}

fn downloads_page(who: &SignedIn, sent: &Sent, problems: Vec<(String, String)>) -> Response {
    let organisation = match sent.one("organisation") {
        "" => who.who.organisations.first().cloned().unwrap_or_default(),
        given => given.to_owned(),
    };
    let has_errors = !problems.is_empty();
    let mut chrome = who.chrome("Download the evidence", Section::Audit);
    chrome.has_errors = has_errors;
    let page = render(&DownloadsPage {
        chrome,
        organisation,
        from: DateFilter::of(sent, "from", "From"),
        to: DateFilter::of(sent, "to", "To"),
        raised_from: DateFilter::of(sent, "raised-from", "From"),
        raised_to: DateFilter::of(sent, "raised-to", "To"),
        problems,
    });
    if has_errors {
        (StatusCode::BAD_REQUEST, page).into_response()
    } else {
        page
    }
}

pub(super) async fn downloads(who: SignedIn, RawQuery(query): RawQuery) -> Response {
    downloads_page(
        &who,
        &Sent::parse(query.unwrap_or_default().as_bytes()),
        Vec::new(),
    )
}

#[derive(Deserialize)]
struct Downloaded {
    download: Download,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Download {
    filename: String,
    content_type: String,
    content: String,
}

/// The audit trail of an organisation from one day to another (both included), as CSV or
/// JSON Lines.
pub(super) async fn trail(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let organisation = sent.one("organisation").to_ascii_uppercase();
    let from = DateFilter::of(&sent, "from", "From");
    let to = DateFilter::of(&sent, "to", "To");
    let mut problems = Vec::new();
    if organisation.is_empty() {
        problems.push((
            "organisation".into(),
            "Enter the organisation's ODS code".into(),
        ));
    }
    let days = span(&from, &to)
        .map_err(|problem| problems.push(problem))
        .ok();
    let Some((first, last)) = days.filter(|_| problems.is_empty()) else {
        return Ok(downloads_page(&who, &sent, problems));
    };
    let format = if sent.one("format") == "CSV" {
        "CSV"
    } else {
        "JSON_LINES"
    };
    let after = last.succ_opt().unwrap_or(last);
    let variables = json!({ "organisation": organisation, "from": format!("{first}T00:00:00Z"),
                            "to": format!("{after}T00:00:00Z"), "format": format });
    downloaded(&state, &who, operation!("audit_trail"), variables).await
}

/// The days input was raised on, as the "you said, we did" form asks: either or both may be
/// left out; the problem names the field it is shown at.
fn raised(sent: &Sent) -> Result<(Option<NaiveDate>, Option<NaiveDate>), (String, String)> {
    let from = DateFilter::of(sent, "raised-from", "From");
    let to = DateFilter::of(sent, "raised-to", "To");
    match (from.day, to.day) {
        (Err(problem), _) => Err(("raised-from-day".to_owned(), problem)),
        (_, Err(problem)) => Err(("raised-to-day".to_owned(), problem)),
        (Ok(Some(first)), Ok(Some(last))) if last < first => Err((
            "raised-to-day".to_owned(),
            "The last day must be on or after the first".to_owned(),
        )),
        (Ok(first), Ok(last)) => Ok((first, last)),
    }
}

/// "You said, we did" for an organisation as it stands today, over the input raised between
/// two days (either may be left out), as CSV or a page to print.
pub(super) async fn you_said(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let organisation = sent.one("organisation").to_ascii_uppercase();
    let mut problems = Vec::new();
    if organisation.is_empty() {
        problems.push((
            "you-said-organisation".into(),
            "Enter the organisation's ODS code".into(),
        ));
    }
    let days = raised(&sent).map_err(|p| problems.push(p)).ok();
    let Some((from, to)) = days.filter(|_| problems.is_empty()) else {
        return Ok(downloads_page(&who, &sent, problems));
    };
    let format = if sent.one("format") == "CSV" {
        "CSV"
    } else {
        "HTML"
    };
    let variables = json!({ "organisation": organisation, "format": format,
                            "raisedFrom": from, "raisedTo": to });
    downloaded(&state, &who, operation!("you_said_download"), variables).await
}

/// The file `operation` answers with (as `download`), to save.
async fn downloaded(
    state: &AppState,
    who: &SignedIn,
    operation: crate::web::client::Operation,
    variables: serde_json::Value,
) -> Result<Response, Failure> {
    let found: Downloaded = run(state, who, operation, variables).await?;
    let d = found.download;
    Ok(attachment(&d.filename, &d.content_type, d.content))
}
