//! Authentication and access.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, get_current_timestamp, Algorithm, EncodingKey, Header};
use partnership_ledger::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    plan_activity, record_item, spawn_app, Backend, TestApp, AUDIENCE, ISSUER, TEST_SECRET,
};
use crate::on_both;

const PLAN: &str =
    "mutation($i: PlanActivityInput!) { planActivity(input: $i) { activity { id } } }";
const DECIDE: &str =
    "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { verdict } } }";
const REGISTER: &str =
    "mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) {
    organisation { odsCode } } }";

fn plan_input(org: &str) -> Value {
    json!({ "i": { "kind": "PATIENT_PANEL", "title": "Maternity panel", "topic": "Maternity",
        "leadOrganisation": org, "plannedOn": "2026-04-01" } })
}

/// Claims a valid officer token for QMJ would carry.
fn good_claims() -> Value {
    let now = get_current_timestamp();
    json!({ "sub": "crafted@example.nhs.uk", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 600,
        "iat": now, "nbf": now, "role": "ENGAGEMENT_OFFICER", "orgs": ["QMJ"] })
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    sign_with(&Header::new(algorithm), claims, secret)
}

fn sign_with(header: &Header, claims: &Value, secret: &str) -> String {
    encode(header, claims, &EncodingKey::from_secret(secret.as_bytes())).expect("sign token")
}

/// Good claims changed by `change`, signed with the test secret.
fn crafted(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut claims = good_claims();
    change(claims.as_object_mut().expect("claims object"));
    sign(&claims, Algorithm::HS256, TEST_SECRET)
}

/// Sends a request that must be refused with `code` by the GraphQL layer, appending nothing.
async fn refused(app: &TestApp, token: &str, query: &str, variables: Value, code: &str) -> String {
    let before = app.event_count().await;
    let (got, message) = app.err(token, query, variables.clone()).await;
    assert_eq!(got, code, "code for {variables}: {message}");
    assert_eq!(
        app.event_count().await,
        before,
        "a refused request appended an event: {variables}"
    );
    message
}

