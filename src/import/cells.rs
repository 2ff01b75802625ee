//! Reading cells as real spreadsheets hold them: dates written four ways (day first, as in the
//! UK; an ambiguous or impossible date is refused, never guessed), numbers stored as text,
//! values in words or as the API writes them, surrounding spaces and Windows line endings.
//! Each reader answers the value or what was expected, in words, for the problem's message.

use chrono::{Datelike, Days, NaiveDate};

/// A cell as the workbook gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell the spreadsheet formatted as a date: its serial number of days.
    Date(f64),
}

impl Cell {
    /// The cell as text, trimmed, its line endings made `\n`; a whole number without `.0`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .trim()
                .to_owned(),
            Cell::Number(n) | Cell::Date(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                format!("{}", *n as i64)
            }
            Cell::Number(n) | Cell::Date(n) => n.to_string(),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text().is_empty()
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// What a day may be written as, for messages.
pub const DAY_EXPECTED: &str =
    "a day written as 2026-01-15, 15/01/2026 or 15 January 2026 (day first), or a spreadsheet date";

/// The day a spreadsheet's serial number counts to (days since 30 December 1899), for the
/// years the ledger takes.
fn serial_day(serial: f64) -> Option<NaiveDate> {
    // 1 January 1900 to 31 December 2200.
    if !(2.0..=110_575.0).contains(&serial) || serial.fract() != 0.0 {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(serial as u64))
}

/// A day from a cell.
pub fn day(cell: &Cell) -> Result<NaiveDate, String> {
    match cell {
        Cell::Date(serial) | Cell::Number(serial) => {
            serial_day(*serial).ok_or_else(|| DAY_EXPECTED.to_owned())
        }
        _ => day_text(&cell.text()),
    }
}

fn day_text(text: &str) -> Result<NaiveDate, String> {
    let expected = || DAY_EXPECTED.to_owned();
    // A serial number stored as text.
    if text.len() == 5 && text.chars().all(|c| c.is_ascii_digit()) {
        return text
            .parse::<f64>()
            .ok()
            .and_then(serial_day)
            .ok_or_else(expected);
    }
    let parts: Vec<&str> = text
        .split(|c: char| c == '-' || c == '/' || c == '.' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(expected());
    };
    let number = |p: &str| -> Option<u32> {
        (p.chars().all(|c| c.is_ascii_digit()) && p.len() <= 4)
            .then(|| p.parse().ok())
            .flatten()
    };
    let impossible = |y: i32, m: u32, d: u32| {
        if !(1..=12).contains(&m) {
            format!("there is no month {m}: write the day first, as 15/01/2026")
        } else {
            format!("{d} is not a day of {} {y}", month_name(m))
        }
    };
    let make = |y: u32, m: u32, d: u32| -> Result<NaiveDate, String> {
        let y = i32::try_from(y).map_err(|_| expected())?;
        NaiveDate::from_ymd_opt(y, m, d)
            .filter(|day| (1900..=2200).contains(&day.year()))
            .ok_or_else(|| impossible(y, m, d))
    };
    // 2026-01-15: the year first, always four digits.
    if a.len() == 4 {
        if let (Some(y), Some(m), Some(d)) = (number(a), number(b), number(c)) {
            return make(y, m, d);
        }
        return Err(expected());
    }
    // 15/01/2026 or 15 January 2026 (or 15 Jan 2026): the day first, the year in full.
    let Some(d) = number(a).filter(|_| a.len() <= 2) else {
        return Err(expected());
    };
    let Some(y) = number(c) else {
        return Err(expected());
    };
    if c.len() != 4 {
        return Err(format!(
            "the year must be written in full, as 2026: {text} could be more than one day"
        ));
    }
    let m = match number(b) {
        Some(m) => m,
        None => {
            let word = b.to_ascii_lowercase();
            let found = MONTHS
                .iter()
                .position(|name| word.len() >= 3 && name.starts_with(&word))
                .ok_or_else(expected)?;
            found as u32 + 1
        }
    };
    make(y, m, d)
}

fn month_name(m: u32) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][((m.clamp(1, 12)) - 1) as usize]
}

/// A whole number, zero or more: `9`, `9.0`, ` 9 `.
pub fn count(cell: &Cell) -> Result<u32, String> {
    let expected = || "a whole number, 0 or more".to_owned();
    let value = match cell {
        Cell::Number(n) => *n,
        _ => cell
            .text()
            .replace(',', "")
            .parse::<f64>()
            .map_err(|_| expected())?,
    };
    if value < 0.0 || value.fract() != 0.0 || value > f64::from(u32::MAX) {
        return Err(expected());
    }
    Ok(value as u32)
}

