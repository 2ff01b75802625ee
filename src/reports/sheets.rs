//! The spreadsheet format for a year of history: a sheet per kind of record, each column with
//! what it takes, whether it must be filled, an example and a note. The template, its notes
//! sheet, the reader and the README's "Importing your history" all come from this one list.
//!
//! Rows refer to each other by references of the spreadsheet's own (an `Activity ref` column
//! on the input sheet names a row of the activities sheet), never by the ledger's ids.

/// What a column takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// Free text, as written.
    Text,
    /// A reference of the spreadsheet's own for this sheet's row: letters, digits, `-`, `_`,
    /// `.` or `/`, unique within the sheet.
    Own,
    /// A day: `2026-01-15`, `15/01/2026`, `15 January 2026` or a spreadsheet date.
    Day,
    /// A whole number, zero or more.
    Count,
    /// Yes or no.
    Flag,
    /// One of the values of the API's enum of this name, in words or as written in the API.
    Choice(&'static str),
    /// Any number of the enum's values, separated by `;`.
    Choices(&'static str),
    /// Any number of pieces of text, separated by `;`.
    List,
    /// An organisation's ODS code.
    Ods,
    /// Any number of ODS codes, separated by `;`.
    OdsList,
    /// A reference to a row of another sheet.
    Ref(Sheet),
    /// Any number of references to rows of another sheet, separated by `;`.
    Refs(Sheet),
}

/// A column of a sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub takes: Takes,
    pub required: bool,
    pub example: &'static str,
    pub note: &'static str,
}

/// The kinds of record, a sheet each, in the order they are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sheet {
    Themes,
    Activities,
    WhoTookPart,
    InputItems,
    Actions,
    Progress,
    Feedback,
    Boards,
    Seats,
    Participants,
    Appointments,
    Meetings,
    Decisions,
}

/// A sheet: its name in the workbook (and, for CSV, the file's name), what one row is, and
/// its columns.
#[derive(Debug, Clone, Copy)]
pub struct SheetFormat {
    pub sheet: Sheet,
    pub name: &'static str,
    pub row_is: &'static str,
    pub columns: &'static [Column],
}

const fn col(
    name: &'static str,
    takes: Takes,
    required: bool,
    example: &'static str,
    note: &'static str,
) -> Column {
    Column {
        name,
        takes,
        required,
        example,
        note,
    }
}

mod boards;
mod engagement;

#[cfg(test)]
use Takes::{Own, Ref, Refs};

/// Every sheet, in the order its rows are recorded (a row refers only to sheets before it).
pub const SHEETS: [SheetFormat; 13] = [
    engagement::THEMES,
    engagement::ACTIVITIES,
    engagement::WHO_TOOK_PART,
    engagement::INPUT_ITEMS,
    engagement::ACTIONS,
    engagement::PROGRESS,
    engagement::FEEDBACK,
    boards::BOARDS,
    boards::SEATS,
    boards::PARTICIPANTS,
    boards::APPOINTMENTS,
    boards::MEETINGS,
    boards::DECISIONS,
];

/// The characteristics the "Who took part" sheet counts by, as the API's demographics name them.
pub const CHARACTERISTICS: [(&str, &str); 5] = [
    ("AGE_BAND", "ageBand"),
    ("SEX", "sex"),
    ("ETHNIC_GROUP", "ethnicGroup"),
    ("DEPRIVATION_QUINTILE", "deprivationQuintile"),
    ("DISABILITY", "disability"),
];

impl Sheet {
    pub fn format(self) -> &'static SheetFormat {
        SHEETS
            .iter()
            .find(|s| s.sheet == self)
            .unwrap_or(&SHEETS[0])
    }

    pub fn name(self) -> &'static str {
        self.format().name
    }

    /// Who keeps its records: engagement officers, board secretaries, or (participants) either.
    pub fn kept_by(self) -> KeptBy {
        match self {
            Self::Participants => KeptBy::Either,
            Self::Boards | Self::Seats | Self::Appointments | Self::Meetings | Self::Decisions => {
                KeptBy::Secretaries
            }
            _ => KeptBy::Officers,
        }
    }
}

