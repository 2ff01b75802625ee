//! The blank workbook to fill in: a notes sheet explaining every column first, then a sheet per
//! kind with its headers, one example row (its first cell "e.g. ...", never imported) and a
//! drop-down list on each column that takes fixed values. Written with `rust_xlsxwriter`.

use rust_xlsxwriter::{Color, DataValidation, Format, Workbook, XlsxError};

use super::cells::in_words;
use super::choices;
use super::format::{Takes, SHEETS};

/// The notes sheet's name; a workbook's sheet of this name is never imported.
pub const NOTES: &str = "Notes";

pub use crate::reports::records::XLSX;

/// How many rows of each sheet the drop-down lists cover.
const ROWS: u32 = 50_000;

/// What a column takes, in words, for the notes.
fn takes_words(takes: Takes) -> String {
    match takes {
        Takes::Text => "Text".to_owned(),
        Takes::Own => {
            "Your reference for the row: letters, digits, - _ . or /, once in the sheet".to_owned()
        }
        Takes::Day => {
            "A day: 2026-01-15, 15/01/2026 or 15 January 2026 (day first), or a date cell"
                .to_owned()
        }
        Takes::Count => "A whole number, 0 or more".to_owned(),
        Takes::Flag => "Yes or No".to_owned(),
        Takes::Choice(e) => format!("One of: {}", words(e).join(", ")),
        Takes::Choices(e) => format!("Any of, separated by ;: {}", words(e).join(", ")),
        Takes::List => "Any number, separated by ;".to_owned(),
        Takes::Ods => "An organisation's ODS code".to_owned(),
        Takes::OdsList => "ODS codes, separated by ;".to_owned(),
        Takes::Ref(sheet) => format!("A reference from the {} sheet", sheet.name()),
        Takes::Refs(sheet) => format!("References from the {} sheet, separated by ;", sheet.name()),
    }
}

/// An enum's values in words: "Focus group", "Survey".
fn words(name: &str) -> Vec<String> {
    choices(name).iter().map(|c| in_words(c)).collect()
}

/// The template as the bytes of an XLSX file.
pub fn template() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let example = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x004c_6272));

    let notes = workbook.add_worksheet();
    notes.set_name(NOTES)?;
    notes.write_string_with_format(0, 0, "A year of history for Partnership Ledger", &bold)?;
    let about = [
        "Fill in a sheet per kind of record; leave a sheet empty if you have none of that kind.",
        "Rows refer to each other by your own references: an input row names its activity by the Activity ref you gave it.",
        "Rows whose first cell starts with e.g. are examples: they are never imported. Delete them or leave them.",
        "Days are read day first, as in the UK: 01/02/2026 is 1 February 2026. A day that could be read two ways is refused, never guessed.",
        "Check the file first: partnership-ledger import FILE --org CODE --dry-run names every problem by sheet, row and column, and records nothing.",
    ];
    for (i, line) in about.iter().enumerate() {
        notes.write_string(1 + i as u32, 0, *line)?;
    }
    let top = 2 + about.len() as u32;
    for (c, heading) in [
        "Sheet",
        "Column",
        "Must be filled",
        "Takes",
        "Example",
        "Note",
    ]
    .iter()
    .enumerate()
    {
        notes.write_string_with_format(top, c as u16, *heading, &bold)?;
    }
    let mut row = top + 1;
    for format in &SHEETS {
        for column in format.columns {
            notes.write_string(row, 0, format.name)?;
            notes.write_string(row, 1, column.name)?;
            notes.write_string(row, 2, if column.required { "Yes" } else { "No" })?;
            notes.write_string_with_format(row, 3, takes_words(column.takes), &wrap)?;
            notes.write_string(row, 4, column.example)?;
            notes.write_string_with_format(row, 5, column.note, &wrap)?;
            row += 1;
        }
    }
    for (c, width) in [16.0, 28.0, 14.0, 48.0, 28.0, 60.0].iter().enumerate() {
        notes.set_column_width(c as u16, *width)?;
    }

    for format in &SHEETS {
        let sheet = workbook.add_worksheet();
        sheet.set_name(format.name)?;
        sheet.set_freeze_panes(1, 0)?;
        for (c, column) in format.columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, column.name, &bold)?;
            sheet.set_column_width(c, (column.name.len().max(12) + 4) as f64)?;
            let value = if c == 0 {
                format!("e.g. {}", column.example)
            } else {
                column.example.to_owned()
            };
            sheet.write_string_with_format(1, c, value, &example)?;
            let listed = match column.takes {
                Takes::Choice(e) => Some(words(e)),
                Takes::Flag => Some(vec!["Yes".to_owned(), "No".to_owned()]),
                _ => None,
            };
            if let Some(listed) = listed {
                let validation = DataValidation::new()
                    .allow_list_strings(&listed)?
                    .ignore_blank(true);
                sheet.add_data_validation(1, c, ROWS, c, &validation)?;
            }
        }
    }
    workbook.save_to_buffer()
}