/// Yes or no.
pub fn flag(cell: &Cell) -> Result<bool, String> {
    match cell.text().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        _ => Err("Yes or No".to_owned()),
    }
}

/// A value written in words or as the API writes it ("Focus group", "focus-group",
/// "FOCUS_GROUP"), as the API writes it, if it is one of `choices` (the API's names).
pub fn choice(text: &str, choices: &[&str]) -> Result<String, String> {
    let name: String = text
        .trim()
        .split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect::<Vec<_>>()
        .join("_");
    choices
        .iter()
        .find(|c| **c == name)
        .map(|c| (*c).to_owned())
        .ok_or_else(|| {
            let words: Vec<String> = choices.iter().map(|c| in_words(c)).collect();
            format!("one of: {}", words.join(", "))
        })
}

pub use crate::reports::sheets::in_words;

/// The pieces of a `;`-separated cell, trimmed, blanks left out.
pub fn list(cell: &Cell) -> Vec<String> {
    cell.text()
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Cell {
        Cell::Text(t.to_owned())
    }

    fn on(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a day")
    }

    #[test]
    fn days_are_read_four_ways_day_first() {
        for written in [
            "2026-01-15",
            "15/01/2026",
            "15/1/2026",
            " 15-01-2026 ",
            "15 January 2026",
            "15 jan 2026",
            "15.01.2026",
        ] {
            assert_eq!(day(&text(written)), Ok(on(2026, 1, 15)), "{written}");
        }
        assert_eq!(
            day(&Cell::Date(46037.0)),
            Ok(on(2026, 1, 15)),
            "a spreadsheet date"
        );
        assert_eq!(day(&Cell::Number(46037.0)), Ok(on(2026, 1, 15)));
        assert_eq!(
            day(&text("46037")),
            Ok(on(2026, 1, 15)),
            "a serial stored as text"
        );
        assert_eq!(
            day(&text("01/02/2026")),
            Ok(on(2026, 2, 1)),
            "day first, as in the UK"
        );
    }

    #[test]
    fn an_ambiguous_or_impossible_day_is_refused_not_guessed() {
        let refused = |t: &str| day(&text(t)).expect_err(t);
        assert!(refused("01/15/2026").contains("there is no month 15"));
        assert!(refused("31/02/2026").contains("31 is not a day of February 2026"));
        assert!(refused("15/01/26").contains("the year must be written in full"));
        assert!(refused("2026-13-01").contains("there is no month 13"));
        assert_eq!(refused("next Tuesday"), DAY_EXPECTED);
        assert_eq!(refused("15 Smarch 2026"), DAY_EXPECTED);
        assert_eq!(refused(""), DAY_EXPECTED);
        assert!(
            day(&Cell::Date(46037.5)).is_err(),
            "a time of day is not a day"
        );
    }

    #[test]
    fn numbers_flags_and_choices_are_read_as_written() {
        assert_eq!(count(&text(" 9 ")), Ok(9));
        assert_eq!(count(&text("9.0")), Ok(9));
        assert_eq!(count(&Cell::Number(12.0)), Ok(12));
        assert_eq!(count(&text("1,200")), Ok(1200));
        assert!(
            count(&text("-1")).is_err()
                && count(&text("2.5")).is_err()
                && count(&text("some")).is_err()
        );
        assert_eq!(flag(&text("Yes")), Ok(true));
        assert_eq!(flag(&text("n")), Ok(false));
        assert!(flag(&text("maybe")).is_err());
        let kinds = ["FOCUS_GROUP", "SURVEY", "OTHER"];
        for written in [
            "Focus group",
            "focus-group",
            "FOCUS_GROUP",
            " focus  group ",
        ] {
            assert_eq!(
                choice(written, &kinds),
                Ok("FOCUS_GROUP".to_owned()),
                "{written}"
            );
        }
        assert_eq!(
            choice("Workshop", &kinds),
            Err("one of: Focus group, Survey, Other".to_owned())
        );
        assert_eq!(list(&text(" Access ; ;Letters")), vec!["Access", "Letters"]);
        assert_eq!(text("a\r\nb ").text(), "a\nb");
        assert_eq!(Cell::Number(3.0).text(), "3");
    }
}
