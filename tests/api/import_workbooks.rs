//! Workbooks as they are found on shared drives, imported through the command line on both
//! backends: a messy one records the right records; one with twenty faults is refused with
//! twenty precise messages and nothing recorded, whether the fault is in a cell or one only the
//! ledger's rules find.

use partnership_ledger::auth::Role;
use partnership_ledger::import::format::Sheet;
use partnership_ledger::import::plan::record_id;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::json;

use crate::helpers::{spawn_app, Backend};
use crate::import::run;
use crate::on_both;

on_both!(
    a_messy_workbook_records_what_it_means,
    a_workbook_with_twenty_faults_records_nothing,
);

/// The actions sheet's header, as both workbooks have it.
const ACTIONS_HEADER: &[&str] = &[
    "Action ref",
    "Title",
    "Owner role",
    "Decision forum",
    "Input refs",
    "Proposed on",
    "Due on",
    "Agreed on",
    "Completed on",
    "Outcome",
    "Evidence",
];

/// Writes `rows` (the header first) into a new sheet `name` from row `top`, as strings.
fn sheet(book: &mut Workbook, name: &str, top: u32, rows: &[&[&str]]) {
    let sheet = book.add_worksheet();
    sheet.set_name(name).expect("name");
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet
                .write_string(top + r as u32, c as u16, *value)
                .expect("cell");
        }
    }
}

/// Every quirk: a merged title above the header, trailing blank rows and columns, spaces round
/// values, numbers stored as text, dates written four ways (one a date cell, stored as an Excel
/// serial number), line breaks inside a cell, choices in words, hyphenated and as the API
/// writes them, an example row left in; and a board's register beside the year's engagement.
fn messy_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    sheet(
        &mut book,
        "Activities",
        1,
        &[
            &[
                "Activity ref",
                "Title",
                "Kind",
                "Topic",
                "Planned on",
                "Held on",
                "Patients",
                "Carers",
                "",
                "",
            ],
            &[
                "e.g. A0",
                "An example",
                "Focus group",
                "Example",
                "2025-01-01",
                "",
                "",
                "",
            ],
            &[
                " A1 ",
                "Outpatient letters",
                "Focus group",
                "Communication",
                "2025-05-01",
                "10/05/2025",
                " 9 ",
                "3",
            ],
            &[
                "A2",
                "Discharge survey",
                "survey",
                "Discharge",
                "1 June 2025",
                "",
                "",
                "",
            ],
            &[
                "A3",
                "Carers' panel",
                "PATIENT_PANEL",
                "Carers",
                "",
                "",
                "4",
                "",
            ],
            &["", "", "", "", "", "", "", ""],
            &["  ", "", "", "", "", "", "", ""],
        ],
    );
    {
        let activities = book.worksheet_from_name("Activities").expect("sheet");
        activities
            .merge_range(
                0,
                0,
                0,
                3,
                "Our focus groups 2025-26",
                &Format::new().set_bold(),
            )
            .expect("merged");
        // A3's planned day as a date cell: 45,809 is 1 June 2025.
        activities
            .write_number_with_format(5, 4, 45_809.0, &Format::new().set_num_format("dd/mm/yyyy"))
            .expect("date cell");
    }
    sheet(
        &mut book,
        "Input items",
        0,
        &[
            &[
                "Input ref",
                "Activity ref",
                "Kind",
                "Summary",
                "Raised by",
                "Decision",
                "Decided on",
                "Reason",
            ],
            &[
                "I1",
                "A1",
                "Recommendation",
                "Letters arrive late\r\nafter the appointment",
                "patient",
                "Accepted",
                "20/05/2025",
                "",
            ],
            &[
                "I2",
                "A1",
                "concern",
                "Nobody answers the phone",
                "Carer",
                "declined",
                "2025-05-22",
                "The line is staffed already",
            ],
            &["I3", "A3", "IDEA", "A carers' café", "Carer", "", "", ""],
        ],
    );
    sheet(
        &mut book,
        "Actions",
        0,
        &[
            ACTIONS_HEADER,
            &[
                "X1",
                "Send letters three weeks ahead",
                "Outpatients manager",
                "Operations board",
                "I1",
                "21/05/2025",
                "30 September 2025",
                "2025-05-28",
                "01/09/2025",
                "Letters now arrive in time",
                "Letters audit",
            ],
        ],
    );
    sheet(
        &mut book,
        "Boards",
        0,
        &[
            &["Board ref", "Name", "Kind", "Established on"],
            &["B1", "Quality committee", "committee", "01/04/2025"],
        ],
    );
    sheet(
        &mut book,
        "Participants",
        0,
        &[
            &[
                "Participant ref",
                "Name",
                "Registered on",
                "Board membership consent on",
            ],
            &["P1", "", "2025-03-01", "2025-03-01"],
        ],
    );
    sheet(
        &mut book,
        "Appointments",
        0,
        &[
            &[
                "Appointment ref",
                "Board ref",
                "Participant ref",
                "Role",
                "Voting",
                "Term start",
                "Term end",
            ],
            &[
                "AP1",
                "B1",
                "P1",
                "Patient member",
                "yes",
                "2025-04-01",
                "31/03/2028",
            ],
        ],
    );
    book.save_to_buffer().expect("a workbook")
}

