//! The import's upload page: the template downloaded; a file uploaded, checked in the
//! background while its page refreshes itself, its problems all shown with nothing recorded, or
//! what recording it would give shown until the person who uploaded it says "record"; and the
//! same limits on who may import what as everywhere else.

use std::time::Duration;

use partnership_ledger::auth::Role;

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;
use crate::web_visitor::{Page, Visitor};

on_both!(
    an_officer_uploads_last_years_history_and_records_it,
    a_file_is_imported_only_by_those_who_keep_its_records,
);

const ACTIVITIES: &str = "\u{feff}Activity ref,Title,Kind,Topic,Planned on,Held on,Patients\r\n\
    A1,Outpatient letters,Focus group,Communication,01/05/2025,10 May 2025,9\r\n";
const INPUT: &str = "Input ref,Activity ref,Kind,Summary,Raised by,Decision,Decided on\n\
    I1,A1,Recommendation,Letters arrive after the appointment,Patient,Accepted,20/05/2025\n";
const ACTIONS: &str = "Action ref,Title,Owner role,Decision forum,Input refs,Proposed on,Due on,Agreed on,Completed on,Outcome,Evidence\n\
    X1,Send letters three weeks ahead,Outpatients manager,Operations board,I1,2025-05-21,2025-09-30,2025-05-28,2025-09-01,Letters now arrive in time,Letters audit\n";

/// A year's history with nothing wrong in it.
const GOOD: &[(&str, &str)] = &[
    ("activities.csv", ACTIVITIES),
    ("input.csv", INPUT),
    ("actions.csv", ACTIONS),
];

