//! Every list out: the scorecard, reach and a board's seats download as CSV and workbooks
//! through the API and the command line, the same file both ways; and an organisation's
//! participants are named in its records only for readers who may see personal details, each
//! such download written in the person's access record.

use base64::Engine as _;
use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{caught_up_with_the_log, spawn_app, Backend, TestApp};
use crate::import::run;
use crate::import_round_trip::year;
use crate::on_both;

on_both!(
    the_figures_lists_download_the_same_from_the_api_and_the_command_line,
    participants_are_named_only_for_readers_who_may_see_them,
);

/// A trust with the year of history imported.
async fn a_year(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let dir = tempfile::tempdir().expect("a folder");
    year(dir.path());
    let (ok, out, err) = run(
        &app,
        &["import", dir.path().to_str().expect("path"), "--org", "RX1"],
    );
    assert!(ok, "{out}\n{err}");
    caught_up_with_the_log(&app).await;
    app
}

/// The CSV file at `at` in `answer`, checked to be text.
fn csv_at<'a>(answer: &'a Value, at: &str) -> &'a str {
    let file = answer.pointer(at).expect("a file");
    assert_eq!(file["base64"], false, "{file}");
    assert_eq!(file["contentType"], "text/csv; charset=utf-8", "{file}");
    file["content"].as_str().expect("text")
}

/// Runs the command line, which must succeed, and gives what it wrote.
fn exported(app: &TestApp, args: &[&str]) -> String {
    let (ok, out, err) = run(app, args);
    assert!(ok, "{args:?}\n{out}\n{err}");
    out
}

