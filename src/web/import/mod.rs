//! Importing history from a spreadsheet, for the organisation's engagement officers and board
//! secretaries: the blank template to fill in; the file uploaded, read, checked and tried on a
//! scratch ledger while its page shows how far it has got (refreshing itself, so it works with
//! JavaScript off); every problem at once, or what recording it would give; and, on the word,
//! recorded. Nothing is recorded unless every row is good.

pub mod download;
mod jobs;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

pub use jobs::Jobs;
use jobs::{Job, Rights, Stage};

use crate::api::AppState;
use crate::import::prepare::MAX_BYTES;
use crate::import::{template, Problem};
use crate::web::failure::Failure;
use crate::web::form::QueryAnswers;
use crate::web::page::{render, Chrome, Section};
use crate::web::signed_in::SignedIn;
use crate::web::words::{say, VERDICTS};

/// Where the file is sent: the one form that takes more than the usual limit.
pub const UPLOAD_PATH: &str = "/import";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(UPLOAD_PATH, get(upload_page).post(upload))
        .route("/import/template", get(template_file))
        .route("/import/{id}", get(job_page))
        .route("/import/{id}/record", post(record))
        .route("/records/download", get(download::download))
}

/// What the person may import for `organisation`.
fn rights(who: &SignedIn, organisation: &str) -> Rights {
    Rights {
        engagement: who.may_change([organisation]),
        boards: who.may_keep_boards([organisation]),
    }
}

#[derive(Template)]
#[template(path = "import/upload.html")]
struct UploadPage {
    chrome: Chrome,
    organisation: String,
    /// What is wrong with what was sent, by field: `organisation` or `file`.
    problems: Vec<(&'static str, String)>,
    max_mb: usize,
}

impl UploadPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e.as_str())
    }
}

