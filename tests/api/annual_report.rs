//! The annual-report involvement section: from the command line, and over GraphQL.

use std::process::Command;

use crate::boards::a_year_of_a_board;
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

/// Runs `partnership-ledger report annual` against the test service's storage.
fn report_cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args(["report", "annual"])
        .args(args)
        .env("PL_DATA_DIR", &app.settings.data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = &app.settings.database_url {
        command.env("DATABASE_URL", url.expose());
    }
    command.output().expect("run the report command")
}

async fn report_from_the_command_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let year = a_year_of_a_board(&app).await;
    let out_dir = tempfile::tempdir().expect("output directory");
    let path = out_dir.path().join("involvement.html");
    let output = report_cli(
        &app,
        &[
            "--org",
            "qmj",
            "--year",
            "2025",
            "--format",
            "html",
            "--output",
            path.to_str().expect("path"),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = std::fs::read_to_string(&path).expect("report written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(
        "<h1>Working with people and communities: North Central Trust (QMJ), 2025/26</h1>"
    ));
    // The board as it stood on 31 March 2026: three patient and lay seats, all filled.
    assert!(html.contains("<td>Quality Committee</td>"), "{html}");
    assert!(html.contains("<strong>3 of 3 (100.0%)</strong>"), "{html}");
    assert!(
        html.contains(&format!("seat (appointment) {}", year.alice)),
        "the seat figure opens to the appointments holding the seats"
    );
    for name in ["Alice A", "Bob B", "Carol C", "Dan D"] {
        assert!(!html.contains(name), "{name} appears in the report");
    }

    // Markdown to standard output, nothing else on it.
    let output = report_cli(&app, &["--org", "QMJ", "--year", "2025"]);
    assert!(output.status.success());
    let markdown = String::from_utf8(output.stdout).expect("utf-8");
    assert!(markdown.starts_with("# Working with people and communities"));
    assert!(markdown.contains("\n## Sources\n"));

    // Bad input: a clear message and a failing exit status, nothing written.
    let missing = out_dir.path().join("none.md");
    let output = report_cli(
        &app,
        &[
            "--org",
            "ZZZ",
            "--year",
            "2025",
            "--output",
            missing.to_str().expect("path"),
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--org: no organisation has the ODS code ZZZ"),
        "{stderr}"
    );
    assert!(!missing.exists());
    let output = report_cli(&app, &["--org", "QMJ", "--year", "1066"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("year: must be between 2000 and 2100"));
}

on_both!(report_from_the_command_line);