async fn a_messy_workbook_records_what_it_means(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("history 2025-26.xlsx");
    std::fs::write(&path, messy_workbook()).expect("written");
    let file = path.to_str().expect("a path");

    let (ok, out, err) = run(&app, &["import", file, "--org", "RX1", "--dry-run"]);
    assert!(ok, "{out}\n{err}");
    for said in [
        "Activities: 3 rows to record, 0 recorded by an earlier import",
        "Input: 3 rows to record",
        "Acted on: 1",
        "Declined: 1",
        "a dry run: nothing was recorded",
    ] {
        assert!(out.contains(said), "{said}\nin {out}");
    }
    let before = app.event_count().await;
    let (ok, out, err) = run(&app, &["import", file, "--org", "RX1"]);
    assert!(ok, "{out}\n{err}");
    assert!(app.event_count().await > before, "recorded");

    let id = |sheet, reference| record_id("RX1", sheet, reference).to_string();
    let auditor = app.token(Role::Auditor, &["RX1"]);
    let found = app
        .ok(
            &auditor,
            "query($a1: ID!, $a2: ID!, $a3: ID!, $i1: ID!, $i3: ID!, $b: ID!) {
               a1: activity(id: $a1) { title kind plannedOn heldOn attendance { patients carers } }
               a2: activity(id: $a2) { kind plannedOn heldOn }
               a3: activity(id: $a3) { kind plannedOn }
               i1: inputItem(id: $i1, asOf: \"2025-12-31\") { summary kind raisedBy verdict }
               i3: inputItem(id: $i3, asOf: \"2025-12-31\") { kind verdict }
               board(id: $b) { name members(on: \"2026-01-01\") { role voting } } }",
            json!({
                "a1": id(Sheet::Activities, "A1"), "a2": id(Sheet::Activities, "A2"),
                "a3": id(Sheet::Activities, "A3"), "i1": id(Sheet::InputItems, "I1"),
                "i3": id(Sheet::InputItems, "I3"), "b": id(Sheet::Boards, "B1"),
            }),
        )
        .await;
    assert_eq!(found["a1"]["title"], "Outpatient letters");
    assert_eq!(found["a1"]["kind"], "FOCUS_GROUP");
    assert_eq!(found["a1"]["plannedOn"], "2025-05-01");
    assert_eq!(
        found["a1"]["heldOn"], "2025-05-10",
        "day first, as in the UK"
    );
    assert_eq!(
        found["a1"]["attendance"]["patients"], 9,
        "a number stored as text"
    );
    assert_eq!(found["a2"]["kind"], "SURVEY");
    assert_eq!(found["a2"]["plannedOn"], "2025-06-01");
    assert_eq!(found["a2"]["heldOn"], serde_json::Value::Null);
    assert_eq!(found["a3"]["kind"], "PATIENT_PANEL");
    assert_eq!(found["a3"]["plannedOn"], "2025-06-01", "an Excel date cell");
    assert_eq!(found["i1"]["kind"], "RECOMMENDATION");
    assert_eq!(found["i1"]["raisedBy"], "PATIENT");
    assert_eq!(found["i1"]["verdict"], "ACTED_ON");
    assert!(
        found["i1"]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Letters arrive late") && !s.contains('\r')),
        "{}",
        found["i1"]["summary"]
    );
    assert_eq!(found["i3"]["kind"], "IDEA");
    assert_eq!(found["board"]["name"], "Quality committee");
    assert_eq!(found["board"]["members"][0]["role"], "PATIENT_MEMBER");
    assert_eq!(found["board"]["members"][0]["voting"], true);

    let (ok, out, err) = run(&app, &["import", file, "--org", "RX1"]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("recorded 0 steps"),
        "the same file again: {out}"
    );
}

/// Twenty faults, each of a different kind: a sheet and a column the template has not, a
/// choice it does not offer, impossible, ambiguous, American and unreadable dates, a reference
/// used twice, left out, malformed or pointing nowhere, blank and negative and worded counts,
/// a column left out that another needs, and a flag that is neither yes nor no.
fn faulty_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    sheet(
        &mut book,
        "Activities",
        0,
        &[
            &[
                "Activity ref",
                "Title",
                "Kind",
                "Topic",
                "Planned on",
                "Held on",
                "Patients",
                "Budget",
            ],
            &[
                "A1",
                "Letters",
                "Workshop",
                "Comms",
                "31/02/2025",
                "",
                "9",
                "",
            ],
            &[
                "A1",
                "Survey",
                "Survey",
                "",
                "2025-06-01",
                "15/01/25",
                "-2",
                "",
            ],
            &[
                "",
                "Panel",
                "Patient panel",
                "Carers",
                "01/13/2025",
                "",
                "lots",
                "",
            ],
        ],
    );
    sheet(
        &mut book,
        "Input",
        0,
        &[
            &[
                "Input ref",
                "Activity ref",
                "Kind",
                "Summary",
                "Raised by",
                "Decision",
                "Decided on",
            ],
            &[
                "I1",
                "A9",
                "Remark",
                "Letters arrive late",
                "Patient",
                "",
                "",
            ],
            &[
                "I2",
                "A1",
                "Concern",
                "Too few chairs",
                "Nobody",
                "Accepted",
                "",
            ],
        ],
    );
    sheet(
        &mut book,
        "Actions",
        0,
        &[
            ACTIONS_HEADER,
            &[
                "X1",
                "More chairs",
                "Estates lead",
                "Estates group",
                "I2",
                "2025-07-05",
                "2025-08-01",
                "2025-07-06",
                "2025-07-20",
                "",
                "Invoice",
            ],
            &[
                "X 2",
                "Signage",
                "Estates lead",
                "Estates group",
                "I7",
                "2025-07-05",
                "soon",
                "",
                "",
                "",
                "",
            ],
        ],
    );
    sheet(
        &mut book,
        "Boards",
        0,
        &[
            &["Board ref", "Name", "Kind", "Established on"],
            &["B1", "Quality committee", "Committee", "2025-04-01"],
        ],
    );
    sheet(
        &mut book,
        "Seats",
        0,
        &[
            &["Board ref", "Role", "Target", "Voting", "From"],
            &["B1", "Patient member", "2", "perhaps", "2025-04-01"],
        ],
    );
    sheet(
        &mut book,
        "Minutes",
        0,
        &[&["Meeting", "Notes"], &["M1", "Fine"]],
    );
    book.save_to_buffer().expect("a workbook")
}

async fn a_workbook_with_twenty_faults_records_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("faulty.xlsx");
    std::fs::write(&path, faulty_workbook()).expect("written");
    let file = path.to_str().expect("a path");
    let before = app.event_count().await;
    let (ok, _, err) = run(&app, &["import", file, "--org", "RX1"]);
    assert!(!ok);
    let problems: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(": found \"") || l.contains(": nothing found"))
        .collect();
    let expected = [
        "Minutes, its header: found \"a sheet of this name\"; expected one of the template's sheets",
        "Activities, its header: found \"Budget\"; expected one of this sheet's columns",
        "Activities, row 2, Kind: found \"Workshop\"; expected one of:",
        "Activities, row 2, Planned on: found \"31/02/2025\"; expected 31 is not a day of February 2025",
        "Activities, row 3, Activity ref: found \"A1\"; expected a reference not used by another row",
        "Activities, row 3, Topic: nothing found; expected it to be filled in",
        "Activities, row 3, Held on: found \"15/01/25\"; expected the year must be written in full",
        "Activities, row 3, Patients: found \"-2\"; expected a whole number, 0 or more",
        "Activities, row 4, Activity ref: nothing found; expected it to be filled in",
        "Activities, row 4, Planned on: found \"01/13/2025\"; expected there is no month 13",
        "Activities, row 4, Patients: found \"lots\"; expected a whole number, 0 or more",
        "Input, row 2, Activity ref: found \"A9\"; expected a reference from the Activities sheet",
        "Input, row 2, Kind: found \"Remark\"; expected one of:",
        "Input, row 3, Raised by: found \"Nobody\"; expected one of:",
        "Input, row 3, Decided on: nothing found; expected it to be filled in, since Decision is",
        "Actions, row 2, Outcome: nothing found; expected it to be filled in, since Completed on is",
        "Actions, row 3, Action ref: found \"X 2\"; expected a reference of letters, digits",
        "Actions, row 3, Input refs: found \"I7\"; expected a reference from the Input sheet",
        "Actions, row 3, Due on: found \"soon\"; expected",
        "Seats, row 2, Voting: found \"perhaps\"; expected",
    ];
    for e in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(e)),
            "{e}\nin {problems:#?}"
        );
    }
    assert_eq!(problems.len(), 20, "each fault once: {problems:#?}");
    assert!(
        err.contains("20 problems found: nothing was recorded"),
        "{err}"
    );
    assert_eq!(app.event_count().await, before, "nothing recorded");
}
