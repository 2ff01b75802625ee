//! An organisation's records to take away, from the pages that list them: every sheet as a
//! workbook (which imports back), or one list (activities, input with its verdicts, actions,
//! boards, meetings...) as a workbook or CSV. Through the API's `records`, as the reader.

use axum::extract::State;
use axum::response::Response;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::reports::records::{csv, xlsx, RecordsFormat, Table, Value, XLSX};
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::QueryAnswers;
use crate::web::page::attachment;
use crate::web::signed_in::SignedIn;

#[derive(Deserialize)]
struct Found {
    records: File,
}

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
        "xlsx" | "" => "XLSX",
        "csv" => "CSV",
        _ => {
            return Err(Failure::BadForm(
                "Choose a workbook (xlsx) or CSV".to_owned(),
            ))
        }
    };
    let sheet = Some(sent.one("sheet").trim()).filter(|s| !s.is_empty());
    let found: Found = match run(
        &state,
        &who,
        operation!("records"),
        json!({ "organisation": sent.one("organisation").trim().to_ascii_uppercase(),
                "sheet": sheet, "format": format }),
    )
    .await
    {
        Err(refusal) if refusal.code == "VALIDATION" => {
            return Err(Failure::BadForm(refusal.message));
        }
        answer => answer?,
    };
    let file = found.records;
    if file.base64 {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file.content)
            .map_err(|_| Failure::Internal)?;
        Ok(attachment(&file.filename, &file.content_type, bytes))
    } else {
        Ok(attachment(&file.filename, &file.content_type, file.content))
    }
}

/// Which file a list's page was asked for (`format=csv` or `format=xlsx`), if any.
pub fn asked_format(sent: &crate::web::form::Sent) -> Option<RecordsFormat> {
    match sent.one("format") {
        "csv" => Some(RecordsFormat::Csv),
        "xlsx" => Some(RecordsFormat::Xlsx),
        _ => None,
    }
}

/// A list a page shows, as the file asked for: `name` its sheet's name, `stem` the file's name
/// without its extension, and every cell as text.
pub fn list_file(
    format: RecordsFormat,
    name: &str,
    stem: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<Response, Failure> {
    let table = Table {
        name: name.to_owned(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|cell| (!cell.is_empty()).then_some(Value::Text(cell)))
                    .collect()
            })
            .collect(),
    };
    let failed = |error: anyhow::Error| {
        tracing::error!(error = %error, "a list could not be written to a file");
        Failure::Internal
    };
    Ok(match format {
        RecordsFormat::Csv => attachment(
            &format!("{stem}.csv"),
            "text/csv; charset=utf-8",
            csv(&table).map_err(failed)?,
        ),
        RecordsFormat::Xlsx => attachment(
            &format!("{stem}.xlsx"),
            XLSX,
            xlsx(std::slice::from_ref(&table)).map_err(failed)?,
        ),
    })
}
