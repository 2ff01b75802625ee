//! Taking the records out and back in: an organisation's year exported as the import's
//! workbook and imported into a fresh ledger gives the same verdicts, roll-ups, scorecard and
//! annual-report figures; and one sheet downloads as CSV through the API.

use base64::Engine as _;
use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{caught_up_with_the_log, spawn_app, Backend, TestApp};
use crate::import::run;
use crate::on_both;

on_both!(a_year_exported_and_imported_elsewhere_gives_the_same_figures,);

/// A year of one trust's history, a CSV file per sheet: held and cancelled activities with who
/// took part, input decided and not, actions completed and overdue with progress, feedback on
/// input and on an activity, and a board with its seats, member, meeting and decision.
pub(crate) fn year(dir: &std::path::Path) {
    let files = [
        ("themes.csv", "Theme\nAccess\nCommunication\n"),
        (
            "activities.csv",
            "Activity ref,Title,Kind,Topic,Principles,Planned on,Held on,Patients,Carers,Public,Staff,Cancelled on,Cancellation reason\n\
             A1,Outpatient letters,Focus group,Communication,Equals; Shared decisions,01/05/2025,10/05/2025,9,3,0,2,,\n\
             A2,Clinic access survey,Survey,Access,,2025-06-01,2025-06-15,40,5,12,0,,\n\
             A3,Carers' walkabout,Focus group,Estates,,2025-09-01,,,,,,2025-08-20,Building works\n",
        ),
        (
            "who took part.csv",
            "Activity ref,Characteristic,Group,Count\n\
             A1,Age band,18 to 44,5\nA1,Age band,65 and over,4\nA1,Sex,Female,6\nA2,Disability,Yes,11\n",
        ),
        (
            "input.csv",
            "Input ref,Activity ref,Kind,Summary,Themes,Raised by,Raised on,Decision,Decided on,Reason\n\
             I1,A1,Recommendation,Letters arrive after the appointment,Communication,Patient,,Accepted,20/05/2025,\n\
             I2,A1,Concern,Nobody answers the phone,Access,Carer,,Declined,2025-07-30,The line is staffed\n\
             I3,A2,Idea,A hearing loop at reception,Access,Patient,2025-06-15,,,\n\
             I4,A2,Recommendation,Step-free entrance,Access,Public,2025-06-15,Accepted,2025-06-20,\n",
        ),
        (
            "actions.csv",
            "Action ref,Title,Owner role,Decision forum,Input refs,Proposed on,Due on,Agreed on,Completed on,Outcome,Evidence\n\
             X1,Send letters three weeks ahead,Outpatients manager,Operations board,I1,2025-05-21,2025-09-30,2025-05-28,2025-09-01,Letters now arrive in time,Letters audit\n\
             X2,Build a ramp,Estates lead,Estates group,I4,2025-06-21,2025-08-01,2025-06-25,,,\n",
        ),
        (
            "action progress.csv",
            "Action ref,Recorded on,Note\nX2,2025-07-01,Quotes requested\nX1,2025-07-15,Template drafted\n",
        ),
        (
            "feedback.csv",
            "Input ref,Activity ref,Given on,Channel,Summary\n\
             I1,,2025-09-10,Email,Told the group letters now go three weeks ahead\n\
             ,A2,2025-07-01,Newsletter,What the survey found\n",
        ),
        ("boards.csv", "Board ref,Name,Kind,Established on\nB1,Quality committee,Committee,2025-04-01\n"),
        ("seats.csv", "Board ref,Role,Target,Voting,From\nB1,Patient member,2,Yes,2025-04-01\n"),
        (
            "participants.csv",
            "Participant ref,Name,Registered on,Board membership consent on\nP1,Pat Member,2025-03-01,2025-03-01\nP2,,2025-03-01,2025-03-01\n",
        ),
        (
            "appointments.csv",
            "Appointment ref,Board ref,Participant ref,Role,Voting,Term start,Term end,Ended on,End reason\n\
             AP1,B1,P1,Patient member,Yes,2025-04-01,2028-03-31,,\n\
             AP2,B1,P2,Patient member,Yes,2025-04-01,2028-03-31,2025-12-31,Resigned\n",
        ),
        (
            "meetings.csv",
            "Meeting ref,Board ref,Scheduled for,Papers issued on,Held on,Quorate,Attended\n\
             M1,B1,2025-06-12,2025-06-05,2025-06-12,Yes,AP1; AP2\n",
        ),
        (
            "decisions.csv",
            "Meeting ref,Title,Cited input refs,Cited action refs,Patient members present,Patient members voted\n\
             M1,Adopt the letters policy,I1,X1,Yes,Yes\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("written");
    }
}

/// The figures a reader compares: the verdicts and roll-up, the scorecard and the annual report
/// of the financial year, and the board's roll-up.
pub(crate) async fn figures(app: &TestApp) -> Value {
    caught_up_with_the_log(app).await;
    let auditor = app.token(Role::Auditor, &["RX1"]);
    let mut found = app
        .ok(
            &auditor,
            "{ organisation(odsCode: \"RX1\") {
                 rollup(asOf: \"2026-03-31\") { total answeredWithinWindow actedOn loopClosed
                   genuinelyActedOn medianDaysToDecision medianDaysToOutcome medianDaysToFeedback
                   counts { verdict count } } }
               scorecard(organisation: \"RX1\", period: { financialYear: 2025 }) {
                 measures { key value numerator denominator } }
               annualReport(organisation: \"RX1\", year: 2025) { figures { key count of } }
               boards { nodes { name rollup(asOf: \"2026-03-31\") { total actedOn } } } }",
            json!({}),
        )
        .await;
    if let Some(measures) = found["scorecard"]["measures"].as_array_mut() {
        measures.sort_by_key(|m| m["key"].to_string());
    }
    found
}

/// A service on a fresh database of `backend` with [`year`] imported for RX1, and a folder
/// for the files a test writes.
pub(crate) async fn a_year_imported(backend: Backend) -> (TestApp, tempfile::TempDir) {
    let first = spawn_app(backend).await;
    first.register("RX1", "Riverside Hospital").await;
    let dir = tempfile::tempdir().expect("a folder");
    let history = dir.path().join("history");
    std::fs::create_dir(&history).expect("a folder");
    year(&history);
    let (ok, out, err) = run(
        &first,
        &["import", history.to_str().expect("path"), "--org", "RX1"],
    );
    assert!(ok, "{out}\n{err}");
    (first, dir)
}

async fn a_year_exported_and_imported_elsewhere_gives_the_same_figures(backend: Backend) {
    let (first, dir) = a_year_imported(backend).await;
    let before = figures(&first).await;
    assert_eq!(before["organisation"]["rollup"]["total"], 4, "{before}");
    assert_eq!(before["organisation"]["rollup"]["actedOn"], 1, "{before}");
    let counted = |path: &str| {
        before
            .pointer(path)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    assert!(counted("/scorecard/measures") > 5, "{before}");
    assert!(counted("/annualReport/figures") > 5, "{before}");
    assert_eq!(counted("/boards/nodes"), 1, "{before}");

    let workbook = dir.path().join("rx1-records.xlsx");
    let out_path = workbook.to_str().expect("path");
    let (ok, out, err) = run(
        &first,
        &["export", "records", "--org", "RX1", "--output", out_path],
    );
    assert!(ok, "{out}\n{err}");

    let second = spawn_app(backend).await;
    second.register("RX1", "Riverside Hospital").await;
    let (ok, out, err) = run(&second, &["import", out_path, "--org", "RX1"]);
    assert!(ok, "{out}\n{err}");
    let after = figures(&second).await;
    assert_eq!(after, before, "the same figures after the round trip");

    // One sheet as CSV through the API, in the template's columns with each verdict beside.
    let officer = first.token(Role::EngagementOfficer, &["RX1"]);
    let file = first
        .ok(
            &officer,
            "{ records(organisation: \"RX1\", sheet: \"Input\", format: CSV, asOf: \"2026-03-31\") { filename contentType content base64 rows } }",
            json!({}),
        )
        .await;
    let csv = file["records"]["content"].as_str().expect("text");
    assert_eq!(file["records"]["rows"], 4);
    assert_eq!(file["records"]["base64"], false);
    assert!(
        csv.starts_with("Input ref,Activity ref,Kind,Summary,Themes,Raised by,Raised on,Decision,Decided on,Reason,Referred to,Verdict,Verdict as of"),
        "{csv}"
    );
    assert!(
        csv.contains("Letters arrive after the appointment"),
        "{csv}"
    );
    assert!(csv.contains(",Acted on,2026-03-31"), "{csv}");
    let workbook = first
        .ok(
            &officer,
            "{ records(organisation: \"RX1\") { filename content base64 } }",
            json!({}),
        )
        .await;
    assert_eq!(workbook["records"]["base64"], true);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(workbook["records"]["content"].as_str().expect("text"))
        .expect("base64");
    assert!(bytes.starts_with(b"PK"), "a workbook");
    let (code, message) = first
        .err(
            &officer,
            "{ records(organisation: \"RX1\", format: CSV) { filename } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert!(
        message.starts_with("sheet: a CSV file holds one sheet"),
        "{message}"
    );
}
