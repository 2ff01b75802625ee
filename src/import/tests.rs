//! Reading and checking files as people make them: the template, a messy workbook with every
//! quirk of a real one, and a file with many faults, each named once.

use rust_xlsxwriter::{Format, Workbook};

use super::cells::Cell;
use super::check::check;
use super::format::Sheet;
use super::read::{csv_grid, sheets_to_tables, xlsx_sheets, RawSheet};
use super::template::template;
use super::{choices, Problem};

fn read_xlsx(bytes: &[u8]) -> (Vec<super::read::Table>, Vec<Problem>) {
    let mut problems = Vec::new();
    let sheets = xlsx_sheets(bytes).expect("a workbook");
    let tables = sheets_to_tables(sheets, &mut problems);
    (tables, problems)
}

#[test]
fn the_template_is_a_workbook_that_reads_back_empty() {
    let bytes = template().expect("the template");
    let sheets = xlsx_sheets(&bytes).expect("the template opens as a workbook");
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[0], "Notes", "the notes come first");
    assert!(names.contains(&"Activities") && names.contains(&"Decisions"));
    let notes = &sheets[0].grid;
    assert!(
        notes
            .iter()
            .any(|row| row.iter().any(|c| c.text() == "Raised on")),
        "the notes explain every column"
    );
    let (tables, problems) = read_xlsx(&bytes);
    assert_eq!(problems, Vec::new());
    assert_eq!(tables.len(), 13, "a sheet per kind");
    assert!(
        tables.iter().all(|t| t.rows.is_empty()),
        "the example rows are never imported"
    );
    assert!(check(&tables).problems.is_empty());
}

/// A workbook as one is found in a shared drive: a merged group label above the header, the
/// header not in the first column, trailing blank rows and columns, spaces round values,
/// numbers stored as text, dates four ways, values in words and as the API writes them.
fn messy() -> Vec<u8> {
    let mut book = Workbook::new();
    let activities = book.add_worksheet();
    activities.set_name("activities").expect("name");
    let bold = Format::new().set_bold();
    activities
        .merge_range(0, 1, 0, 4, "Our focus groups 2025-26", &bold)
        .expect("merged");
    let header = [
        "Activity ref",
        "Title",
        "Kind",
        "Topic",
        "Planned on",
        "Held on",
        "Patients",
        "",
    ];
    for (c, h) in header.iter().enumerate() {
        activities
            .write_string(1, 1 + c as u16, *h)
            .expect("header");
    }
    let rows: [[&str; 7]; 3] = [
        [
            " A1 ",
            "Outpatient letters",
            "Focus group",
            "Communication",
            "2025-05-01",
            "10/05/2025",
            " 9 ",
        ],
        [
            "A2",
            "Discharge survey",
            "survey",
            "Discharge",
            "1 June 2025",
            "",
            "",
        ],
        [
            "A3",
            "Carers' panel",
            "PATIENT_PANEL",
            "Carers",
            "",
            "",
            "4",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            activities
                .write_string(2 + r as u32, 1 + c as u16, *v)
                .expect("cell");
        }
    }
    // A date cell and a number cell, as a spreadsheet stores them.
    let date = Format::new().set_num_format("dd/mm/yyyy");
    activities
        .write_number_with_format(4, 5, 45_809.0, &date)
        .expect("a date cell");
    activities.write_number(4, 7, 4.0).expect("a number");
    activities.write_string(9, 1, "   ").expect("a blank row");
    let input = book.add_worksheet();
    input.set_name("Input items").expect("name");
    for (c, h) in [
        "Input ref",
        "Activity ref",
        "Kind",
        "Summary",
        "Raised by",
        "Decision",
        "Decided on",
    ]
    .iter()
    .enumerate()
    {
        input.write_string(0, c as u16, *h).expect("header");
    }
    for (c, v) in [
        "I1",
        "A1",
        "Recommendation",
        "Letters arrive late\r\nafter the date",
        "patient",
        "Accepted",
        "20/05/2025",
    ]
    .iter()
    .enumerate()
    {
        input.write_string(1, c as u16, *v).expect("cell");
    }
    book.save_to_buffer().expect("a workbook")
}

#[test]
fn a_messy_workbook_reads_as_meant() {
    let (tables, problems) = read_xlsx(&messy());
    assert_eq!(problems, Vec::new());
    let checked = check(&tables);
    assert_eq!(checked.problems, Vec::new());
    assert_eq!(checked.rows.get(&Sheet::Activities), Some(&3));
    assert_eq!(checked.rows.get(&Sheet::InputItems), Some(&1));
    let activities = &tables[0];
    let a3 = &activities.rows[2];
    assert_eq!(a3.number, 5, "numbered as the spreadsheet shows it");
    assert_eq!(activities.cell(a3, "Planned on"), &Cell::Date(45_809.0));
    assert_eq!(activities.cell(a3, "Patients").text(), "4");
    assert_eq!(
        activities.cell(&activities.rows[0], "Activity ref").text(),
        "A1"
    );
}

