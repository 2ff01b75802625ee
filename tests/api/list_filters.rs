//! The filters the officers' pages list by: activities by state, kind, day, words and input
//! still to be recorded, with the list's total; input items by words in their summary.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{record_item, spawn_app, Backend, Endpoint};
use crate::on_both;

on_both!(activities_are_listed_by_filter, input_is_found_by_its_words);

async fn plan(
    app: &Endpoint,
    token: &str,
    kind: &str,
    title: &str,
    topic: &str,
    on: &str,
) -> String {
    let data = app
        .call(
            token,
            "planActivity",
            "activity { id }",
            json!({ "kind": kind, "title": title, "topic": topic, "leadOrganisation": "RX1", "plannedOn": on }),
        )
        .await;
    data["activity"]["id"].as_str().expect("id").to_owned()
}

async fn listed(app: &Endpoint, token: &str, filter: Value) -> (Vec<String>, i64) {
    let data = app
        .ok(
            token,
            "query($f: ActivityFilter) { activities(filter: $f, first: 1) { totalCount pageInfo { hasNextPage } nodes { title } } }",
            json!({ "f": filter }),
        )
        .await;
    let total = data["activities"]["totalCount"].as_i64().expect("total");
    // The whole list, to say which titles it holds.
    let all = app
        .ok(
            token,
            "query($f: ActivityFilter) { activities(filter: $f, first: 100) { nodes { title } } }",
            json!({ "f": filter }),
        )
        .await;
    let titles = all["activities"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["title"].as_str().expect("title").to_owned())
        .collect();
    (titles, total)
}

async fn activities_are_listed_by_filter(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let maternity = plan(
        &app,
        &officer,
        "LISTENING_EVENT",
        "Maternity voices",
        "Birth choices",
        "2026-03-01",
    )
    .await;
    let letters = plan(
        &app,
        &officer,
        "FOCUS_GROUP",
        "Outpatient letters",
        "Communication",
        "2026-05-01",
    )
    .await;
    plan(
        &app,
        &officer,
        "SURVEY",
        "Car parking survey",
        "Access",
        "2026-07-01",
    )
    .await;
    for (id, on) in [(&maternity, "2026-03-01"), (&letters, "2026-05-01")] {
        app.call(
            &officer,
            "recordActivityHeld",
            "activity { id }",
            json!({ "activityId": id, "heldOn": on }),
        )
        .await;
    }
    record_item(&app, &officer, &letters, "Letters come late", "2026-05-01").await;

    let (all, total) = listed(&app, &officer, json!({})).await;
    assert_eq!((all.len(), total), (3, 3), "the total counts every page");
    let (held, total) = listed(&app, &officer, json!({ "status": ["HELD"] })).await;
    assert_eq!(
        (held, total),
        (
            vec![
                "Maternity voices".to_owned(),
                "Outpatient letters".to_owned()
            ],
            2
        )
    );
    let (surveys, _) = listed(&app, &officer, json!({ "kind": "SURVEY" })).await;
    assert_eq!(surveys, vec!["Car parking survey"]);
    let (spring, _) = listed(
        &app,
        &officer,
        json!({ "from": "2026-04-01", "to": "2026-06-30" }),
    )
    .await;
    assert_eq!(spring, vec!["Outpatient letters"]);
    let (by_words, _) = listed(&app, &officer, json!({ "words": "birth MATERNITY" })).await;
    assert_eq!(
        by_words,
        vec!["Maternity voices"],
        "every word, in title or topic, any case"
    );
    let (none, total) = listed(&app, &officer, json!({ "words": "maternity parking" })).await;
    assert_eq!((none.len(), total), (0, 0));
    let (awaiting, total) = listed(&app, &officer, json!({ "awaitingInput": true })).await;
    assert_eq!(
        (awaiting, total),
        (vec!["Maternity voices".to_owned()], 1),
        "held, and no input recorded"
    );
}

async fn input_is_found_by_its_words(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan(
        &app,
        &officer,
        "FOCUS_GROUP",
        "Outpatient letters",
        "Communication",
        "2026-05-01",
    )
    .await;
    record_item(
        &app,
        &officer,
        &activity,
        "Letters come after the appointment",
        "2026-05-01",
    )
    .await;
    record_item(&app, &officer, &activity, "Parking is hard", "2026-05-01").await;
    let found = app
        .ok(
            &officer,
            "{ inputItems(filter: { words: \"APPOINTMENT letters\" }, first: 10) { totalCount nodes { summary } } }",
            json!({}),
        )
        .await;
    assert_eq!(found["inputItems"]["totalCount"], 1);
    assert_eq!(
        found["inputItems"]["nodes"][0]["summary"],
        "Letters come after the appointment"
    );
    let none = app
        .ok(
            &officer,
            "{ inputItems(filter: { words: \"letters parking\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(none["inputItems"]["totalCount"], 0);
}
