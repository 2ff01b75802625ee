//! Bringing a year of history in from spreadsheets: the documented format
//! ([`format`]), the blank template ([`template`]), reading workbooks and CSV files as real
//! spreadsheets hold them ([`read`], [`cells`]), and checking every row before anything is
//! recorded ([`check`]), each problem naming its sheet, row and column, what was found and
//! what was expected.

pub mod cells;
/// The spreadsheet format, shared with the exports that write it.
pub use crate::reports::sheets as format;
pub mod check;
pub mod plan;
pub mod prepare;
pub mod read;
pub mod record;
pub mod template;
#[cfg(test)]
mod tests;
pub mod trial;

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A problem with the file: where it is, what was found there and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub sheet: String,
    /// The row as the spreadsheet numbers it; none for a problem with the sheet or its header.
    pub row: Option<usize>,
    pub column: String,
    pub found: String,
    pub expected: String,
}

impl Problem {
    /// A problem with a whole sheet.
    pub fn sheet(sheet: &str, found: &str, expected: &str) -> Self {
        Self {
            sheet: sheet.to_owned(),
            row: None,
            column: String::new(),
            found: found.to_owned(),
            expected: expected.to_owned(),
        }
    }

    /// A problem with a sheet's header: a column found that the sheet has not, or one missing.
    pub fn header(sheet: &str, found: &str, expected: &str) -> Self {
        Self {
            sheet: sheet.to_owned(),
            row: None,
            column: found.to_owned(),
            found: found.to_owned(),
            expected: expected.to_owned(),
        }
    }
}

impl std::fmt::Display for Problem {
    /// "Input, row 7, Raised on: found \"31/02/2025\"; expected 31 is not a day of February 2025".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.sheet)?;
        match self.row {
            Some(row) => write!(f, ", row {row}")?,
            None => write!(f, ", its header")?,
        }
        if !self.column.is_empty() && self.row.is_some() {
            write!(f, ", {}", self.column)?;
        }
        if self.found.is_empty() {
            write!(f, ": nothing found; expected {}", self.expected)
        } else {
            write!(f, ": found \"{}\"; expected {}", self.found, self.expected)
        }
    }
}

/// The values of the API's enum `name` (as the API writes them), read from the schema itself so
/// that the import takes exactly what the API takes; the "Who took part" characteristics, which
/// the API names as fields, come from the format.
pub fn choices(name: &str) -> Vec<&'static str> {
    static ENUMS: OnceLock<BTreeMap<String, Vec<&'static str>>> = OnceLock::new();
    if name == "Characteristic" {
        return format::CHARACTERISTICS.iter().map(|(c, _)| *c).collect();
    }
    let enums = ENUMS.get_or_init(|| {
        let sdl: &'static str = Box::leak(crate::api::schema::sdl().into_boxed_str());
        let mut enums = BTreeMap::new();
        let mut lines = sdl.lines();
        while let Some(line) = lines.next() {
            let Some(rest) = line.strip_prefix("enum ") else {
                continue;
            };
            let name = rest.trim_end_matches('{').trim().to_owned();
            let values = lines
                .by_ref()
                .take_while(|l| !l.starts_with('}'))
                .map(str::trim)
                .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                .collect();
            enums.insert(name, values);
        }
        enums
    });
    enums.get(name).cloned().unwrap_or_default()
}