/// Every token that must not get in: 401 UNAUTHENTICATED, nothing appended.
async fn bad_tokens_are_unauthenticated(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.settings.jwt.issuer, ISSUER);
    assert_eq!(app.settings.jwt.audience, AUDIENCE);
    app.register("QMJ", "North Central Trust").await;
    let leeway = app.settings.jwt.leeway_secs;
    let now = get_current_timestamp();

    // The crafting is right: good claims signed with the test secret get in.
    let before = app.event_count().await;
    let (status, body) = app
        .post(
            Some(&sign(&good_claims(), Algorithm::HS256, TEST_SECRET)),
            PLAN,
            plan_input("QMJ"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(app.event_count().await, before + 1);

    // No nbf is fine: it is optional.
    let (status, body) = app
        .post(
            Some(&crafted(|c| {
                c.remove("nbf");
            })),
            "query { organisations { nodes { odsCode } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // A good token with its payload changed after signing.
    let good = sign(&good_claims(), Algorithm::HS256, TEST_SECRET);
    let parts: Vec<&str> = good.split('.').collect();
    let mut admin = good_claims();
    admin["role"] = json!("ADMIN");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(admin.to_string()),
        parts[2]
    );
    let mut critical = Header::new(Algorithm::HS256);
    critical.crit = Some(vec!["exp".into()]);
    let mut remote_key = Header::new(Algorithm::HS256);
    remote_key.jku = Some("https://attacker.example/keys.json".into());
    let max_age = app.settings.jwt.max_age_secs;

    // alg "none": a header and claims with an empty signature.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(good_claims().to_string())
    );
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no Authorization header", None),
        (
            "expired beyond the leeway",
            Some(crafted(|c| {
                c.insert("iat".into(), json!(now - 3600));
                c.insert("nbf".into(), json!(now - 3600));
                c.insert("exp".into(), json!(now - leeway - 60));
            })),
        ),
        (
            "wrong audience",
            Some(crafted(|c| {
                c.insert("aud".into(), json!("some-other-service"));
            })),
        ),
        (
            "wrong issuer",
            Some(crafted(|c| {
                c.insert("iss".into(), json!("https://login.example.com"));
            })),
        ),
        (
            "no issuer",
            Some(crafted(|c| {
                c.remove("iss");
            })),
        ),
        (
            "not valid yet",
            Some(crafted(|c| {
                c.insert("nbf".into(), json!(now + leeway + 600));
            })),
        ),
        (
            "signed with another secret",
            Some(sign(
                &good_claims(),
                Algorithm::HS256,
                "another-secret-that-is-long-enough-for-hs256-9876543210",
            )),
        ),
        (
            "signed with another algorithm",
            Some(sign(&good_claims(), Algorithm::HS512, TEST_SECRET)),
        ),
        ("unsigned (alg none)", Some(unsigned)),
        ("payload tampered after signing", Some(tampered)),
        (
            "no subject",
            Some(crafted(|c| {
                c.remove("sub");
            })),
        ),
        (
            "no expiry",
            Some(crafted(|c| {
                c.remove("exp");
            })),
        ),
        (
            "issued in the future beyond the leeway",
            Some(crafted(|c| {
                c.insert("iat".into(), json!(now + leeway + 600));
            })),
        ),
        (
            "issued longer ago than the maximum age",
            Some(crafted(|c| {
                c.insert("iat".into(), json!(now - max_age - leeway - 60));
                c.insert("nbf".into(), json!(now - max_age - leeway - 60));
            })),
        ),
        (
            "a critical header extension",
            Some(sign_with(&critical, &good_claims(), TEST_SECRET)),
        ),
        (
            "a key named in the token",
            Some(sign_with(&remote_key, &good_claims(), TEST_SECRET)),
        ),
        ("garbage", Some("garbage".to_owned())),
        ("three garbage segments", Some("abc.def.ghi".to_owned())),
        ("empty bearer token", Some(String::new())),
    ];
    for (case, token) in cases {
        let before = app.event_count().await;
        let (status, body) = app.post(token.as_deref(), PLAN, plan_input("QMJ")).await;
        assert_eq!(status, 401, "{case}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{case}: {body}"
        );
        assert!(body.get("data").is_none(), "{case}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{case}: {body}");
        if let Some(token) = token.as_deref().filter(|t| t.len() > 3) {
            assert!(!message.contains(token), "{case}: the token was echoed");
        }
        assert_eq!(app.event_count().await, before, "{case}: appended");
    }

    // Reads are refused the same way.
    let (status, body) = app
        .post(
            None,
            "query { organisations { nodes { odsCode } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

/// Another organisation's records do not exist as far as the caller can tell.
async fn other_organisations_records_are_invisible(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RJ1", "Riverside Trust").await;
    let qmj = app.token(Role::EngagementOfficer, &["QMJ"]);
    let rj1 = app.token(Role::EngagementOfficer, &["RJ1"]);
    let rj1_auditor = app.token(Role::Auditor, &["RJ1"]);
    let theirs = plan_activity(&app, &qmj, "QMJ", "2026-03-01").await;
    let their_item = record_item(&app, &qmj, &theirs, "Quieter wards at night", "2026-03-01").await;
    let ours = plan_activity(&app, &rj1, "RJ1", "2026-03-02").await;
    let our_item = record_item(&app, &rj1, &ours, "More parking", "2026-03-02").await;
    let unknown = Uuid::new_v4().to_string();

    for token in [&rj1, &rj1_auditor] {
        let activity = "query($id: ID!) { activity(id: $id) { id title } }";
        let message = refused(&app, token, activity, json!({ "id": theirs }), "NOT_FOUND").await;
        let unknown_message =
            refused(&app, token, activity, json!({ "id": unknown }), "NOT_FOUND").await;
        assert_eq!(message, unknown_message, "no hint that the activity exists");

        let item = "query($id: ID!) { inputItem(id: $id) { id summary verdict } }";
        let message = refused(&app, token, item, json!({ "id": their_item }), "NOT_FOUND").await;
        let unknown_message =
            refused(&app, token, item, json!({ "id": unknown }), "NOT_FOUND").await;
        assert_eq!(message, unknown_message, "no hint that the item exists");

        refused(
            &app,
            token,
            "query { organisation(odsCode: \"QMJ\") { name } }",
            json!({}),
            "NOT_FOUND",
        )
        .await;

        // Lists show only RJ1's own records.
        let lists = app
            .ok(
                token,
                "query { inputItems { edges { node { id summary } } }
                         activities { edges { node { id } } }
                         organisations { nodes { odsCode } } }",
                json!({}),
            )
            .await;
        let items: Vec<&Value> = lists["inputItems"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| &e["node"]["id"])
            .collect();
        assert_eq!(items, vec![&json!(our_item)], "{lists}");
        let activities: Vec<&Value> = lists["activities"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| &e["node"]["id"])
            .collect();
        assert_eq!(activities, vec![&json!(ours)], "{lists}");
        assert_eq!(
            lists["organisations"]["nodes"],
            json!([{ "odsCode": "RJ1" }])
        );

        // Filtering on QMJ's activity finds nothing.
        let filtered = app
            .ok(
                token,
                "query($a: ID!) { inputItems(filter: { activityId: $a }) { edges { node { id } } } }",
                json!({ "a": theirs }),
            )
            .await;
        assert_eq!(filtered["inputItems"]["edges"], json!([]), "{filtered}");
    }
}

