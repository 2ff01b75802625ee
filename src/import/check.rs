//! Checking every row of a file before anything is recorded: each cell against what its column
//! takes, references to rows of other sheets, references used once, and the columns one needs
//! with another. Every problem is found in one pass, so a person fixes the file once.

use std::collections::{BTreeMap, BTreeSet};

use super::cells::{self, Cell};
use super::choices;
use super::format::{Sheet, Takes};
use super::read::{Row, Table};
use super::Problem;

/// Columns that must be filled when another is: (sheet, filled, needs).
const NEEDED_WITH: [(Sheet, &str, &str); 9] = [
    (Sheet::Activities, "Cancelled on", "Cancellation reason"),
    (Sheet::InputItems, "Decision", "Decided on"),
    (Sheet::Actions, "Completed on", "Outcome"),
    (Sheet::Actions, "Completed on", "Evidence"),
    (Sheet::Actions, "Abandoned on", "Abandon reason"),
    (Sheet::Appointments, "Renewed on", "Renewed to"),
    (Sheet::Appointments, "Renewed to", "Renewed on"),
    (Sheet::Appointments, "Ended on", "End reason"),
    (Sheet::Meetings, "Held on", "Quorate"),
];

/// What a file holds, checked: the rows of each sheet and the problems found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Each sheet's rows that will be recorded.
    pub rows: BTreeMap<Sheet, usize>,
    pub problems: Vec<Problem>,
}

/// A reference of the spreadsheet's own: letters, digits, `-`, `_`, `.` or `/`.
fn is_reference(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

/// Checks `tables` as a whole.
pub fn check(tables: &[Table]) -> Checked {
    let mut checked = Checked::default();
    // Each sheet's own references, first, so rows may refer to any of them.
    let mut own: BTreeMap<Sheet, BTreeSet<String>> = BTreeMap::new();
    for table in tables {
        let Some(column) = table.format.columns.iter().find(|c| c.takes == Takes::Own) else {
            continue;
        };
        let seen = own.entry(table.format.sheet).or_default();
        for row in &table.rows {
            let text = table.cell(row, column.name).text();
            if is_reference(&text) && !seen.insert(text.clone()) {
                checked.problems.push(problem(
                    table,
                    row,
                    column.name,
                    &text,
                    "a reference not used by another row of this sheet",
                ));
            }
        }
    }
    for table in tables {
        *checked.rows.entry(table.format.sheet).or_default() += table.rows.len();
        for row in &table.rows {
            for column in table.format.columns {
                let cell = table.cell(row, column.name);
                if cell.is_blank() {
                    if column.required {
                        checked.problems.push(problem(
                            table,
                            row,
                            column.name,
                            "",
                            "it to be filled in",
                        ));
                    }
                    continue;
                }
                if let Err(expected) = value(cell, column.takes, &own) {
                    checked.problems.push(problem(
                        table,
                        row,
                        column.name,
                        &cell.text(),
                        &expected,
                    ));
                }
            }
            for (sheet, filled, needs) in NEEDED_WITH {
                if sheet == table.format.sheet
                    && !table.cell(row, filled).is_blank()
                    && table.cell(row, needs).is_blank()
                {
                    let expected = format!("it to be filled in, since {filled} is");
                    checked
                        .problems
                        .push(problem(table, row, needs, "", &expected));
                }
            }
            if table.format.sheet == Sheet::Feedback {
                let given = ["Input ref", "Activity ref"].map(|c| !table.cell(row, c).is_blank());
                if given[0] == given[1] {
                    let found = if given[0] { "both" } else { "" };
                    checked.problems.push(problem(
                        table,
                        row,
                        "Input ref",
                        found,
                        "an Input ref or an Activity ref, one of the two",
                    ));
                }
            }
        }
    }
    checked.problems.sort();
    checked
}

fn problem(table: &Table, row: &Row, column: &str, found: &str, expected: &str) -> Problem {
    Problem {
        sheet: table.format.name.to_owned(),
        row: Some(row.number),
        column: column.to_owned(),
        found: found.to_owned(),
        expected: expected.to_owned(),
    }
}

/// Whether `cell` holds what `takes` asks for; if not, what was expected.
fn value(cell: &Cell, takes: Takes, own: &BTreeMap<Sheet, BTreeSet<String>>) -> Result<(), String> {
    let refers = |sheet: Sheet, text: &str| -> Result<(), String> {
        if own.get(&sheet).is_some_and(|refs| refs.contains(text)) {
            Ok(())
        } else {
            Err(format!("a reference from the {} sheet", sheet.name()))
        }
    };
    let ods = |text: &str| -> Result<(), String> {
        crate::domain::common::OdsCode::parse("ods", text)
            .map(|_| ())
            .map_err(|_| "an ODS code: 3 to 10 letters and digits, as RX1 or QMJ".to_owned())
    };
    let text = cell.text();
    match takes {
        Takes::Text => Ok(()),
        Takes::Own => is_reference(&text).then_some(()).ok_or_else(|| {
            "a reference of letters, digits, - _ . or /, at most 64 characters".to_owned()
        }),
        Takes::Day => cells::day(cell).map(|_| ()),
        Takes::Count => cells::count(cell).map(|_| ()),
        Takes::Flag => cells::flag(cell).map(|_| ()),
        Takes::Choice(e) => cells::choice(&text, &choices(e)).map(|_| ()),
        Takes::Choices(e) => cells::list(cell).iter().try_for_each(|v| {
            cells::choice(v, &choices(e))
                .map(|_| ())
                .map_err(|expected| format!("each to be {expected} (\"{v}\" is not)"))
        }),
        Takes::List => Ok(()),
        Takes::Ods => ods(&text),
        Takes::OdsList => cells::list(cell).iter().try_for_each(|v| ods(v)),
        Takes::Ref(sheet) => refers(sheet, &text),
        Takes::Refs(sheet) => cells::list(cell).iter().try_for_each(|v| refers(sheet, v)),
    }
}
