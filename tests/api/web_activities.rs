//! The officer's activity pages: planning one through "check your answers", a form posted
//! twice recording once, the list's filters, and the refusals: an auditor gets no form and a
//! forged post records nothing; another organisation's activity is not found.

use partnership_ledger::auth::Role;

use crate::helpers::{plan_activity, spawn_app, Backend};
use crate::on_both;
use crate::web_visitor::{Page, Visitor};

on_both!(
    an_activity_is_planned_after_checking_the_answers,
    only_the_lead_organisations_officers_change_an_activity,
);

/// The summary of problems at the top of a form.
fn problems(page: &Page) -> Vec<String> {
    let Some(summary) = page.body.split("nhsuk-error-summary__list").nth(1) else {
        return Vec::new();
    };
    let summary = summary.split("</ul>").next().unwrap_or_default();
    summary
        .split("<a href=")
        .skip(1)
        .filter_map(|a| a.split('>').nth(1))
        .map(|text| text.split('<').next().unwrap_or_default().trim().to_owned())
        .collect()
}

async fn an_activity_is_planned_after_checking_the_answers(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let form = officer.get("/activities/new").await;
    assert_eq!(form.status, 200);
    let token = form.form_token();
    let before = app.event_count().await;

    // Nothing given, and a date that is not one: the page says what to put right.
    let empty = officer
        .post(
            "/activities/new",
            &[
                ("csrf_token", &token),
                ("plannedOn-day", "31"),
                ("plannedOn-month", "2"),
                ("plannedOn-year", "2027"),
            ],
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(
        empty.body.contains("<title>Error: Plan an activity"),
        "the title says there are errors"
    );
    assert_eq!(
        problems(&empty),
        [
            "Enter the title",
            "Enter the topic or service area",
            "Select the kind of activity",
            "Date planned must be a real date"
        ]
    );
    assert!(
        empty.body.contains("href=\"#plannedOn-day\""),
        "the summary links to the field"
    );

    let answers = [
        ("csrf_token", token.as_str()),
        ("title", "Maternity voices"),
        ("topic", "Maternity"),
        ("kind", "LISTENING_EVENT"),
        ("plannedOn-day", "12"),
        ("plannedOn-month", "1"),
        ("plannedOn-year", "2027"),
        ("principles", "SEEKING_INPUT"),
        ("principles", "INFORMED"),
    ];
    let check = officer.post("/activities/new", &answers).await;
    assert_eq!(check.status, 200);
    assert_eq!(check.heading(), "Check your answers");
    assert!(check.body.contains("12 January 2027"));
    assert!(
        check
            .body
            .contains("Seeking patient input, Patients fully informed")
            || check
                .body
                .contains("Patients fully informed, Seeking patient input")
    );
    assert_eq!(
        app.event_count().await,
        before,
        "nothing is recorded before confirming"
    );

    // Confirmed twice (a double click): one activity.
    let key = check.hidden("idempotency_key").expect("an idempotency key");
    let mut confirm: Vec<(&str, &str)> = answers.to_vec();
    confirm.push(("idempotency_key", &key));
    let saved = officer.post("/activities/new/confirm", &confirm).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let again = officer.post("/activities/new/confirm", &confirm).await;
    assert_eq!(
        again.location(),
        saved.location(),
        "the second post leads to the same activity"
    );
    let activities = app
        .ok(
            &app.token(Role::EngagementOfficer, &["RX1"]),
            "{ activities { totalCount nodes { title kind plannedOn principles } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(activities["activities"]["totalCount"], 1, "recorded once");
    assert_eq!(
        activities["activities"]["nodes"][0]["kind"],
        "LISTENING_EVENT"
    );
    assert_eq!(
        activities["activities"]["nodes"][0]["plannedOn"],
        "2027-01-12"
    );

    let page = officer.get(saved.location()).await;
    assert_eq!(page.heading(), "Activity - Maternity voices");
    assert!(
        page.body.contains("Activity planned"),
        "the note of what was saved"
    );
    assert!(
        !officer
            .get(saved.location())
            .await
            .body
            .contains("Activity planned"),
        "shown once"
    );

    // The list finds it by its words, and not by others.
    let listed = officer.get("/activities?words=maternity").await;
    assert!(listed.body.contains("1 activity"));
    assert!(officer
        .get("/activities?words=parking")
        .await
        .body
        .contains("0 activities"));
}

async fn only_the_lead_organisations_officers_change_an_activity(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    app.register("RY2", "Yonder Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &officer, "RX1", "2026-05-01").await;
    let before = app.event_count().await;

    let mut auditor = Visitor::new(&app);
    auditor
        .sign_in(&app, "auditor@example.nhs.uk", Role::Auditor, &["RX1"])
        .await;
    let page = auditor.get(&format!("/activities/{activity}")).await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("Record what happened"),
        "no write controls for an auditor"
    );
    assert!(!auditor
        .get("/activities")
        .await
        .body
        .contains("Plan an activity</a>"));
    assert_eq!(auditor.get("/activities/new").await.status, 403);
    assert_eq!(
        auditor
            .get(&format!("/activities/{activity}/held"))
            .await
            .status,
        403
    );
    // A forged post, with the auditor's own valid form token: refused, nothing recorded.
    let token = page.form_token();
    let forged = auditor
        .post(
            &format!("/activities/{activity}/held/confirm"),
            &[("csrf_token", &token), ("idempotency_key", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(forged.heading(), "You cannot do this");
    assert!(
        forged.body.contains("Sign out"),
        "an error page keeps the header's way out"
    );
    assert_eq!(app.event_count().await, before, "nothing recorded");

    // Another organisation's officer cannot open it by its address.
    let mut other = Visitor::officer(&app, &["RY2"]).await;
    assert_eq!(
        other.get(&format!("/activities/{activity}")).await.status,
        404
    );
    assert_eq!(
        other
            .get(&format!("/activities/{activity}/held"))
            .await
            .status,
        404
    );
    assert!(!other
        .get("/activities")
        .await
        .body
        .contains("Outpatient letters"));
}

on_both!(input_is_recorded_several_items_at_once);

async fn input_is_recorded_several_items_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let token = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &token, "RX1", "2026-05-01").await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let path = format!("/activities/{activity}/input");
    let form = officer.get(&path).await;
    assert_eq!(form.status, 200);
    assert_eq!(
        form.body.matches("data-item>").count(),
        3,
        "three items to begin with"
    );
    let csrf = form.form_token();

    // Without JavaScript, "Add another item" asks for the page with one more, answers kept.
    let more = officer
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("count", "3"),
                ("item1-summary", "Too noisy"),
                ("add", "1"),
            ],
        )
        .await;
    assert_eq!(more.body.matches("data-item>").count(), 4);
    assert!(more.body.contains(">Too noisy</textarea>"));

    // Nothing given at all, then an item half given: the page says which.
    let empty = officer
        .post(&path, &[("csrf_token", &csrf), ("count", "4")])
        .await;
    assert_eq!(
        problems(&empty),
        ["Enter what was said for at least one item"]
    );
    let half = officer
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("count", "4"),
                ("item2-summary", "Parking"),
                ("item2-kind", "CONCERN"),
            ],
        )
        .await;
    assert_eq!(problems(&half), ["Item 2: Select who raised it"]);

    let answers = [
        ("csrf_token", csrf.as_str()),
        ("count", "4"),
        ("item1-summary", "The waiting room is too noisy"),
        ("item1-kind", "CONCERN"),
        ("item1-raisedBy", "PATIENT"),
        ("item3-summary", "Offer evening clinics"),
        ("item3-kind", "IDEA"),
        ("item3-raisedBy", "CARER"),
        ("item3-raisedOn-day", "1"),
        ("item3-raisedOn-month", "5"),
        ("item3-raisedOn-year", "2026"),
    ];
    let check = officer.post(&path, &answers).await;
    assert_eq!(check.heading(), "Outpatient letters - Check your answers");
    let key = check.hidden("idempotency_key").expect("key");
    let mut confirm = answers.to_vec();
    confirm.push(("idempotency_key", &key));
    let saved = officer.post(&format!("{path}/confirm"), &confirm).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        officer
            .post(&format!("{path}/confirm"), &confirm)
            .await
            .status,
        303
    );
    let page = officer.get(saved.location()).await;
    assert!(page.body.contains("2 input items recorded"));
    let items = app
        .ok(
            &token,
            "query($a: ID!) { activity(id: $a) { inputItems { summary kind raisedBy raisedOn } } }",
            serde_json::json!({ "a": activity }),
        )
        .await;
    let items = items["activity"]["inputItems"]
        .as_array()
        .expect("items")
        .clone();
    assert_eq!(items.len(), 2, "posted twice, recorded once: {items:?}");
    assert!(items.iter().any(|i| i["summary"] == "Offer evening clinics"
        && i["raisedBy"] == "CARER"
        && i["raisedOn"] == "2026-05-01"));
}

