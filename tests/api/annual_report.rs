//! The annual-report involvement section: from the command line, and over GraphQL.

use std::process::Command;

use chrono::Datelike;
use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::boards::a_year_of_a_board;
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;
use crate::prepared_year::{prepare, ICB, PARTICIPANT_EMAILS, PARTICIPANT_NAMES};

/// Runs `partnership-ledger report annual` against the test service's storage.
fn report_cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args(["report", "annual"])
        .args(args)
        .env("PL_DATA_DIR", &app.settings.data_dir)
        .env("RUST_LOG", "warn");
    crate::helpers::storage_env(&mut command, &app.settings);
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
    assert!(
        html.contains("<span class=\"nhsuk-table__heading\" aria-hidden=\"true\">Board </span>Quality Committee</td>"),
        "{html}"
    );
    assert!(html.contains("<strong>3 of 3 (100.0%)</strong>"), "{html}");
    assert!(
        html.contains(&format!(
            "<li>Patient member seat on Quality Committee: seat (appointment) <span class=\"ref\">{}</span></li>",
            year.alice
        )),
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

    // The year under way (counted from today, so the test holds on any day) runs to today,
    // and says so.
    let today = chrono::Utc::now().date_naive();
    let under_way = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    let report = &app
        .ok(&officer, ANNUAL, json!({ "org": "QMJ", "year": under_way }))
        .await["annualReport"];
    assert_eq!(
        report["covered"],
        json!({ "from": format!("{under_way}-04-01"), "to": today.to_string() })
    );
    assert!(report["markdown"]
        .as_str()
        .expect("markdown")
        .contains("the year is not over"));
}

/// A figure of the report: its count, its total, and the ids it opens to (sorted).
fn figure(report: &Value, key: &str) -> (u64, Option<u64>, Vec<String>) {
    let f = report["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no figure {key}: {report}"));
    let mut ids: Vec<String> = f["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort_unstable();
    (f["count"].as_u64().expect("count"), f["of"].as_u64(), ids)
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    ids.sort_unstable();
    ids
}