async fn the_figures_lists_download_the_same_from_the_api_and_the_command_line(backend: Backend) {
    let app = a_year(backend).await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    app.ok(
        &officer,
        "mutation($i: UploadPopulationBaselineInput!) { uploadPopulationBaseline(input: $i) { uploadedOn } }",
        json!({ "i": { "organisation": "RX1", "uploadedOn": "2025-04-01",
                       "csv": "dimension,category,count\nage_band,18 to 44,300\nage_band,65 and over,700\n" } }),
    )
    .await;
    let board = app
        .ok(&officer, "{ boards { nodes { id } } }", json!({}))
        .await["boards"]["nodes"][0]["id"]
        .as_str()
        .expect("the board")
        .to_owned();
    let file = "file(format: CSV) { filename contentType content base64 rows }";
    let answer = app
        .ok(
            &officer,
            &format!(
                "query($board: ID!) {{
                   scorecard(organisation: \"RX1\", period: {{ from: \"2025-04-01\", to: \"2026-03-31\" }}) {{
                     measures {{ label value numerator denominator }} {file} }}
                   reach(organisation: \"RX1\", period: {{ from: \"2025-04-01\", to: \"2026-03-31\" }}) {{ {file} }}
                   board(id: $board) {{ representation(asOf: \"2026-03-31\") {{ {file} }} }} }}"
            ),
            json!({ "board": board }),
        )
        .await;

    // The scorecard: a measure a row, each with the figures the page shows.
    let scorecard = csv_at(&answer, "/scorecard/file");
    let measures = answer["scorecard"]["measures"]
        .as_array()
        .expect("measures");
    let lines: Vec<&str> = scorecard.lines().collect();
    assert_eq!(
        lines[0],
        "Principle,Measure,Unit,Value,Numerator,Denominator,Previous period,Change,From,To"
    );
    assert_eq!(lines.len(), measures.len() + 1, "{scorecard}");
    assert_eq!(answer["scorecard"]["file"]["rows"], measures.len());
    assert_eq!(
        answer["scorecard"]["file"]["filename"],
        "scorecard-rx1-2025-04-01-2026-03-31.csv"
    );
    let counted = measures
        .iter()
        .find(|m| m["value"].as_f64().is_some_and(|v| v > 0.0))
        .expect("a measure with a value");
    let line = lines
        .iter()
        .find(|l| l.contains(counted["label"].as_str().expect("label")))
        .expect("the measure's row");
    let figure = |name: &str| counted[name].as_f64().expect("a figure");
    assert!(
        line.contains(&format!(
            ",{},{},{},",
            figure("value"),
            figure("numerator"),
            figure("denominator")
        )),
        "{line} against {counted}"
    );
    assert!(line.ends_with(",2025-04-01,2026-03-31"), "{line}");

    // Reach: the two activities held counted 5 of 9 aged 18 to 44 against 30% of the people.
    let reach = csv_at(&answer, "/reach/file");
    assert!(
        reach.starts_with(
            "Characteristic,Group,Took part,Share of those who took part (%),Share of the population (%),Under-represented\n"
        ),
        "{reach}"
    );
    assert!(reach.contains("Age band,18 to 44,5,55.6,30,No"), "{reach}");
    assert!(
        reach.contains("Age band,65 and over,4,44.4,70,Yes"),
        "{reach}"
    );

    // The board: two patient member seats, one filled since the other member resigned.
    let seats = csv_at(&answer, "/board/representation/file");
    assert!(
        seats.starts_with(
            "Role,Target,Voting,Filled,Filled by voting members,Vacant,Longest vacancy (days),As of\n"
        ),
        "{seats}"
    );
    let patient_members = seats
        .lines()
        .find(|l| l.starts_with("Patient member,2,Yes,1,1,1,"))
        .expect("the patient members' seats");
    assert!(patient_members.ends_with(",2026-03-31"), "{seats}");
    let vacant_days: u32 = patient_members
        .split(',')
        .nth(6)
        .and_then(|d| d.parse().ok())
        .expect("days");
    assert!(
        (90..=91).contains(&vacant_days),
        "vacant since the new year: {seats}"
    );

    // The command line writes the very same files, read from the record without the service.
    let period = ["--from", "2025-04-01", "--to", "2026-03-31"];
    let cli = |args: &[&str]| exported(&app, &[&["export"][..], args].concat());
    assert_eq!(
        cli(&[&["scorecard", "--org", "RX1"][..], &period].concat()),
        scorecard
    );
    assert_eq!(
        cli(&[&["reach", "--org", "rx1"][..], &period].concat()),
        reach
    );
    assert_eq!(
        cli(&["representation", "--board", &board, "--as-of", "2026-03-31"]),
        seats
    );

    // As workbooks.
    let workbook = app
        .ok(
            &officer,
            "{ reach(organisation: \"RX1\") { file(format: XLSX) { filename contentType content base64 } } }",
            json!({}),
        )
        .await;
    let file = &workbook["reach"]["file"];
    assert_eq!(file["base64"], true);
    assert_eq!(file["filename"], "reach-rx1.xlsx");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file["content"].as_str().expect("text"))
        .expect("base64");
    assert!(bytes.starts_with(b"PK"), "a workbook");

    // What the command line cannot write, it says, naming the argument.
    for (args, said) in [
        (
            vec!["export", "reach", "--org", "NOPE"],
            "--org: no organisation has the ODS code NOPE",
        ),
        (
            vec![
                "export",
                "representation",
                "--board",
                "0b6e4a57-5d0c-4b8e-9a43-2a1d3e1c0f00",
            ],
            "--board: no board has the id",
        ),
        (
            vec![
                "export",
                "scorecard",
                "--org",
                "RX1",
                "--from",
                "2026-04-01",
                "--to",
                "2025-04-01",
            ],
            "--to: must not be before --from",
        ),
    ] {
        let (ok, out, err) = run(&app, &args);
        assert!(!ok, "{args:?} refused");
        assert!(err.contains(said), "{args:?}: {out}\n{err}");
    }
}

async fn participants_are_named_only_for_readers_who_may_see_them(backend: Backend) {
    let app = a_year(backend).await;
    let records = "{ records(organisation: \"RX1\", sheet: \"Participants\", format: CSV) { filename contentType content base64 } }";
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let auditor = app.token(Role::Auditor, &["RX1"]);

    let seen = app.ok(&officer, records, json!({})).await;
    let seen = csv_at(&seen, "/records");
    assert!(
        seen.starts_with("Participant ref,Name,Email,Phone,Registered on"),
        "{seen}"
    );
    assert!(seen.contains(",Pat Member,,,2025-03-01"), "{seen}");

    let unseen = app.ok(&auditor, records, json!({})).await;
    let unseen = csv_at(&unseen, "/records");
    assert!(!unseen.contains("Pat Member"), "{unseen}");
    assert_eq!(unseen.lines().count(), 3, "both people, by reference");
    assert!(
        unseen.lines().skip(1).all(|l| l.contains(",,,,2025-03-01")),
        "{unseen}"
    );

    // The officer's download is in Pat's access record; the auditor's read nothing.
    let id = seen
        .lines()
        .find(|l| l.contains("Pat Member"))
        .and_then(|l| l.split(',').next())
        .expect("Pat's reference")
        .to_owned();
    let admin = app.token(Role::Admin, &[]);
    let access = app
        .ok(
            &admin,
            "query($id: ID!) { participantAccessRecord(participantId: $id) { nodes { reader role purpose } } }",
            json!({ "id": id }),
        )
        .await;
    let reads = access["participantAccessRecord"]["nodes"]
        .as_array()
        .expect("reads");
    assert_eq!(reads.len(), 1, "{access}");
    assert_eq!(reads[0]["purpose"], "RECORDS_EXPORT");
    assert_eq!(reads[0]["role"], "ENGAGEMENT_OFFICER");

    // The command line names no one.
    let cli = exported(
        &app,
        &[
            "export",
            "records",
            "--org",
            "RX1",
            "--sheet",
            "Participants",
            "--format",
            "csv",
        ],
    );
    assert!(!cli.contains("Pat Member"), "{cli}");
}
