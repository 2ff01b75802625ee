//! Themes as a list the organisation keeps: added, renamed and merged as events of their own,
//! input coded in bulk after the event, and lists and reports counting input under the themes
//! as the list names them now.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

on_both!(themes_are_kept_renamed_merged_and_coded);

async fn themes_of(app: &TestApp, token: &str, ids: &[&String]) -> Vec<Value> {
    let mut found = Vec::new();
    for id in ids {
        let item = app
            .ok(
                token,
                "query($id: ID!) { inputItem(id: $id) { themes } }",
                json!({ "id": id }),
            )
            .await;
        found.push(item["inputItem"]["themes"].clone());
    }
    found
}

/// The ids of QMJ's items carrying `theme`.
async fn carrying(app: &TestApp, token: &str, theme: &str) -> Vec<Value> {
    let found = app
        .ok(
            token,
            "query($t: String) { inputItems(first: 50, filter: { organisation: \"QMJ\", theme: $t }) {
               edges { node { id } } } }",
            json!({ "t": theme }),
        )
        .await;
    found["inputItems"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect()
}

async fn themes_are_kept_renamed_merged_and_coded(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    for name in ["Access", "Parking", "Transport"] {
        app.call(
            &officer,
            "addTheme",
            "organisation { themes }",
            json!({ "odsCode": "QMJ", "name": name }),
        )
        .await;
    }
    let (code, message) = app
        .err(
            &officer,
            "mutation($i: AddThemeInput!) { addTheme(input: $i) { organisation { themes } } }",
            json!({ "i": { "odsCode": "QMJ", "name": " parking " } }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("VALIDATION", "name: \"parking\" is already a theme")
    );
    let activity = plan_activity(&app, &officer, "QMJ", "2025-06-01").await;
    let first = record_item(&app, &officer, &activity, "Evening clinics", "2025-06-01").await;
    let second = record_item(&app, &officer, &activity, "Car park charges", "2025-06-01").await;
    let third = record_item(
        &app,
        &officer,
        &activity,
        "Bus to the hospital",
        "2025-06-01",
    )
    .await;

    // Coding after the focus group: the parking point and the bus point, in one go.
    let reason = json!({ "category": "LATE_INFORMATION", "detail": "Coded after the session" });
    let coded = app
        .call(
            &officer,
            "rethemeInputItems",
            "changed inputItems { themes }",
            json!({ "inputItemIds": [second, third], "add": ["Parking"], "remove": ["ACCESS"],
                "reason": reason }),
        )
        .await;
    assert_eq!(
        coded,
        json!({ "changed": 2, "inputItems": [{ "themes": ["Parking"] }, { "themes": ["Parking"] }] })
    );
    app.call(
        &officer,
        "rethemeInputItems",
        "changed",
        json!({ "inputItemIds": [third], "add": ["Transport"], "remove": ["Parking"],
            "reason": reason }),
    )
    .await;
    // An item named twice, or not the caller's, is refused before anything changes.
    let events = app.event_count().await;
    let (code, message) = app
        .err(
            &auditor,
            "mutation($i: RethemeInputItemsInput!) { rethemeInputItems(input: $i) { changed } }",
            json!({ "i": { "inputItemIds": [first], "add": ["Transport"], "reason": reason } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN", "{message}");
    assert_eq!(app.event_count().await, events);

    // The list is renamed and merged; items keep what they were recorded with, but count and
    // show under the theme it became.
    app.call(
        &officer,
        "renameTheme",
        "organisation { themes }",
        json!({ "odsCode": "QMJ", "from": "access", "to": "Getting an appointment" }),
    )
    .await;
    let merged = app
        .call(
            &officer,
            "mergeThemes",
            "organisation { themes }",
            json!({ "odsCode": "QMJ", "from": ["Parking"], "into": "Transport" }),
        )
        .await;
    assert_eq!(
        merged["organisation"]["themes"],
        json!(["Getting an appointment", "Transport"])
    );
    assert_eq!(
        themes_of(&app, &auditor, &[&first, &second, &third]).await,
        vec![
            json!(["Getting an appointment"]),
            json!(["Transport"]),
            json!(["Transport"])
        ]
    );
    assert_eq!(
        carrying(&app, &auditor, "Transport").await,
        vec![json!(second), json!(third)]
    );
    assert_eq!(
        carrying(&app, &auditor, "Parking").await,
        Vec::<Value>::new()
    );

    // The annual report's themes follow the list.
    let report = app
        .ok(
            &auditor,
            "{ annualReport(organisation: \"QMJ\", year: 2025) { figures { key count } } }",
            json!({}),
        )
        .await;
    let figures = report["annualReport"]["figures"]
        .as_array()
        .expect("figures");
    let theme = |key: &str| {
        figures
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["count"].clone())
    };
    assert_eq!(theme("theme.Transport"), Some(json!(2)));
    assert_eq!(theme("theme.Getting an appointment"), Some(json!(1)));
    assert_eq!(theme("theme.Parking"), None);
}