/// Auditors and board secretaries read but never write; only admins register organisations.
async fn read_only_roles_and_admin_only_registration(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let declined = record_item(&app, &officer, &activity, "Saturday clinics", "2026-03-01").await;
    let open = record_item(&app, &officer, &activity, "Hearing loop", "2026-03-01").await;
    app.ok(
        &officer,
        DECIDE,
        json!({ "i": { "inputItemId": declined, "outcome": "DECLINED",
            "reason": "No weekend staffing", "decidedOn": "2026-03-10" } }),
    )
    .await;

    // The auditor may not change anything.
    refused(&app, &auditor, PLAN, plan_input("QMJ"), "FORBIDDEN").await;
    refused(
        &app,
        &auditor,
        DECIDE,
        json!({ "i": { "inputItemId": open, "outcome": "ACCEPTED", "decidedOn": "2026-03-10" } }),
        "FORBIDDEN",
    )
    .await;
    refused(
        &app,
        &auditor,
        "mutation($i: RecordActivityHeldInput!) { recordActivityHeld(input: $i) { activity { status } } }",
        json!({ "i": { "activityId": activity, "heldOn": "2026-03-01" } }),
        "FORBIDDEN",
    )
    .await;
    refused(
        &app,
        &auditor,
        "mutation($i: SetResponseWindowInput!) { setResponseWindow(input: $i) { organisation { responseWindowDays } } }",
        json!({ "i": { "odsCode": "QMJ", "days": 10 } }),
        "FORBIDDEN",
    )
    .await;

    // ... but reads its organisation's verdicts.
    let seen = app
        .ok(
            &auditor,
            "query($d: ID!, $o: ID!) { declined: inputItem(id: $d) { verdict decision { reason } }
               open: inputItem(id: $o) { verdict }
               organisation(odsCode: \"QMJ\") { rollup { total counts { verdict count } } } }",
            json!({ "d": declined, "o": open }),
        )
        .await;
    assert_eq!(seen["declined"]["verdict"], "DECLINED");
    assert_eq!(
        seen["declined"]["decision"]["reason"],
        "No weekend staffing"
    );
    assert_eq!(seen["open"]["verdict"], "OVERDUE");
    assert_eq!(seen["organisation"]["rollup"]["total"], 2);

    // Board secretaries may not plan (or otherwise change engagement records).
    refused(&app, &secretary, PLAN, plan_input("QMJ"), "FORBIDDEN").await;
    refused(
        &app,
        &secretary,
        DECIDE,
        json!({ "i": { "inputItemId": open, "outcome": "ACCEPTED", "decidedOn": "2026-03-10" } }),
        "FORBIDDEN",
    )
    .await;

    // Only admins register organisations.
    let register =
        json!({ "i": { "odsCode": "RJ1", "name": "Riverside Trust", "kind": "NHS_TRUST" } });
    for token in [&officer, &auditor, &secretary] {
        refused(&app, token, REGISTER, register.clone(), "FORBIDDEN").await;
    }
    refused(
        &app,
        &app.admin(),
        "query { organisation(odsCode: \"RJ1\") { name } }",
        json!({}),
        "NOT_FOUND",
    )
    .await;
}

/// Requests that are not POSTed JSON are not executed.
async fn only_posted_json_is_executed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let url = format!("{}/graphql", app.address);
    let body = json!({ "query": PLAN, "variables": plan_input("QMJ") }).to_string();
    let before = app.event_count().await;

    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = app
            .client
            .post(&url)
            .bearer_auth(&officer)
            .body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        let response = request.send().await.expect("request sent");
        assert_eq!(response.status().as_u16(), 415, "{content_type:?}");
        let answer: Value = response.json().await.expect("JSON body");
        assert!(answer.get("data").is_none(), "{answer}");
        assert_eq!(
            app.event_count().await,
            before,
            "{content_type:?}: appended"
        );
    }

    // A mutation sent by GET, as GraphQL-over-HTTP query parameters.
    let get = reqwest::Url::parse_with_params(
        &url,
        [
            ("query", PLAN.to_owned()),
            ("variables", plan_input("QMJ").to_string()),
        ],
    )
    .expect("URL");
    let response = app
        .client
        .get(get)
        .bearer_auth(&officer)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("body");
    // GraphiQL is on by default only for the embedded database.
    assert_eq!(
        app.settings.graphiql_enabled(),
        app.backend == Backend::Sqlite
    );
    if app.settings.graphiql_enabled() {
        // GET serves the GraphiQL page and ignores the query.
        assert_eq!(status, 200, "{text}");
        assert!(content_type.starts_with("text/html"), "{content_type}");
    } else {
        assert_eq!(status, 405, "{text}");
    }
    assert!(!text.contains("\"planActivity\""), "{text}");
    assert_eq!(app.event_count().await, before, "GET appended");
}

on_both!(
    bad_tokens_are_unauthenticated,
    other_organisations_records_are_invisible,
    read_only_roles_and_admin_only_registration,
    only_posted_json_is_executed,
);
