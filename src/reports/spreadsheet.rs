//! CSV files safe to open in a spreadsheet: every CSV the service writes goes through
//! [`csv_file`].
//!
//! A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
//! LibreOffice and Google Sheets as a formula, so text a person typed (a summary such as
//! `=HYPERLINK(...)`) could run when an auditor opens the file (CSV injection). As OWASP
//! advises, such a cell is written with a single quote `'` in front, which spreadsheets show as
//! text. A cell that already begins with `'` gets one too, so the rule can always be undone:
//! **a reader wanting the exact value drops one leading `'` from any cell that begins with one**
//! ([`restore`]). Verifying an audit trail CSV line against its hash means doing that first; the
//! columns the hash covers (ids, types, times, hashes, and the metadata and payload, which are
//! JSON objects) never begin with those characters, so in practice they come out as stored.
//! JSON Lines exports are never altered.

use std::borrow::Cow;

use serde::Serialize;

/// First characters that make a spreadsheet evaluate a cell (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as written to CSV: with a `'` in front when it begins with a formula character or
/// with `'` itself; otherwise unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if first == '\'' || FORMULA_STARTS.contains(&first) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Undoes [`neutralise`]: the value as stored, from a cell as written.
pub fn restore(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// `rows` as CSV under `header` (which must name the rows' fields in order), every cell
/// neutralised.
pub fn csv_file<S: Serialize>(
    header: &[&str],
    rows: impl IntoIterator<Item = S>,
) -> anyhow::Result<String> {
    // Serialise as plain CSV first (serde decides how each field becomes text and, for the
    // first row, writes the field names), then rewrite cell by cell.
    let mut plain = csv::Writer::from_writer(Vec::new());
    for row in rows {
        plain.serialize(row)?;
    }
    let plain = plain.into_inner()?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(plain.as_slice());
    let mut records = reader.records();
    if let Some(names) = records.next() {
        let names = names?;
        anyhow::ensure!(
            names.iter().eq(header.iter().copied()),
            "the CSV header {header:?} does not name the rows' fields {names:?}"
        );
    }
    for record in records {
        out.write_record(record?.iter().map(neutralise).map(|c| c.into_owned()))?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_prefixed_and_restored() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'quoted",
        ] {
            let written = neutralise(cell);
            assert_eq!(written, format!("'{cell}"));
            assert_eq!(restore(&written), cell);
        }
        for cell in [
            "Letters in plain English",
            "",
            "2026-01-05",
            "{\"a\":1}",
            "a=b",
        ] {
            assert_eq!(neutralise(cell), cell);
            assert_eq!(restore(&neutralise(cell)), cell);
        }
    }

    #[derive(Serialize)]
    struct Row {
        said: String,
        on: Option<u32>,
    }

    #[test]
    fn every_cell_of_a_file_is_neutralised_under_the_header() {
        let rows = [
            Row {
                said: "=1+1".into(),
                on: Some(3),
            },
            Row {
                said: "line one\nline two, with a comma".into(),
                on: None,
            },
        ];
        let text = csv_file(&["said", "on"], &rows).expect("csv");
        assert_eq!(
            text,
            "said,on\n'=1+1,3\n\"line one\nline two, with a comma\",\n"
        );
        assert!(csv_file(&["said"], &rows).is_err(), "header must fit");
        assert!(csv_file(&["on", "said"], &rows).is_err(), "in order");
        assert_eq!(
            csv_file(&["said", "on"], &[] as &[Row]).expect("csv"),
            "said,on\n"
        );
    }
}