async fn report_for_the_prepared_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let officer = app.token(Role::EngagementOfficer, &[ICB]);
    let report = app
        .ok(&officer, ANNUAL, json!({ "org": ICB, "year": 2025 }))
        .await["annualReport"]
        .clone();
    let held = [
        &y.letters_group,
        &y.discharge_event,
        &y.crisis_workshop,
        &y.pharmacy_survey,
    ];
    // What we did: A1 to A4, one of each kind; 10, 9, 10 and 40 patients plus one carer each.
    assert_eq!(figure(&report, "activities_held"), (4, None, sorted(&held)));
    assert_eq!(
        figure(&report, "activities.focus_group"),
        (1, None, sorted(&[&y.letters_group]))
    );
    assert_eq!(figure(&report, "activities.survey").0, 1);
    assert_eq!(
        figure(&report, "people_taking_part"),
        (73, None, sorted(&held))
    );
    // What people said: I1 to I8; access, discharge, letters and mental health twice each,
    // then pharmacy (before reminders, at one each).
    let items = [
        &y.plain_letters,
        &y.saturday_clinics,
        &y.text_reminders,
        &y.gp_letters,
        &y.discharge_medicines,
        &y.weekend_crisis_line,
        &y.peer_support,
        &y.pharmacy_hours,
    ];
    assert_eq!(figure(&report, "items_raised"), (8, None, sorted(&items)));
    let themes: Vec<&str> = report["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .filter_map(|f| f["key"].as_str()?.strip_prefix("theme."))
        .collect();
    assert_eq!(
        themes,
        [
            "access",
            "discharge",
            "letters",
            "mental health",
            "pharmacy"
        ]
    );
    assert_eq!(
        figure(&report, "theme.access"),
        (2, Some(8), sorted(&[&y.plain_letters, &y.saturday_clinics]))
    );
    // What changed: I1, I3 (through RAL's Y1) and I6 acted on; I1 and I6 genuinely.
    assert_eq!(
        figure(&report, "acted_on"),
        (
            3,
            Some(8),
            sorted(&[&y.plain_letters, &y.text_reminders, &y.weekend_crisis_line])
        )
    );
    assert_eq!(
        figure(&report, "genuinely_acted_on"),
        (
            2,
            Some(8),
            sorted(&[&y.plain_letters, &y.weekend_crisis_line])
        )
    );
    assert_eq!(
        figure(&report, "declined"),
        (1, Some(8), sorted(&[&y.saturday_clinics]))
    );
    // How people were told: I1, I2, I4 and I6 closed; by email twice (I1, I6), by newsletter
    // twice (A1, A2).
    assert_eq!(
        figure(&report, "items_fed_back"),
        (
            4,
            Some(8),
            sorted(&[
                &y.plain_letters,
                &y.saturday_clinics,
                &y.gp_letters,
                &y.weekend_crisis_line
            ])
        )
    );
    assert_eq!(
        figure(&report, "feedback.email"),
        (2, None, sorted(&[&y.plain_letters, &y.weekend_crisis_line]))
    );
    assert_eq!(
        figure(&report, "feedback.newsletter"),
        (2, None, sorted(&[&y.letters_group, &y.discharge_event]))
    );

    let markdown = report["markdown"].as_str().expect("markdown");
    // Examples: QMJ's actions completed with an outcome, most recent first: X3 then X1.
    let x3 = markdown
        .find("### Weekend crisis-line rota")
        .expect("X3 shown");
    let x1 = markdown
        .find("### Rewrite outpatient letter templates")
        .expect("X1 shown");
    assert!(x3 < x1, "most recent first");
    assert!(markdown.contains("**You said: **Open the crisis line at weekends"));
    assert!(markdown.contains("No weekend staffing budget this year"));
    assert!(markdown.contains("Under-represented: age band 18-44, deprivation quintile Q1."));
    assert!(
        markdown.contains("| ICB Board | **2 of 3 (66.7%)**"),
        "{markdown}"
    );
    assert!(
        !markdown.contains("### Same-day discharge letters pilot"),
        "X2 is not done, so no example"
    );
    // Every figure that counts records cites a source listing them.
    let sources = markdown.matches("\n[^").count();
    assert!(sources > 20, "{sources} sources");
    assert!(markdown.contains(&format!("input item {}", y.saturday_clinics)));

    // Nothing personal, in either rendering.
    let html = report["html"].as_str().expect("html");
    for personal in PARTICIPANT_NAMES.iter().chain(&PARTICIPANT_EMAILS) {
        assert!(!markdown.contains(personal), "{personal} in the Markdown");
        assert!(!html.contains(personal), "{personal} in the HTML");
    }
    for id in &y.participants {
        assert!(!markdown.contains(id.as_str()) && !html.contains(id.as_str()));
    }

    // The officer's own choice of examples, and refusals that name the example.
    let chosen = app
        .ok(
            &officer,
            ANNUAL,
            json!({ "org": ICB, "year": 2025, "examples": [y.rewrite_letters] }),
        )
        .await;
    let markdown = chosen["annualReport"]["markdown"]
        .as_str()
        .expect("markdown");
    assert!(markdown.contains("### Rewrite outpatient letter templates"));
    assert!(!markdown.contains("### Weekend crisis-line rota"));
    let (code, message) = app
        .err(
            &officer,
            ANNUAL,
            json!({ "org": ICB, "year": 2025, "examples": [y.gp_letters_pilot] }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(
        message,
        format!(
            "examples: action {} was not completed with an outcome within the year",
            y.gp_letters_pilot
        )
    );
    let (_, message) = app
        .err(
            &officer,
            ANNUAL,
            json!({ "org": ICB, "year": 2025, "examples": [y.reminder_service] }),
        )
        .await;
    assert!(
        message.contains("is not an action of this organisation"),
        "RAL's Y1"
    );
}

on_both!(
    report_from_the_command_line,
    who_may_read_the_report_and_bad_requests,
    report_for_the_prepared_year
);
