//! The annual-report involvement section: from the command line, and over GraphQL.

use std::process::Command;

use partnership_ledger::auth::Role;
use serde_json::json;

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

const ANNUAL: &str = "query($org: String!, $year: Int!, $examples: [ID!]) {
    annualReport(organisation: $org, year: $year, examples: $examples) {
    organisation name year { from to } covered { from to }
    figures { key label count of records { kind id } } markdown html } }";

async fn who_may_read_the_report_and_bad_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    a_year_of_a_board(&app).await;
    app.register("RAL", "Royal Free").await;
    let vars = json!({ "org": "QMJ", "year": 2025 });
    for role in [Role::EngagementOfficer, Role::BoardSecretary, Role::Auditor] {
        let token = app.token(role, &["QMJ"]);
        let report = &app.ok(&token, ANNUAL, vars.clone()).await["annualReport"];
        assert_eq!(
            report["year"],
            json!({ "from": "2025-04-01", "to": "2026-03-31" })
        );
        assert_eq!(report["covered"], report["year"], "2025/26 is over");
    }
    let outsider = app.token(Role::Auditor, &["RAL"]);
    let (code, _) = app.err(&outsider, ANNUAL, vars.clone()).await;
    assert_eq!(code, "NOT_FOUND", "another organisation's auditor");

    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let (code, message) = app
        .err(
            &officer,
            ANNUAL,
            json!({ "org": "QMJ", "year": 2025, "examples": ["not-an-id"] }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("VALIDATION", "examples: is not a valid id")
    );
    let stranger = uuid::Uuid::new_v4();
    let (code, message) = app
        .err(
            &officer,
            ANNUAL,
            json!({ "org": "QMJ", "year": 2025, "examples": [stranger] }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(
        message,
        format!("examples: {stranger} is not an action of this organisation")
    );
    let (code, message) = app
        .err(&officer, ANNUAL, json!({ "org": "QMJ", "year": 3000 }))
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("VALIDATION", "year: must be between 2000 and 2100")
    );

    // The year under way runs to today, and says so.
    let report = &app
        .ok(&officer, ANNUAL, json!({ "org": "QMJ", "year": 2026 }))
        .await["annualReport"];
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(
        report["covered"],
        json!({ "from": "2026-04-01", "to": today })
    );
    assert!(report["markdown"]
        .as_str()
        .expect("markdown")
        .contains("the year is not over"));
}

on_both!(
    report_from_the_command_line,
    who_may_read_the_report_and_bad_requests
);
