//! An organisation's records to take away, from the pages that list them: every sheet as a
//! workbook (which imports back), or one list (activities, input with its verdicts, actions,
//! boards, meetings...) as a workbook or CSV; and the figures pages' lists (the scorecard,
//! reach, a board's seats). Each file is the API's, asked for as the reader.

use axum::extract::State;
use axum::response::Response;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::client::{run, Operation};
use crate::web::failure::Failure;
use crate::web::form::{QueryAnswers, Sent};
use crate::web::page::attachment;
use crate::web::signed_in::SignedIn;

/// A file as the API gives it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    filename: String,
    content_type: String,
    content: String,
    base64: bool,
}

/// `/records/download?organisation=RX1&sheet=Input&format=csv`: the file, or the page saying
/// what was wrong with what was asked.
pub(super) async fn download(
    State(state): State<AppState>,
    who: SignedIn,
    QueryAnswers(sent): QueryAnswers,
) -> Result<Response, Failure> {
    let format = match sent.one("format") {
        "" => "XLSX",
        _ => asked_format(&sent)
            .ok_or_else(|| Failure::BadForm("Choose a workbook (xlsx) or CSV".to_owned()))?,
    };
    let sheet = Some(sent.one("sheet").trim()).filter(|s| !s.is_empty());
    let variables = json!({ "organisation": sent.one("organisation").trim().to_ascii_uppercase(),
                            "sheet": sheet, "format": format });
    file(&state, &who, operation!("records"), variables, "/records").await
}

/// Which file a list's page was asked for (`format=csv` or `format=xlsx`), if any, as the
/// API names the format.
pub fn asked_format(sent: &Sent) -> Option<&'static str> {
    match sent.one("format") {
        "csv" => Some("CSV"),
        "xlsx" => Some("XLSX"),
        _ => None,
    }
}

/// The file `operation` answers with at `at` (a JSON pointer into its data), to save; a
/// question the API refuses as invalid is the page's bad form.
pub async fn file(
    state: &AppState,
    who: &SignedIn,
    operation: Operation,
    variables: serde_json::Value,
    at: &str,
) -> Result<Response, Failure> {
    let data: serde_json::Value = match run(state, who, operation, variables).await {
        Err(refusal) if refusal.code == "VALIDATION" => {
            return Err(Failure::BadForm(refusal.message));
        }
        answer => answer?,
    };
    let file: File = data
        .pointer(at)
        .cloned()
        .and_then(|found| serde_json::from_value(found).ok())
        .ok_or(Failure::Internal)?;
    if file.base64 {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file.content)
            .map_err(|_| Failure::Internal)?;
        Ok(attachment(&file.filename, &file.content_type, bytes))
    } else {
        Ok(attachment(&file.filename, &file.content_type, file.content))
    }
}

/// The boards' sheets of the records, to download from the list of boards.
pub const BOARD_SHEETS: &[(&str, &str)] = &[
    ("Boards", "Boards"),
    ("Seats", "Seats' targets"),
    ("Appointments", "Appointments"),
    ("Meetings", "Meetings and attendance"),
    ("Decisions", "Decisions at meetings"),
    ("Participants", "Members"),
];

/// The form on a list's page that downloads the sheet of records it lists
/// (`records_download.html`).
pub struct RecordsDownload {
    /// What the sheets hold, as the page says it: "activities".
    pub what: &'static str,
    /// Each sheet to choose from, by its name in the import template, and what it holds.
    pub sheets: &'static [(&'static str, &'static str)],
    /// The organisations the reader may choose; none for an administrator, who names one.
    pub organisations: Vec<String>,
}

impl RecordsDownload {
    pub fn new(
        who: &SignedIn,
        what: &'static str,
        sheets: &'static [(&'static str, &'static str)],
    ) -> Self {
        Self {
            what,
            sheets,
            organisations: who
                .principal()
                .read_scope()
                .map(<[String]>::to_vec)
                .unwrap_or_default(),
        }
    }

    /// Whether one of the sheets names people (the participants').
    pub fn names_people(&self) -> bool {
        self.sheets
            .iter()
            .any(|(sheet, _)| *sheet == "Participants")
    }
}