on_both!(mistakes_are_put_right_from_the_records_page);

async fn mistakes_are_put_right_from_the_records_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let token = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &token, "RX1", "2026-05-01").await;
    let item =
        crate::helpers::record_item(&app, &token, &activity, "Letters come late", "2026-05-01")
            .await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let page = officer.get(&format!("/activities/{activity}")).await;
    assert!(page
        .body
        .contains(&format!("href=\"/activities/{activity}/correct\"")));
    let csrf = page.form_token();

    // A typo in the title: only the title changes, with the reason on record.
    let path = format!("/activities/{activity}/correct");
    let answers = [
        ("csrf_token", csrf.as_str()),
        ("title", "Outpatient letters and texts"),
        ("reason.category", "TYPO"),
        ("reason.detail", "The title left out texts"),
    ];
    let check = officer.post(&path, &answers).await;
    assert!(
        check.body.contains("No change"),
        "blank fields keep what the record says"
    );
    let key = check.hidden("idempotency_key").expect("key");
    let mut confirm = answers.to_vec();
    confirm.push(("idempotency_key", &key));
    assert_eq!(
        officer
            .post(&format!("{path}/confirm"), &confirm)
            .await
            .status,
        303
    );
    let page = officer.get(&format!("/activities/{activity}")).await;
    assert_eq!(page.heading(), "Activity - Outpatient letters and texts");
    assert!(page
        .body
        .contains("Record corrected: The title left out texts"));
    assert!(page.body.contains("1 May 2026"), "the date planned is kept");

    // Without a reason, nothing changes.
    let no_reason = officer
        .post(&path, &[("csrf_token", csrf.as_str()), ("title", "X")])
        .await;
    assert_eq!(
        problems(&no_reason),
        ["Select what kind of mistake it was", "Enter what was wrong"]
    );

    // A repeat withdrawn: it stays, marked withdrawn; reinstated, it counts again.
    let withdraw = format!("/input/{item}/withdraw");
    let answers = [
        ("csrf_token", csrf.as_str()),
        ("reason.category", "RECORDED_IN_ERROR"),
        ("reason.detail", "Entered at the wrong activity"),
    ];
    let check = officer.post(&withdraw, &answers).await;
    let key = check.hidden("idempotency_key").expect("key");
    let mut confirm = answers.to_vec();
    confirm.push(("idempotency_key", &key));
    assert_eq!(
        officer
            .post(&format!("{withdraw}/confirm"), &confirm)
            .await
            .status,
        303
    );
    let page = officer.get(&format!("/input/{item}")).await;
    assert!(
        page.body.contains("Withdrawn</strong>"),
        "the verdict tag says withdrawn"
    );
    assert!(page.body.contains("Entered at the wrong activity"));
    assert!(page
        .body
        .contains(&format!("href=\"/input/{item}/reinstate\"")));
}