fn upload_form(
    who: &SignedIn,
    organisation: String,
    errors: Vec<(&'static str, String)>,
) -> Response {
    let mut chrome = who.chrome("Import history from a spreadsheet", Section::Activities);
    chrome.has_errors = !errors.is_empty();
    render(&UploadPage {
        chrome,
        organisation,
        problems: errors,
        max_mb: MAX_BYTES / (1024 * 1024),
    })
}

/// Refuses those who keep no records at all: auditors.
fn may_import(who: &SignedIn) -> Result<(), Failure> {
    if who.records_engagement() || who.who.role == crate::auth::Role::BoardSecretary {
        Ok(())
    } else {
        Err(Failure::Forbidden(
            "Only engagement officers and board secretaries import history.".to_owned(),
        ))
    }
}

async fn upload_page(who: SignedIn, QueryAnswers(sent): QueryAnswers) -> Result<Response, Failure> {
    may_import(&who)?;
    let organisation = sent.one("organisation").trim().to_ascii_uppercase();
    let organisation = if organisation.is_empty() && who.who.organisations.len() == 1 {
        who.who.organisations[0].clone()
    } else {
        organisation
    };
    Ok(upload_form(&who, organisation, Vec::new()))
}

/// The blank template: the workbook to fill in, with notes on every column.
async fn template_file(_who: SignedIn) -> Result<Response, Failure> {
    let bytes = template::template().map_err(|error| {
        tracing::error!(error = %error, "the import template could not be written");
        Failure::Internal
    })?;
    Ok(crate::web::page::attachment(
        "partnership-ledger-import-template.xlsx",
        template::XLSX,
        bytes,
    ))
}

/// Reads the form: the organisation's ODS code and the file (or CSV files), then starts
/// checking it and shows its page.
async fn upload(
    State(state): State<AppState>,
    Extension(jobs): Extension<Arc<Jobs>>,
    who: SignedIn,
    mut form: Multipart,
) -> Result<Response, Failure> {
    may_import(&who)?;
    let unreadable = || Failure::BadForm("The file sent could not be read.".into());
    let mut organisation = String::new();
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("organisation") => {
                organisation = field.text().await.map_err(|_| unreadable())?;
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                if !name.is_empty() || !bytes.is_empty() {
                    files.push((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let organisation = organisation.trim().to_ascii_uppercase();
    let mut errors = Vec::new();
    let allowed = rights(&who, &organisation);
    if organisation.is_empty() {
        errors.push((
            "organisation",
            "Enter the ODS code of the organisation whose history it is".to_owned(),
        ));
    } else if !allowed.engagement && !allowed.boards {
        errors.push((
            "organisation",
            format!("You do not keep {organisation}'s records: enter the ODS code of an organisation you record for"),
        ));
    }
    if files.is_empty() {
        errors.push((
            "file",
            "Choose the workbook (.xlsx) or the CSV files to import".to_owned(),
        ));
    } else if let Some((name, _)) = files.iter().find(|(name, _)| {
        let lower = name.to_ascii_lowercase();
        !lower.ends_with(".xlsx") && !lower.ends_with(".csv")
    }) {
        errors.push((
            "file",
            format!("{name} is not a workbook (.xlsx) or a CSV file (.csv)"),
        ));
    } else if files.iter().map(|(_, b)| b.len()).sum::<usize>() > MAX_BYTES {
        errors.push((
            "file",
            format!(
                "The file must be smaller than {} MB: split it by year",
                MAX_BYTES / (1024 * 1024)
            ),
        ));
    }
    if errors.is_empty() && jobs.busy(&who.who.subject) {
        errors.push((
            "file",
            "Your last import is still being checked or recorded: wait for it to finish".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return Ok(upload_form(&who, organisation, errors));
    }
    tracing::info!(files = files.len(), "an import was uploaded");
    let job = jobs.start(&state, &who.who.subject, &organisation, allowed, files);
    Ok(Redirect::to(&format!("/import/{}", job.id)).into_response())
}

/// A problem as the page's table shows it.
struct ProblemRow {
    sheet: String,
    row: String,
    column: String,
    found: String,
    expected: String,
}

impl From<&Problem> for ProblemRow {
    fn from(p: &Problem) -> Self {
        Self {
            sheet: p.sheet.clone(),
            row: p.row.map_or_else(|| "Header".to_owned(), |r| r.to_string()),
            column: p.column.clone(),
            found: p.found.clone(),
            expected: p.expected.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "import/job.html")]
struct JobPage {
    chrome: Chrome,
    id: String,
    organisation: String,
    file: String,
    /// While at work: what it is doing, and how far it has got.
    working: Option<(&'static str, usize, usize)>,
    problems: Vec<ProblemRow>,
    /// Ready to record: each sheet's rows to record and recorded before, the verdicts the
    /// organisation's items would then have, and the steps to record.
    sheets: Vec<(String, usize, usize)>,
    verdicts: Vec<(String, i64)>,
    ready: Option<usize>,
    /// Recorded: steps recorded, and recorded before.
    recorded: Option<(usize, usize)>,
    /// Refused while recording: the steps recorded before the refusals.
    stopped: Option<usize>,
    failed: bool,
}

async fn job_page(
    Extension(jobs): Extension<Arc<Jobs>>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let job = jobs.find(&id, &who.who.subject).ok_or(Failure::NotFound)?;
    Ok(render(&job_view(&who, &job)))
}

fn job_view(who: &SignedIn, job: &Job) -> JobPage {
    let (done, total) = (
        job.done.load(Ordering::Relaxed),
        job.total.load(Ordering::Relaxed),
    );
    let mut page = JobPage {
        chrome: who.chrome("Importing history", Section::Activities),
        id: job.id.clone(),
        organisation: job.organisation.clone(),
        file: job.file.clone(),
        working: None,
        problems: Vec::new(),
        sheets: Vec::new(),
        verdicts: Vec::new(),
        ready: None,
        recorded: None,
        stopped: None,
        failed: false,
    };
    let ready_view = |page: &mut JobPage,
                      prepared_trial: &(
        crate::import::prepare::Prepared,
        crate::import::trial::Trial,
    )| {
        let (_, trial) = prepared_trial;
        page.sheets = trial
            .rows
            .iter()
            .map(|(sheet, rows)| (sheet.name().to_owned(), rows.new, rows.already))
            .collect();
        page.verdicts = trial
            .verdicts
            .iter()
            .map(|(verdict, n)| (say(VERDICTS, verdict), *n))
            .collect();
    };
    match job.stage() {
        Stage::Reading => page.working = Some(("Reading the file", 0, 0)),
        Stage::Trying => {
            page.working = Some(("Checking every row against the ledger's rules", done, total))
        }
        Stage::Recording(ready) => {
            ready_view(&mut page, &ready);
            page.working = Some(("Recording", done, total));
        }
        Stage::Refused(problems) => {
            page.chrome.title = "The file was not imported".to_owned();
            page.chrome.has_errors = true;
            page.problems = problems.iter().map(ProblemRow::from).collect();
        }
        Stage::Ready(ready) => {
            page.chrome.title = "Check what will be recorded".to_owned();
            ready_view(&mut page, &ready);
            page.ready = Some(ready.1.to_record.len());
        }
        Stage::Recorded { recorded, already } => {
            page.chrome.title = "History imported".to_owned();
            page.recorded = Some((recorded, already));
        }
        Stage::Stopped(outcome) => {
            page.chrome.title = "Some rows were not recorded".to_owned();
            page.chrome.has_errors = true;
            page.problems = outcome.problems.iter().map(ProblemRow::from).collect();
            page.stopped = Some(outcome.recorded);
        }
        Stage::Failed => page.failed = true,
    }
    page
}

/// Records a checked file, on the word of the person who uploaded it.
async fn record(
    State(state): State<AppState>,
    Extension(jobs): Extension<Arc<Jobs>>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let job = jobs.find(&id, &who.who.subject).ok_or(Failure::NotFound)?;
    let allowed = rights(&who, &job.organisation);
    if !allowed.engagement && !allowed.boards {
        return Err(Failure::Forbidden(
            "You no longer keep this organisation's records.".to_owned(),
        ));
    }
    jobs.record(&state, &job);
    Ok(Redirect::to(&format!("/import/{}", job.id)).into_response())
}