/// Sends `files` (name and text) for `organisation` from the upload page.
async fn upload(
    visitor: &mut Visitor,
    app: &TestApp,
    organisation: &str,
    files: &[(&str, &str)],
) -> Page {
    let page = visitor
        .get(&format!("/import?organisation={organisation}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", page.form_token())
        .text("organisation", organisation.to_owned());
    for (name, text) in files {
        form = form.part(
            "file",
            reqwest::multipart::Part::text((*text).to_owned()).file_name((*name).to_owned()),
        );
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    visitor
        .send(
            client
                .post(format!("{}/import", app.address))
                .multipart(form),
        )
        .await
}

/// The job's page once it has stopped refreshing itself.
async fn settled(visitor: &mut Visitor, path: &str) -> Page {
    for _ in 0..300 {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        if !page.body.contains("http-equiv=\"refresh\"") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import at {path} did not finish");
}

async fn an_officer_uploads_last_years_history_and_records_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let home = officer.get("/").await;
    assert!(
        home.body.contains("/import?organisation=RX1"),
        "offered from the home page"
    );
    let template = officer.get("/import/template").await;
    assert_eq!(template.status, 200);
    assert!(template.body.starts_with("PK"), "a workbook");
    assert!(template.headers["content-disposition"]
        .to_str()
        .is_ok_and(|d| d.contains(".xlsx")));

    // A faulty file: every problem in a table, nothing recorded.
    let events = app.event_count().await;
    let faulty = upload(&mut officer, &app, "RX1", &[("input.csv", "Input ref,Activity ref,Kind,Summary,Raised by,Raised on\nI1,A9,Remark,Late,Patient,31/04/2025\n")]).await;
    assert_eq!(faulty.status, 303, "{}", faulty.body);
    let job = faulty.location().to_owned();
    let refused = settled(&mut officer, &job).await;
    let text = refused.text();
    assert!(text.contains("The file was not imported"), "{text}");
    assert!(
        text.contains("3 problems were found, and nothing was recorded"),
        "{text}"
    );
    assert!(text.contains("31 is not a day of April 2025"), "{text}");
    assert!(
        text.contains("a reference from the Activities sheet"),
        "{text}"
    );
    assert_eq!(app.event_count().await, events);

    // A good one: what it would give, then recorded on the word.
    let good = upload(&mut officer, &app, "RX1", GOOD).await;
    assert_eq!(good.status, 303, "{}", good.body);
    let job = good.location().to_owned();
    let ready = settled(&mut officer, &job).await;
    let text = ready.text();
    assert!(text.contains("Check what will be recorded"), "{text}");
    assert!(
        text.contains("Verdicts the input would have today"),
        "{text}"
    );
    assert!(text.contains("Acted on"), "{text}");
    assert_eq!(
        app.event_count().await,
        events,
        "nothing recorded before the word"
    );
    let recorded = officer
        .post(
            &format!("{job}/record"),
            &[("csrf_token", &ready.form_token())],
        )
        .await;
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let done = settled(&mut officer, &job).await;
    assert!(done.text().contains("History imported"), "{}", done.text());
    assert!(done.text().contains("7 steps recorded"), "{}", done.text());
    assert!(app.event_count().await > events);

    // The same file again: nothing new to record.
    let again = upload(&mut officer, &app, "RX1", GOOD).await;
    let again = settled(&mut officer, again.location()).await;
    assert!(
        again
            .text()
            .contains("Everything in this file was recorded by an earlier import"),
        "{}",
        again.text()
    );

    // The records go back out: a list as CSV with its verdicts, or everything as a workbook.
    let home = officer.get("/").await;
    assert!(home
        .body
        .contains("/records/download?organisation=RX1&amp;format=xlsx"));
    let csv = officer
        .get("/records/download?organisation=RX1&sheet=Input&format=csv")
        .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.headers["content-disposition"]
        .to_str()
        .is_ok_and(|d| d.contains("rx1-input-") && d.ends_with(".csv\"")));
    assert!(
        csv.body.starts_with("Input ref,Activity ref,Kind,Summary"),
        "{}",
        csv.body
    );
    assert!(
        csv.body.contains("Letters arrive after the appointment"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(",Acted on,"), "{}", csv.body);
    // Each list's page offers its sheet, as the form there sends it.
    for (page, sheet) in [
        ("/activities", "Activities"),
        ("/find", "Input"),
        ("/boards", "Appointments"),
    ] {
        let shown = officer.get(page).await;
        assert!(
            shown.body.contains("action=\"/records/download\"")
                && shown.body.contains(&format!("value=\"{sheet}\"")),
            "{page} offers {sheet}: {}",
            shown.body
        );
    }
    let activities = officer
        .get("/records/download?sheet=Activities&organisation=RX1&format=xlsx")
        .await;
    assert_eq!(activities.status, 200, "{}", activities.body);
    assert!(activities.body.starts_with("PK"), "a workbook");
    let workbook = officer
        .get("/records/download?organisation=RX1&format=xlsx")
        .await;
    assert_eq!(workbook.status, 200);
    assert!(workbook.body.starts_with("PK"), "a workbook");
    let unknown = officer
        .get("/records/download?organisation=RX1&sheet=Budgets&format=csv")
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert!(
        unknown.text().contains("no sheet is named"),
        "{}",
        unknown.text()
    );

    // Nobody else sees the job.
    let mut other = Visitor::new(&app);
    other
        .sign_in(
            &app,
            "other@example.nhs.uk",
            Role::EngagementOfficer,
            &["RX1"],
        )
        .await;
    assert_eq!(other.get(&job).await.status, 404);
}

async fn a_file_is_imported_only_by_those_who_keep_its_records(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    app.register("RX2", "Hillside Hospital").await;
    let mut secretary = Visitor::new(&app);
    secretary
        .sign_in(
            &app,
            "secretary@example.nhs.uk",
            Role::BoardSecretary,
            &["RX1"],
        )
        .await;
    let events = app.event_count().await;
    let sent = upload(
        &mut secretary,
        &app,
        "RX1",
        &[
            ("activities.csv", ACTIVITIES),
            (
                "boards.csv",
                "Board ref,Name,Kind,Established on\nB1,Quality committee,Committee,2025-04-01\n",
            ),
        ],
    )
    .await;
    let page = settled(&mut secretary, sent.location()).await;
    let text = page.text();
    assert!(
        text.contains("the organisation's engagement officers import this sheet"),
        "{text}"
    );
    assert!(
        text.contains("1 problem was found"),
        "the board sheet is the secretary's: {text}"
    );

    // Another organisation's, no file, a file of another kind: each named on the form.
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let page = upload(&mut officer, &app, "RX2", &[("activities.csv", ACTIVITIES)]).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("You do not keep RX2's records"),
        "{}",
        page.text()
    );
    let page = upload(&mut officer, &app, "RX1", &[]).await;
    assert!(page
        .text()
        .contains("Choose the workbook (.xlsx) or the CSV files to import"));
    let page = upload(&mut officer, &app, "RX1", &[("history.pdf", "%PDF")]).await;
    assert!(page
        .text()
        .contains("history.pdf is not a workbook (.xlsx) or a CSV file (.csv)"));
    assert_eq!(app.event_count().await, events, "nothing recorded");

    // An auditor is not offered the page, nor is it offered from the home page.
    let mut auditor = Visitor::new(&app);
    auditor
        .sign_in(&app, "auditor@example.nhs.uk", Role::Auditor, &["RX1"])
        .await;
    assert!(!auditor.get("/").await.body.contains("/import?"));
    assert_eq!(auditor.get("/import?organisation=RX1").await.status, 403);
}
