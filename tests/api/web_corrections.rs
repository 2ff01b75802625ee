//! Recording who took part in an activity, and putting right from the pages what was recorded:
//! who took part, information published, what participants were told (of an activity and of
//! one item), and which input an action answers.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;
use crate::web_visitor::Visitor;

on_both!(
    who_took_part_is_recorded_and_corrected,
    information_and_feedback_are_corrected,
    input_is_linked_to_an_action_and_unlinked,
);

const REASON: [(&str, &str); 2] = [
    ("reason.category", "WRONG_DETAIL"),
    ("reason.detail", "Counted from the wrong sign-in sheet"),
];

async fn activity_record(app: &TestApp, id: &str, selection: &str) -> Value {
    let token = app.token(Role::Auditor, &["RX1"]);
    app.ok(
        &token,
        &format!("{{ activity(id: \"{id}\") {{ {selection} }} }}"),
        json!({}),
    )
    .await["activity"]
        .clone()
}

async fn who_took_part_is_recorded_and_corrected(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let token = app.token(Role::EngagementOfficer, &["RX1"]);
    app.call(
        &token,
        "uploadPopulationBaseline",
        "organisation",
        json!({ "organisation": "RX1",
                "csv": "dimension,category,count\nage_band,16-24,100\nage_band,25-64,500\n" }),
    )
    .await;
    let activity = plan_activity(&app, &token, "RX1", "2026-05-01").await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let held = format!("/activities/{activity}/held");
    let form = officer.get(&held).await;
    let csrf = form.form_token();
    // The baseline's age bands are asked first, then the usual ones it lacks.
    let baseline = form.body.find(">16-24<").expect("the baseline's band");
    let usual = form.body.find(">65 and over<").expect("a usual band");
    assert!(baseline < usual, "the baseline's categories come first");
    // demographics.ageBand-1 is 16-24, -2 is 25-64; sex -1 Female, -2 Male.
    let wrong = officer
        .post(
            &held,
            &[
                ("csrf_token", &csrf),
                ("attendance.patients", "9"),
                ("demographics.ageBand-1", "four"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong
            .body
            .contains("16-24 (age band) must be a whole number, 0 or more"),
        "{}",
        wrong.text()
    );
    let answers = [
        ("csrf_token", csrf.as_str()),
        ("heldOn-day", "1"),
        ("heldOn-month", "5"),
        ("heldOn-year", "2026"),
        ("attendance.patients", "9"),
        ("attendance.carers", "3"),
        ("demographics.ageBand-1", "4"),
        ("demographics.ageBand-2", "8"),
        ("demographics.sex-1", "7"),
    ];
    let check = officer.post(&held, &answers).await;
    assert!(
        check.text().contains("16-24: 4, 25-64: 8"),
        "{}",
        check.text()
    );
    assert_eq!(officer.submit(&held, &answers).await.status, 303);
    let recorded = activity_record(
        &app,
        &activity,
        "attendance { patients carers public staff } \
         demographics { ageBand { category count } sex { category count } }",
    )
    .await;
    assert_eq!(
        recorded["attendance"],
        json!({ "patients": 9, "carers": 3, "public": 0, "staff": 0 })
    );
    assert_eq!(
        recorded["demographics"]["ageBand"],
        json!([{ "category": "16-24", "count": 4 }, { "category": "25-64", "count": 8 }])
    );
    let page = officer.get(&format!("/activities/{activity}")).await;
    assert!(page.text().contains("Age band 16-24: 4, 25-64: 8"));
    assert!(page.text().contains("Sex Female: 7"));

    // The correction opens on what the record says, and sends the whole counts back.
    let correct = format!("/activities/{activity}/held/correct");
    let form = officer.get(&correct).await;
    assert_eq!(form.status, 200);
    assert!(form
        .body
        .contains("name=\"attendance.patients\" type=\"text\" inputmode=\"numeric\" value=\"9\""));
    assert!(form.body.contains(
        "name=\"demographics.ageBand-2\" type=\"text\" inputmode=\"numeric\" value=\"8\""
    ));
    let mut answers = vec![
        ("csrf_token", csrf.as_str()),
        ("attendance.patients", "10"),
        ("attendance.carers", "3"),
        ("demographics.ageBand-2", "9"),
        ("demographics.sex-1", "7"),
    ];
    answers.extend(REASON);
    assert_eq!(officer.submit(&correct, &answers).await.status, 303);
    let corrected = activity_record(
        &app,
        &activity,
        "attendance { patients carers } demographics { ageBand { category count } sex { category count } } \
         corrections { detail }",
    )
    .await;
    assert_eq!(
        corrected["attendance"],
        json!({ "patients": 10, "carers": 3 })
    );
    assert_eq!(
        corrected["demographics"]["ageBand"],
        json!([{ "category": "25-64", "count": 9 }]),
        "a count left blank is none"
    );
    assert_eq!(
        corrected["demographics"]["sex"],
        json!([{ "category": "Female", "count": 7 }])
    );
    assert_eq!(
        corrected["corrections"][0]["detail"],
        "Counted from the wrong sign-in sheet"
    );

    // Held earlier than planned: refused until the officer confirms it.
    let early = plan_activity(&app, &token, "RX1", "2026-06-10").await;
    let held = format!("/activities/{early}/held");
    let mut answers = vec![
        ("csrf_token", csrf.as_str()),
        ("heldOn-day", "1"),
        ("heldOn-month", "6"),
        ("heldOn-year", "2026"),
    ];
    let refused = officer.submit(&held, &answers).await;
    assert_eq!(refused.status, 400);
    assert!(refused
        .text()
        .contains("is before the date it was planned for"));
    answers.push(("beforePlannedDate", "true"));
    assert_eq!(officer.submit(&held, &answers).await.status, 303);
    assert_eq!(
        activity_record(&app, &early, "heldOn").await["heldOn"],
        "2026-06-01"
    );

    // An activity not yet held has nobody to correct.
    let planned = plan_activity(&app, &token, "RX1", "2027-05-01").await;
    assert_eq!(
        officer
            .get(&format!("/activities/{planned}/held/correct"))
            .await
            .status,
        404
    );
}

async fn information_and_feedback_are_corrected(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let token = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &token, "RX1", "2026-05-01").await;
    app.call(
        &token,
        "recordInformationPublished",
        "activity { id }",
        json!({ "activityId": activity, "publishedOn": "2026-04-20", "accessibleFormats": ["EASY_READ"] }),
    )
    .await;
    app.call(
        &token,
        "recordActivityHeld",
        "activity { id }",
        json!({ "activityId": activity, "heldOn": "2026-05-01" }),
    )
    .await;
    let item = record_item(&app, &token, &activity, "Letters come late", "2026-05-01").await;
    for (field, id_field, id) in [
        ("recordActivityFeedback", "activityId", &activity),
        ("recordInputFeedback", "inputItemId", &item),
    ] {
        app.call(
            &token,
            field,
            "receipt { logPosition }",
            json!({ id_field: id, "givenOn": "2026-05-10", "channel": "EMAIL", "summary": "We heard you" }),
        )
        .await;
    }
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let page = officer.get(&format!("/activities/{activity}")).await;
    let csrf = page.form_token();
    assert!(page
        .text()
        .contains("Correct the information published on 20 April 2026"));
    assert!(page
        .text()
        .contains("Correct what participants were told on 10 May 2026"));

    // Information published: opens on the record, the formats ticked are the whole list.
    let path = format!("/activities/{activity}/information/0/correct");
    let form = officer.get(&path).await;
    assert!(form.body.contains("value=\"EASY_READ\" checked"));
    assert!(form
        .body
        .contains("name=\"publishedOn-day\" type=\"text\" inputmode=\"numeric\" value=\"20\""));
    let mut answers = vec![
        ("csrf_token", csrf.as_str()),
        ("publishedOn-day", "21"),
        ("publishedOn-month", "4"),
        ("publishedOn-year", "2026"),
        ("accessibleFormats", "LARGE_PRINT"),
    ];
    answers.extend(REASON);
    assert_eq!(officer.submit(&path, &answers).await.status, 303);
    let recorded = activity_record(
        &app,
        &activity,
        "informationPublished { publishedOn accessibleFormats } feedback { summary channel }",
    )
    .await;
    assert_eq!(
        recorded["informationPublished"],
        json!([{ "publishedOn": "2026-04-21", "accessibleFormats": ["LARGE_PRINT"] }])
    );
    assert_eq!(
        officer
            .get(&format!("/activities/{activity}/information/1/correct"))
            .await
            .status,
        404,
        "there is no second time"
    );

    // What participants were told, of the activity and of the item.
    for (path, read) in [
        (
            format!("/activities/{activity}/feedback/0/correct"),
            format!(
                "{{ activity(id: \"{activity}\") {{ feedback {{ summary channel givenOn }} }} }}"
            ),
        ),
        (
            format!("/input/{item}/feedback/0/correct"),
            format!("{{ inputItem(id: \"{item}\") {{ feedback {{ summary channel givenOn }} }} }}"),
        ),
    ] {
        let form = officer.get(&path).await;
        assert!(
            form.body.contains("We heard you</textarea>"),
            "opens on the record"
        );
        let mut answers = vec![
            ("csrf_token", csrf.as_str()),
            ("feedback.channel", "LETTER"),
            ("feedback.summary", "We heard you, and changed the letters"),
            ("feedback.givenOn-day", "10"),
            ("feedback.givenOn-month", "5"),
            ("feedback.givenOn-year", "2026"),
        ];
        answers.extend(REASON);
        assert_eq!(officer.submit(&path, &answers).await.status, 303);
        let data = app.ok(&token, &read, json!({})).await;
        let told = data
            .as_object()
            .and_then(|o| o.values().next())
            .expect("a record");
        assert_eq!(
            told["feedback"],
            json!([{ "summary": "We heard you, and changed the letters", "channel": "LETTER", "givenOn": "2026-05-10" }])
        );
    }
}

async fn input_is_linked_to_an_action_and_unlinked(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let token = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &token, "RX1", "2026-05-01").await;
    let first = record_item(&app, &token, &activity, "Letters come late", "2026-05-01").await;
    let second = record_item(&app, &token, &activity, "Letters go astray", "2026-05-01").await;
    for item in [&first, &second] {
        app.call(
            &token,
            "decideInputItem",
            "receipt { logPosition }",
            json!({ "inputItemId": item, "outcome": "ACCEPTED", "decidedOn": "2026-05-02" }),
        )
        .await;
    }
    let action = app
        .call(
            &token,
            "proposeAction",
            "action { id }",
            json!({ "title": "Send letters by text", "ownerOrganisation": "RX1", "ownerRole": "Head of Outpatients",
                    "decisionForum": "Quality committee", "dueOn": "2026-09-01", "proposedOn": "2026-05-03",
                    "inputItemIds": [first] }),
        )
        .await["action"]["id"]
        .as_str()
        .expect("action id")
        .to_owned();
    let answers_of = || async {
        app.ok(
            &token,
            &format!("{{ action(id: \"{action}\") {{ inputItemIds }} }}"),
            json!({}),
        )
        .await["action"]["inputItemIds"]
            .clone()
    };
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let item_page = officer.get(&format!("/input/{second}")).await;
    let csrf = item_page.form_token();
    let text = item_page.text();
    let decide = text
        .find("Revise the decision")
        .expect("the decision comes first");
    let correct = text.find("Put a mistake right").expect("then corrections");
    assert!(decide < correct);

    // Linked from the input's page, by the action's reference.
    let link = format!("/input/{second}/link");
    let unknown = officer
        .post(&link, &[("csrf_token", &csrf), ("actionId", "")])
        .await;
    assert!(unknown.text().contains("Enter the action's reference"));
    let linked = officer
        .submit(&link, &[("csrf_token", &csrf), ("actionId", &action)])
        .await;
    assert_eq!(linked.status, 303, "{}", linked.text());
    assert_eq!(answers_of().await, json!([first, second]));
    let action_page = officer.get(&format!("/actions/{action}")).await;
    assert!(action_page.text().contains("Letters go astray"));

    // Linked twice: the API's refusal, by the field.
    let again = officer
        .submit(
            &format!("/actions/{action}/link"),
            &[("csrf_token", &csrf), ("inputItemId", &second)],
        )
        .await;
    assert_eq!(again.status, 400);
    assert!(again
        .text()
        .contains("the action already answers this input item"));

    // Unlinked with the reason, from the action's page.
    let unlink = format!("/actions/{action}/unlink/{second}");
    assert!(action_page.body.contains(&format!("href=\"{unlink}\"")));
    let mut answers = vec![("csrf_token", csrf.as_str())];
    answers.extend(REASON);
    assert_eq!(officer.submit(&unlink, &answers).await.status, 303);
    assert_eq!(answers_of().await, json!([first]));
    assert!(officer
        .get(&format!("/actions/{action}"))
        .await
        .text()
        .contains("Counted from the wrong sign-in sheet"));

    // An auditor is offered neither, and is refused the form.
    let mut auditor = Visitor::new(&app);
    auditor
        .sign_in(&app, "auditor@example.nhs.uk", Role::Auditor, &["RX1"])
        .await;
    let page = auditor.get(&format!("/actions/{action}")).await;
    assert!(!page.body.contains("/unlink/"));
    assert_eq!(auditor.get(&unlink).await.status, 403);
}