#[test]
fn every_fault_is_named_with_its_sheet_row_and_column() {
    let csv = "\u{feff}Activity ref,Title,Kind,Topic,Planned on,Held on,Patients,Budget\r\n\
               A1,Letters,Workshop,Comms,31/02/2025,,9,\r\n\
               A1,Survey,Survey,,2025-06-01,15/01/25,-2,\r\n\
               ,Panel,Patient panel,Carers,01/13/2025,,lots,\r\n";
    let mut problems = Vec::new();
    let grid = csv_grid(csv.as_bytes()).expect("CSV");
    let sheet = RawSheet {
        name: "Activities".into(),
        grid,
        first_row: 1,
    };
    let tables = sheets_to_tables(vec![sheet], &mut problems);
    problems.extend(check(&tables).problems);
    let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let expected = [
        "Activities, its header: found \"Budget\"; expected one of this sheet's columns",
        "Activities, row 2, Kind: found \"Workshop\"; expected one of: Focus group",
        "Activities, row 2, Planned on: found \"31/02/2025\"; expected 31 is not a day of February 2025",
        "Activities, row 3, Activity ref: found \"A1\"; expected a reference not used by another row",
        "Activities, row 3, Topic: nothing found; expected it to be filled in",
        "Activities, row 3, Held on: found \"15/01/25\"; expected the year must be written in full",
        "Activities, row 3, Patients: found \"-2\"; expected a whole number, 0 or more",
        "Activities, row 4, Activity ref: nothing found; expected it to be filled in",
        "Activities, row 4, Planned on: found \"01/13/2025\"; expected there is no month 13",
        "Activities, row 4, Patients: found \"lots\"; expected a whole number, 0 or more",
    ];
    for e in expected {
        assert!(said.iter().any(|s| s.starts_with(e)), "{e}\nin {said:#?}");
    }
    assert_eq!(said.len(), expected.len(), "each fault once: {said:#?}");
}

#[test]
fn choices_come_from_the_schema() {
    assert!(choices("ActivityKind").contains(&"FOCUS_GROUP"));
    assert!(choices("SeatRole").contains(&"PATIENT_MEMBER"));
    assert_eq!(choices("Characteristic").len(), 5);
    for format in &super::format::SHEETS {
        for column in format.columns {
            if let super::format::Takes::Choice(e) | super::format::Takes::Choices(e) = column.takes
            {
                assert!(!choices(e).is_empty(), "{e} is an enum of the schema");
            }
        }
    }
}

#[test]
fn a_problem_names_its_sheet_row_and_column() {
    let problem = Problem {
        sheet: "Input".into(),
        row: Some(7),
        column: "Raised on".into(),
        found: "31/02/2025".into(),
        expected: "31 is not a day of February 2025".into(),
    };
    assert_eq!(
        problem.to_string(),
        "Input, row 7, Raised on: found \"31/02/2025\"; expected 31 is not a day of February 2025"
    );
}

#[test]
fn a_checked_file_plans_the_mutations_that_record_it_the_same_every_time() {
    use super::plan::{plan, record_id};
    let (tables, _) = read_xlsx(&messy());
    let steps = plan(&tables, "rx1");
    let fields: Vec<&str> = steps.iter().map(|s| s.field).collect();
    assert_eq!(
        fields,
        [
            "planActivity",
            "recordActivityHeld",
            "planActivity",
            "planActivity",
            "recordInputItem",
            "decideInputItem"
        ]
    );
    let a1 = record_id("RX1", Sheet::Activities, "A1");
    assert_eq!(
        steps[0].id,
        Some(a1),
        "the record's id comes from its reference"
    );
    assert_eq!(steps[0].input["kind"], "FOCUS_GROUP");
    assert_eq!(steps[0].input["leadOrganisation"], "RX1");
    assert_eq!(steps[1].input["activityId"], a1.to_string());
    assert_eq!(steps[1].input["heldOn"], "2025-05-10");
    assert_eq!(steps[1].input["attendance"]["patients"], 9);
    assert_eq!(
        steps[3].input["plannedOn"], "2025-06-01",
        "from a date cell"
    );
    let item = &steps[4];
    assert_eq!(item.row, 2);
    assert_eq!(item.input["activityId"], a1.to_string());
    assert_eq!(
        item.input["raisedOn"], "2025-05-10",
        "raised the day it was held"
    );
    assert_eq!(item.input["summary"], "Letters arrive late\nafter the date");
    assert_eq!(item.input["raisedBy"], "PATIENT");
    assert_eq!(steps[5].input["decidedOn"], "2025-05-20");
    let keys: std::collections::BTreeSet<&str> =
        steps.iter().map(|s| s.idempotency_key.as_str()).collect();
    assert_eq!(keys.len(), steps.len(), "a key a step");
    assert_eq!(
        plan(&tables, "RX1"),
        steps,
        "the same file plans the same steps"
    );
    assert_ne!(
        record_id("RX2", Sheet::Activities, "A1"),
        a1,
        "another organisation's"
    );
}