/// Who keeps a sheet's records, and so may import them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptBy {
    Officers,
    Secretaries,
    Either,
}

/// A name as it is compared: its letters and digits, lower-case.
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Columns an export adds to a sheet, which an import passes over: the input's verdicts.
pub const EXPORTED_ONLY: [(Sheet, &str); 2] = [
    (Sheet::InputItems, "Verdict"),
    (Sheet::InputItems, "Verdict as of"),
];

impl SheetFormat {
    /// Whether `name` is a column an export adds to this sheet.
    pub fn exported_only(&self, name: &str) -> bool {
        EXPORTED_ONLY
            .iter()
            .any(|(sheet, column)| *sheet == self.sheet && key(column) == key(name))
    }

    /// The sheet of this name (or CSV file stem), matched without regard to case, spaces,
    /// `-` or `_`: "Input", "input-items" and "INPUT_ITEMS" are all the input sheet.
    pub fn named(name: &str) -> Option<&'static SheetFormat> {
        // "Activities" and "Activity", "Input" and "Input items", are the same sheet.
        let singular = |s: &str| -> String {
            let k = key(s);
            let k = k.strip_suffix("items").unwrap_or(&k).to_owned();
            if let Some(stem) = k.strip_suffix("ies") {
                format!("{stem}y")
            } else {
                k.strip_suffix('s').unwrap_or(&k).to_owned()
            }
        };
        let wanted = singular(name);
        SHEETS.iter().find(|s| singular(s.name) == wanted)
    }

    /// The column of this name, matched without regard to case, spaces or punctuation.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        let wanted = key(name);
        self.columns.iter().find(|c| key(c.name) == wanted)
    }
}

/// An API name in words, as the sheets write it: `FOCUS_GROUP` as "Focus group".
/// An enum value in words, from the name the API gives it: `FOCUS_GROUP` as "Focus group".
pub fn value_in_words(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => in_words(&name),
        _ => String::new(),
    }
}

pub fn in_words(name: &str) -> String {
    /// Words written in capitals wherever they stand.
    const ACRONYMS: [&str; 5] = ["gp", "icb", "ics", "nhs", "vcse"];
    let words: Vec<String> = name
        .to_ascii_lowercase()
        .split('_')
        .map(|w| match ACRONYMS.contains(&w) {
            true => w.to_ascii_uppercase(),
            false => w.to_owned(),
        })
        .collect();
    super::annual::capitalise(&words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sheet_refers_only_to_sheets_before_it_and_has_one_own_reference_at_most() {
        for (i, format) in SHEETS.iter().enumerate() {
            assert_eq!(format.sheet as usize, i, "{} is in its place", format.name);
            let own = format.columns.iter().filter(|c| c.takes == Own).count();
            assert!(own <= 1, "{}", format.name);
            for c in format.columns {
                if let Ref(to) | Refs(to) = c.takes {
                    assert!(
                        to < format.sheet,
                        "{}: {} refers forward",
                        format.name,
                        c.name
                    );
                }
                assert!(
                    !c.example.is_empty() || !c.required,
                    "{}: {} needs an example",
                    format.name,
                    c.name
                );
            }
        }
    }

    #[test]
    fn sheets_and_columns_are_found_however_they_are_written() {
        assert_eq!(
            SheetFormat::named("input-items").map(|s| s.sheet),
            Some(Sheet::InputItems)
        );
        assert_eq!(
            SheetFormat::named("INPUT").map(|s| s.sheet),
            Some(Sheet::InputItems)
        );
        assert_eq!(
            SheetFormat::named("who_took_part").map(|s| s.sheet),
            Some(Sheet::WhoTookPart)
        );
        assert_eq!(
            SheetFormat::named("Activity").map(|s| s.sheet),
            Some(Sheet::Activities)
        );
        assert!(SheetFormat::named("Budget").is_none());
        let activities = Sheet::Activities.format();
        assert_eq!(
            activities.column(" planned ON ").map(|c| c.name),
            Some("Planned on")
        );
        assert!(activities.column("Planned").is_none());
    }
}
