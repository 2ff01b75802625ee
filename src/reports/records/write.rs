//! Records written to a file: a workbook, or a sheet as CSV.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

use super::{tables, Details, Table, Value};
use crate::reports::sheets::SHEETS;
use crate::store::Db;

/// The tables as one workbook, a sheet each, headers bold and frozen.
pub fn xlsx(tables: &[Table]) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(&table.name)?;
        for (c, name) in table.header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, name, &bold)?;
            sheet.set_column_width(c as u16, (name.len() as f64 + 4.0).max(14.0))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    None => {}
                    Some(Value::Number(n)) => {
                        sheet.write_number(r, c, f64::from(*n))?;
                    }
                    Some(Value::Figure(f)) => {
                        sheet.write_number(r, c, *f)?;
                    }
                    Some(value) => {
                        sheet.write_string(r, c, value.text())?;
                    }
                }
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

/// One table as a CSV file, safe to open in a spreadsheet (see [`super::spreadsheet`]).
pub fn csv(table: &Table) -> anyhow::Result<String> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(&table.header)?;
    for row in &table.rows {
        out.write_record(row.iter().map(|cell| {
            let text = cell.as_ref().map(Value::text).unwrap_or_default();
            crate::reports::spreadsheet::neutralise(&text).into_owned()
        }))?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// How records are written: every sheet (or one) as a workbook, or one sheet as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordsFormat {
    Xlsx,
    Csv,
}

/// Records written to a file.
#[derive(Debug, Clone)]
pub struct RecordsFile {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// How many rows it holds, over its sheets.
    pub rows: u64,
}

/// Why records could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// What was asked for is not a file the records make; the message names the field.
    #[error("{0}")]
    Asked(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// What a file of an organisation's records is asked to hold.
pub struct Asked<'a> {
    pub organisation: &'a str,
    /// One sheet, by its name; every sheet when `None`.
    pub sheet: Option<&'a str>,
    pub format: RecordsFormat,
    /// The day the input's verdicts are given as of.
    pub as_of: NaiveDate,
}

/// The records `asked` for as a file, with the participants' `details` the reader may see.
pub async fn file(
    db: &Db,
    asked: &Asked<'_>,
    details: &Details,
) -> Result<RecordsFile, RecordsError> {
    let Asked {
        organisation,
        sheet,
        format,
        as_of,
    } = *asked;
    let names = || SHEETS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
    let wanted = match sheet.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => Some(
            crate::reports::sheets::SheetFormat::named(name).ok_or_else(|| {
                RecordsError::Asked(format!(
                    "sheet: no sheet is named {name:?}; the sheets are: {}",
                    names()
                ))
            })?,
        ),
        None if format == RecordsFormat::Csv => {
            return Err(RecordsError::Asked(format!(
                "sheet: a CSV file holds one sheet; name it: {}",
                names()
            )))
        }
        None => None,
    };
    let mut tables = tables(db, organisation, as_of, details).await?;
    if let Some(wanted) = wanted {
        tables.retain(|t| t.name == wanted.name);
    }
    let slug = wanted.map_or_else(
        || "records".to_owned(),
        |w| w.name.to_ascii_lowercase().replace(' ', "-"),
    );
    let stem = format!("{}-{slug}-{as_of}", organisation.to_ascii_lowercase());
    Ok(to_file(format, &stem, &tables)?)
}

/// `tables` as a file of `format` named `stem` and the format's extension: a workbook of them
/// all, or the first as CSV.
pub fn to_file(format: RecordsFormat, stem: &str, tables: &[Table]) -> anyhow::Result<RecordsFile> {
    let rows = tables.iter().map(|t| t.rows.len() as u64).sum();
    Ok(match format {
        RecordsFormat::Xlsx => RecordsFile {
            filename: format!("{stem}.xlsx"),
            content_type: XLSX,
            bytes: xlsx(tables)?,
            rows,
        },
        RecordsFormat::Csv => RecordsFile {
            filename: format!("{stem}.csv"),
            content_type: "text/csv; charset=utf-8",
            bytes: tables
                .first()
                .map(csv)
                .transpose()?
                .unwrap_or_default()
                .into_bytes(),
            rows,
        },
    })
}

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
