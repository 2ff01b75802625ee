//! `partnership-ledger import`: the blank template written, and a file checked before anything
//! is recorded, every problem named by sheet, row and column.

use std::process::Command;

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

fn import(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"))
        .arg("import")
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

on_both!(the_template_is_written_and_imports_back_empty,);

async fn the_template_is_written_and_imports_back_empty(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("history.xlsx");
    let file = path.to_str().expect("a path");
    let (ok, out, err) = import(&["--template", file]);
    assert!(ok, "{err}");
    assert!(out.contains("wrote the import template"), "{out}");
    assert!(
        std::fs::read(&path).expect("written").starts_with(b"PK"),
        "an XLSX (zip) file"
    );
    let before = app.event_count().await;
    let (ok, out, err) = run(&app, &["import", file, "--org", "RX1"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("no problems found"), "{out}");
    assert!(out.contains("Activities: 0 rows"), "{out}");
    assert!(out.contains("recorded 0 steps"), "{out}");
    assert_eq!(
        app.event_count().await,
        before,
        "the examples are not records"
    );
}

#[test]
fn a_faulty_file_is_refused_naming_each_fault() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("input.csv");
    std::fs::write(
        &path,
        "Input ref,Activity ref,Kind,Summary,Raised by,Raised on\r\n\
         I1,A9,Remark,Letters arrive late,Patient,31/04/2025\r\n",
    )
    .expect("written");
    let file = path.to_str().expect("a path");
    let (ok, _, err) = import(&[file, "--org", "RX1", "--dry-run"]);
    assert!(!ok);
    for expected in [
        "Input, row 2, Activity ref: found \"A9\"; expected a reference from the Activities sheet",
        "Input, row 2, Kind: found \"Remark\"; expected one of: Recommendation, Concern, Idea, Experience",
        "Input, row 2, Raised on: found \"31/04/2025\"; expected 31 is not a day of April 2025",
        "3 problems found: nothing was recorded",
    ] {
        assert!(err.contains(expected), "{expected}\nin {err}");
    }
    let (ok, _, err) = import(&["--org", "RX1", "--dry-run"]);
    assert!(!ok && err.contains("FILE: name the workbook"), "{err}");
}

on_both!(a_checked_file_is_recorded_once_with_its_origin,);

/// Writes a folder of CSV files: two activities, an item decided and an action completed.
fn history(dir: &std::path::Path, title: &str) {
    std::fs::write(
        dir.join("activities.csv"),
        format!(
            "\u{feff}Activity ref,Title,Kind,Topic,Planned on,Held on,Patients,Carers\r\n\
             A1,{title},Focus group,Communication,01/05/2025,10 May 2025,9,3\r\n\
             A2,Discharge survey,survey,Discharge,2025-06-01,,,\r\n"
        ),
    )
    .expect("written");
    std::fs::write(
        dir.join("input.csv"),
        "Input ref,Activity ref,Kind,Summary,Raised by,Decision,Decided on\n\
         I1,A1,Recommendation,Letters arrive after the appointment,Patient,Accepted,20/05/2025\n",
    )
    .expect("written");
    std::fs::write(
        dir.join("actions.csv"),
        "Action ref,Title,Owner role,Decision forum,Input refs,Proposed on,Due on,Agreed on,Completed on,Outcome,Evidence\n\
         X1,Send letters three weeks ahead,Outpatients manager,Operations board,I1,2025-05-21,2025-09-30,2025-05-28,2025-09-01,Letters now arrive in time,Letters audit\n",
    )
    .expect("written");
}

/// The binary on the test service's storage and keys, as an operator runs it beside the service.
pub(crate) fn run(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    crate::helpers::run_on(&app.settings, args)
}

async fn a_checked_file_is_recorded_once_with_its_origin(backend: Backend) {
    use partnership_ledger::import::format::Sheet;
    use partnership_ledger::import::plan::record_id;
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let dir = tempfile::tempdir().expect("a folder");
    history(dir.path(), "Outpatient letters");
    let folder = dir.path().to_str().expect("a path");
    let (ok, out, err) = run(&app, &["import", folder, "--org", "RX1"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("recorded 8 steps (0 already"), "{out}");

    // As if entered at the time: the happened-dates are the sheet's, and so is the verdict.
    let auditor = app.token(Role::Auditor, &["RX1"]);
    let a1 = record_id("RX1", Sheet::Activities, "A1").to_string();
    let i1 = record_id("RX1", Sheet::InputItems, "I1").to_string();
    let found = app
        .ok(
            &auditor,
            "query($a: ID!, $i: ID!) { activity(id: $a) { title heldOn attendance { patients carers } }
               inputItem(id: $i, asOf: \"2025-12-31\") { raisedOn verdict } }",
            json!({ "a": a1, "i": i1 }),
        )
        .await;
    assert_eq!(found["activity"]["heldOn"], "2025-05-10");
    assert_eq!(found["activity"]["attendance"]["patients"], 9);
    assert_eq!(
        found["inputItem"]["raisedOn"], "2025-05-10",
        "raised the day it was held"
    );
    assert_eq!(found["inputItem"]["verdict"], "ACTED_ON");

    // Each event says which file and row it came from.
    let (ok, trail, err) = run(
        &app,
        &[
            "export",
            "audit",
            "--org",
            "RX1",
            "--from",
            "2020-01-01",
            "--to",
            "2100-01-01",
            "--format",
            "jsonl",
        ],
    );
    assert!(ok, "{err}");
    assert!(trail.contains("import.file_sha256"), "{trail}");
    assert!(trail.contains("Input row 2"), "{trail}");

    // The same file again records nothing; a changed row is refused, pointing to corrections.
    let (ok, out, err) = run(&app, &["import", folder, "--org", "RX1"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("recorded 0 steps (8 already"), "{out}");
    history(dir.path(), "Outpatient letters renamed");
    let (ok, _, err) = run(&app, &["import", folder, "--org", "RX1"]);
    assert!(!ok);
    assert!(
        err.contains("Activities, row 2") && err.contains("correction mutations"),
        "{err}"
    );
}

on_both!(rows_the_ledger_refuses_are_all_named_and_nothing_is_recorded,);

/// Rows whose cells are good but which the ledger's rules refuse: an activity held and then
/// cancelled, a partner that is not registered, an action completed before it was agreed. The
/// file is tried whole first, so all three are named and not one row, good or bad, is recorded.
async fn rows_the_ledger_refuses_are_all_named_and_nothing_is_recorded(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let dir = tempfile::tempdir().expect("a folder");
    history(dir.path(), "Outpatient letters");
    std::fs::write(
        dir.path().join("activities.csv"),
        "Activity ref,Title,Kind,Topic,Planned on,Held on,Patients,Cancelled on,Cancellation reason,Partner organisations\n\
         A1,Outpatient letters,Focus group,Communication,01/05/2025,10/05/2025,9,,,\n\
         A2,Clinic tour,Focus group,Estates,2025-07-01,2025-07-02,5,2025-07-03,Rain,\n\
         A3,Joint forum,Focus group,Access,2025-07-01,,,,,ZZ999\n",
    )
    .expect("written");
    std::fs::write(
        dir.path().join("actions.csv"),
        "Action ref,Title,Owner role,Decision forum,Input refs,Proposed on,Due on,Completed on,Outcome,Evidence\n\
         X1,Send letters three weeks ahead,Outpatients manager,Operations board,I1,2025-05-21,2025-09-30,2025-09-01,Letters now arrive in time,Letters audit\n",
    )
    .expect("written");
    let folder = dir.path().to_str().expect("a path");
    let before = app.event_count().await;
    for dry_run in [true, false] {
        let mut args = vec!["import", folder, "--org", "RX1"];
        if dry_run {
            args.push("--dry-run");
        }
        let (ok, out, err) = run(&app, &args);
        assert!(!ok, "{out}");
        for expected in [
            "Activities, row 3: found \"cancelActivity\"; expected a row the ledger takes; it said: activity was held, so it cannot be cancelled",
            "Activities, row 4: found \"planActivity\"; expected a row the ledger takes; it said: partnerOrganisations[0]: organisation not found",
            "Actions, row 2: found \"completeAction\"; expected a row the ledger takes; it said: action has not been agreed yet",
            "3 problems found: nothing was recorded",
        ] {
            assert!(err.contains(expected), "{expected}\nin {err}");
        }
    }
    assert_eq!(app.event_count().await, before, "not one row recorded");
}
