//! `partnership-ledger import`: the blank template written, and a file checked before anything
//! is recorded, every problem named by sheet, row and column.

use std::process::Command;

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

#[test]
fn the_template_is_written_and_checks_clean() {
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
    let (ok, out, err) = import(&[file, "--org", "RX1", "--dry-run"]);
    assert!(ok, "{err}");
    assert!(out.contains("no problems found"), "{out}");
    assert!(out.contains("Activities: 0 rows"), "{out}");
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
