//! Hardening: queries too deep, too recursive, too aliased or too decorated are refused with a
//! clear error before any resolver runs.

use partnership_ledger::api::shape::{MAX_ALIASES, MAX_DIRECTIVES};
use partnership_ledger::api::{MAX_DEPTH, MAX_FIELD_DIRECTIVES, MAX_RECURSION};
use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, spawn_app, Backend, TestApp};
use crate::on_both;

/// `activity(id) { inputItems { activity { inputItems { … } } } }`, `levels` fields deep.
fn nested(activity: &str, levels: usize) -> String {
    let mut open = format!("{{ activity(id: \"{activity}\") {{ ");
    let mut close = String::from("} }");
    for level in 1..levels - 1 {
        open.push_str(if level % 2 == 1 {
            "inputItems { "
        } else {
            "activity { "
        });
        close.push_str(" }");
    }
    format!("{open}id {close}")
}

/// Posts `query`, which must be refused as VALIDATION with a message containing `names`,
/// with no data and nothing appended.
async fn refused(app: &TestApp, token: &str, query: &str, names: &str) -> Value {
    let before = app.event_count().await;
    let (status, body) = app.post(Some(token), query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(names),
        "`{message}` should name {names}: {body}"
    );
    assert!(body["data"].is_null(), "nothing should run: {body}");
    assert_eq!(app.event_count().await, before, "a refused query appended");
    body
}

async fn over_limit_queries_are_refused_before_running(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-04-01").await;

    // Depth: at the limit it answers, one deeper it is refused.
    let at_limit = app
        .ok(&officer, &nested(&activity, MAX_DEPTH), json!({}))
        .await;
    assert!(at_limit["activity"]["inputItems"].is_array(), "{at_limit}");
    refused(
        &app,
        &officer,
        &nested(&activity, MAX_DEPTH + 1),
        "nested too deep",
    )
    .await;

    // Recursion: fragments spreading into each other deeper than the parser follows.
    let mut fragments = String::new();
    for i in 0..=MAX_RECURSION {
        fragments.push_str(&format!(
            "fragment F{i} on Activity {{ id inputItems {{ activity {{ ...F{} }} }} }} ",
            i + 1
        ));
    }
    fragments.push_str(&format!(
        "fragment F{} on Activity {{ id }}",
        MAX_RECURSION + 1
    ));
    let recursive = format!("{{ activity(id: \"{activity}\") {{ ...F0 }} }} {fragments}");
    refused(&app, &officer, &recursive, "recursion depth").await;
    // A fragment that spreads itself never ends.
    let cycle = format!(
        "{{ activity(id: \"{activity}\") {{ ...A }} }} \
         fragment A on Activity {{ id inputItems {{ activity {{ ...A }} }} }}"
    );
    let (_, body) = app.post(Some(&officer), &cycle, json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");

    // Aliases: a mutation repeated under many aliases appends nothing at all.
    let plan = |i: usize| {
        format!(
            "p{i}: planActivity(input: {{ kind: FOCUS_GROUP, title: \"T{i}\", topic: \"X\", \
             leadOrganisation: \"QMJ\", plannedOn: \"2026-05-01\" }}) {{ activity {{ id }} }}"
        )
    };
    let many: Vec<String> = (0..=MAX_ALIASES).map(plan).collect();
    refused(
        &app,
        &officer,
        &format!("mutation {{ {} }}", many.join(" ")),
        "aliases",
    )
    .await;
    // A few aliases are fine.
    let few: Vec<String> = (0..2).map(plan).collect();
    let data = app
        .ok(
            &officer,
            &format!("mutation {{ {} }}", few.join(" ")),
            json!({}),
        )
        .await;
    assert!(data["p1"]["activity"]["id"].is_string(), "{data}");

    // Directives: too many on one field, and too many over the document.
    let on_one = format!(
        "{{ organisations {{ nodes {{ odsCode {} }} }} }}",
        "@include(if: true) ".repeat(MAX_FIELD_DIRECTIVES + 1)
    );
    refused(&app, &officer, &on_one, "directives").await;
    let fields: Vec<String> = (0..=MAX_DIRECTIVES)
        .map(|_| "odsCode @skip(if: false)".to_owned())
        .collect();
    refused(
        &app,
        &officer,
        &format!("{{ organisations {{ nodes {{ {} }} }} }}", fields.join(" ")),
        "directives",
    )
    .await;
}

on_both!(over_limit_queries_are_refused_before_running);

/// Query texts are parsed once and their documents reused: a text sent again is refused again
/// if it was refused, and answers each time for the variables it comes with, which are still
/// validated on every request.
async fn a_query_text_sent_again_is_checked_and_answered_afresh(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let first = plan_activity(&app, &officer, "QMJ", "2026-04-01").await;
    let second = plan_activity(&app, &officer, "QMJ", "2026-05-01").await;

    let plan = |i: usize| {
        format!(
            "p{i}: planActivity(input: {{ kind: FOCUS_GROUP, title: \"T{i}\", topic: \"X\", \
             leadOrganisation: \"QMJ\", plannedOn: \"2026-05-01\" }}) {{ activity {{ id }} }}"
        )
    };
    let many: Vec<String> = (0..=MAX_ALIASES).map(plan).collect();
    let too_many = format!("mutation {{ {} }}", many.join(" "));
    for _ in 0..2 {
        refused(&app, &officer, &too_many, "aliases").await;
    }

    let read = "query($id: ID!) { activity(id: $id) { id plannedOn } }";
    for (id, planned) in [
        (&first, "2026-04-01"),
        (&second, "2026-05-01"),
        (&first, "2026-04-01"),
    ] {
        let data = app.ok(&officer, read, json!({ "id": id })).await;
        assert_eq!(data["activity"]["id"], json!(id), "{data}");
        assert_eq!(data["activity"]["plannedOn"], planned, "{data}");
    }
    // The same text with a variable of the wrong kind is refused, though it answered before.
    let before = app.event_count().await;
    let (status, body) = app
        .post(Some(&officer), read, json!({ "id": [1, 2] }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(app.event_count().await, before);
}

on_both!(a_query_text_sent_again_is_checked_and_answered_afresh);

/// A request that runs past the configured time is stopped with 503 `TIMEOUT`, and says so.
/// The limit covers all the request waits for, so one asking for a log position the views
/// will never reach is stopped at the limit, not left waiting.
async fn requests_past_the_time_limit_are_stopped(backend: Backend) {
    let (mut settings, _dir, database) = crate::helpers::fresh_settings(backend).await;
    settings.request_timeout_secs = 1;
    let service = crate::helpers::Replica::start(&settings).await;
    let token = service.token(Role::Auditor, &["QMJ"]);
    let query = "{ organisations { nodes { odsCode } } }";
    let started = std::time::Instant::now();
    let response = service
        .client
        .post(format!("{}/graphql", service.address))
        .bearer_auth(&token)
        .header("x-log-position", "0:999999999")
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    let waited = started.elapsed();
    assert_eq!(response.status().as_u16(), 503);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("took too long")),
        "{body}"
    );
    assert!(body.get("data").is_none(), "{body}");
    assert!(
        waited < std::time::Duration::from_secs(5),
        "stopped at the limit, not at the 10 s position wait: {waited:?}"
    );

    // The same request without the impossible wait answers within the limit.
    let data = service.ok(&token, query, json!({})).await;
    assert_eq!(data["organisations"]["nodes"], json!([]));
    service.stop().await;
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
}

on_both!(requests_past_the_time_limit_are_stopped);
