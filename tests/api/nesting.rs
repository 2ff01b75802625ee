//! Deeply nested input values, which once overflowed a worker's stack and killed the process
//! for everyone: refused with a clear error on every way in (literals and variables, over
//! HTTP and over the WebSocket), and the service keeps answering.

use partnership_ledger::api::shape::{MAX_INPUT_DEPTH, MAX_TEXT_NESTING};
use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;
use crate::subscriptions::{connect_with, next_message};

/// `[[[…1…]]]`, `depth` lists deep.
fn lists(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// `{a:{a:{…1…}}}`, `depth` objects deep.
fn objects(depth: usize) -> String {
    format!("{}1{}", "{a:".repeat(depth), "}".repeat(depth))
}

/// The same as JSON.
fn json_lists(depth: usize) -> Value {
    (0..depth).fold(json!(1), |inner, _| json!([inner]))
}

/// Posts `query` with `variables`; it must be refused as VALIDATION with a message holding
/// `names`, and nothing may run.
async fn refused(app: &TestApp, token: &str, query: &str, variables: Value, names: &str) {
    let (status, body) = app.post(Some(token), query, variables).await;
    assert!(status == 200 || status == 400, "{status}: {body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(names), "`{message}` should say {names}");
    assert!(body["data"].is_null(), "nothing should run: {body}");
}

async fn nested_input_values_are_refused_and_the_service_lives(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let alive = "{ organisations { nodes { odsCode } } }";

    // The attacks as found: 1,800 nested lists, 1,500 nested objects.
    let deep = format!(
        "{{ organisations(recordedAsOf: {}) {{ nodes {{ odsCode }} }} }}",
        lists(1_800)
    );
    refused(&app, &auditor, &deep, json!({}), "nests brackets").await;
    let deep = format!(
        "{{ organisations(recordedAsOf: {}) {{ nodes {{ odsCode }} }} }}",
        objects(1_500)
    );
    refused(&app, &auditor, &deep, json!({}), "nests brackets").await;
    // Brackets inside a string are text, not nesting.
    let quoted = format!(
        "{{ organisations(recordedAsOf: \"{}\") {{ nodes {{ odsCode }} }} }}",
        lists(MAX_TEXT_NESTING * 2)
    );
    let (_, body) = app.post(Some(&auditor), &quoted, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        !message.contains("nests"),
        "a string is not nesting: {body}"
    );

    // Within the text's limit but deeper than any input the schema takes: refused by name,
    // before validation, in a literal and in a variable's default.
    let over = MAX_INPUT_DEPTH + 1;
    let literal = format!(
        "{{ organisations(recordedAsOf: {}) {{ nodes {{ odsCode }} }} }}",
        lists(over)
    );
    refused(&app, &auditor, &literal, json!({}), "`recordedAsOf` nests").await;
    let default = format!(
        "query($v: [[Int]] = {}) {{ organisations {{ nodes {{ odsCode }} }} }}",
        lists(over)
    );
    refused(&app, &auditor, &default, json!({}), "`v` nests").await;
    // At the limit it goes on to validation (which finds a list where a moment belongs).
    let at_limit = format!(
        "{{ organisations(recordedAsOf: {}) {{ nodes {{ odsCode }} }} }}",
        lists(MAX_INPUT_DEPTH)
    );
    let (_, body) = app.post(Some(&auditor), &at_limit, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("nests"), "{body}");

    // Variables: deeper than inputs go is refused by name; deeper than the JSON reader goes
    // is refused as a bad body. Neither runs.
    let with_variable =
        "query($v: DateTime) { organisations(recordedAsOf: $v) { nodes { odsCode } } }";
    refused(
        &app,
        &auditor,
        with_variable,
        json!({ "v": json_lists(over) }),
        "`$v` nests",
    )
    .await;
    let body = format!(
        "{{\"query\": \"{{ organisations {{ nodes {{ odsCode }} }} }}\", \"variables\": {{\"v\": {}}}}}",
        lists(5_000)
    );
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&auditor)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 400);

    // Over the WebSocket: the same subscription text is refused on the socket, which stays
    // open, and the service answers afterwards.
    let mut socket = connect_with(&app, &auditor).await;
    let deep = format!(
        "subscription {{ events(after: {}) {{ eventType }} }}",
        lists(1_800)
    );
    crate::subscriptions::send_subscribe(&mut socket, "1", &deep).await;
    let answer = next_message(&mut socket).await.expect("an answer");
    assert_eq!(answer["type"], "error", "{answer}");
    assert!(
        answer["payload"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nests brackets")),
        "{answer}"
    );

    let data = app.ok(&auditor, alive, json!({})).await;
    assert_eq!(
        data["organisations"]["nodes"][0]["odsCode"], "QMJ",
        "{data}"
    );
}

on_both!(nested_input_values_are_refused_and_the_service_lives);
