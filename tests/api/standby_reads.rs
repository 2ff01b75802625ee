//! Scale-out reads: with a hot standby streamed from the test server (`DATABASE_READ_URL`),
//! queries and pages are read from it and writes go to the primary; a reader naming a receipt's
//! `X-Log-Position` is answered once the standby has replayed it, a person's pages show their
//! own changes at once, a standby too far behind or down is passed over, and the metrics say
//! which server answered.

use std::time::{Duration, Instant};

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{
    fresh_settings, plan_activity, postgres_available, spawn_app_on, Backend, TestApp,
};
use crate::hot_standby::HotStandby;
use crate::metrics::{sample, scrape};
use crate::web_visitor::Visitor;

const ITEMS: &str = "{ inputItems { edges { node { summary } } } }";
const ROLLUP: &str = "query($code: String!) { organisation(odsCode: $code) { rollup { total } } }";
const RECORD: &str = "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) {
    receipt { logPosition } } }";

/// A metric's value in the service's `/metrics` (0 when it has no such sample yet).
async fn metric(app: &TestApp, name: &str, label: &str) -> f64 {
    sample(&scrape(app).await, name, &[label]).unwrap_or(0.0)
}

/// Reads answered by the standby and by the primary so far.
async fn reads(app: &TestApp) -> (f64, f64) {
    (
        metric(app, "pl_reads_total", "server=\"standby\"").await,
        metric(app, "pl_reads_total", "server=\"primary\"").await,
    )
}

/// The summaries of the input items the officer sees, read at `position` when given.
async fn summaries(app: &TestApp, token: &str, position: Option<&str>) -> Vec<String> {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({ "query": ITEMS }));
    if let Some(position) = position {
        request = request.header("x-log-position", position);
    }
    let body: Value = request
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let mut found: Vec<String> = body["data"]["inputItems"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("input items: {body}"))
        .iter()
        .map(|e| e["node"]["summary"].as_str().unwrap_or_default().to_owned())
        .collect();
    found.sort();
    found
}

/// Records an item at `activity` through the primary; answers its receipt's position.
async fn record(app: &TestApp, token: &str, activity: &str, summary: &str) -> String {
    let done = app
        .ok(
            token,
            RECORD,
            json!({ "i": { "activityId": activity, "kind": "IDEA", "summary": summary,
                "themes": ["access"], "raisedBy": "PATIENT", "raisedOn": "2026-03-10" } }),
        )
        .await;
    done["recordInputItem"]["receipt"]["logPosition"]
        .as_str()
        .expect("a position")
        .to_owned()
}

/// Waits until `metric` of the standby satisfies `until`.
async fn standby_metric(app: &TestApp, name: &str, until: impl Fn(f64) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !until(metric(app, name, "standby=\"1\"").await) {
        assert!(
            Instant::now() < deadline,
            "{name} never came to be as waited for"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_are_read_from_a_hot_standby_once_it_holds_what_they_ask_for() {
    if !postgres_available().await {
        return;
    }
    let Some(standby) = HotStandby::start().await else {
        return;
    };
    let (mut settings, data_dir, database) = fresh_settings(Backend::Postgres).await;
    let primary = settings.database_url.as_ref().expect("PostgreSQL").expose();
    settings.database_read_urls = vec![partnership_ledger::config::Secret::new(
        standby.url_of(primary),
    )];
    // Every query the standby can answer goes to it, so that which server answered shows.
    settings.read_from_primary = false;
    settings.read_max_lag = Duration::from_secs(3);
    settings.metrics_listen = Some(([127, 0, 0, 1], 0).into());
    let app = spawn_app_on(Backend::Postgres, settings, data_dir, database).await;
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(&app, &officer, "RX1", "2026-03-10").await;

    // A write through the primary, read back through the standby at its receipt's position:
    // the items, and the roll-up counted from the standby's tallies.
    let first = record(&app, &officer, &activity, "Clearer letters").await;
    let (standby_before, primary_before) = reads(&app).await;
    assert_eq!(
        summaries(&app, &officer, Some(&first)).await,
        ["Clearer letters"]
    );
    let rollup = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&officer)
        .header("x-log-position", &first)
        .json(&json!({ "query": ROLLUP, "variables": { "code": "RX1" } }))
        .send()
        .await
        .expect("request")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(
        rollup["data"]["organisation"]["rollup"]["total"], 1,
        "{rollup}"
    );
    assert_eq!(
        reads(&app).await,
        (standby_before + 2.0, primary_before),
        "both read from the standby"
    );

    // With the standby's replay paused, a reader naming no position gets the standby as it
    // stood: the primary's newer write is not there, which shows where it was read.
    standby.pause().await;
    let second = record(&app, &officer, &activity, "Evening clinics").await;
    assert_eq!(summaries(&app, &officer, None).await, ["Clearer letters"]);
    // A reader naming the new position waits for the standby to replay it, and it answers.
    let (standby_before, primary_before) = reads(&app).await;
    let waiting = {
        let (app_ref, officer, second) = (&app, officer.clone(), second.clone());
        async move { summaries(app_ref, &officer, Some(&second)).await }
    };
    let resume = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        standby.resume().await;
    };
    let (found, ()) = tokio::join!(waiting, resume);
    assert_eq!(found, ["Clearer letters", "Evening clinics"]);
    assert_eq!(
        reads(&app).await,
        (standby_before + 1.0, primary_before),
        "the standby answered once it had replayed the position"
    );

    // A person's pages show their own change at once: the page after a form is read at or
    // after it, by the primary while the standby has not replayed it.
    standby.pause().await;
    let mut visitor = Visitor::officer(&app, &["RX1"]).await;
    let form = visitor.get("/activities/new").await;
    let answers = [
        ("csrf_token", form.form_token()),
        ("title", "Maternity voices".to_owned()),
        ("topic", "Maternity".to_owned()),
        ("kind", "LISTENING_EVENT".to_owned()),
        ("plannedOn-day", "12".to_owned()),
        ("plannedOn-month", "1".to_owned()),
        ("plannedOn-year", "2027".to_owned()),
        ("principles", "SEEKING_INPUT".to_owned()),
    ];
    let answers: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let check = visitor.post("/activities/new", &answers).await;
    let key = check.hidden("idempotency_key").expect("an idempotency key");
    let mut confirm = answers.clone();
    confirm.push(("idempotency_key", &key));
    let saved = visitor.post("/activities/new/confirm", &confirm).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = visitor.get(saved.location()).await;
    assert_eq!(page.heading(), "Activity - Maternity voices");
    let listed = visitor.get("/activities").await;
    assert!(listed.body.contains("Maternity voices"), "{}", listed.body);
    standby.resume().await;

    // A standby further behind than PL_READ_MAX_LAG_SECS is passed over until it catches up.
    standby.pause().await;
    record(&app, &officer, &activity, "Parking").await;
    standby_metric(&app, "pl_standby_lag_seconds", |lag| lag > 3.0).await;
    let (standby_before, primary_before) = reads(&app).await;
    assert_eq!(
        summaries(&app, &officer, None).await,
        ["Clearer letters", "Evening clinics", "Parking"],
        "the primary answers while the standby lags"
    );
    assert_eq!(reads(&app).await, (standby_before, primary_before + 1.0));
    standby.resume().await;
    standby_metric(&app, "pl_standby_lag_seconds", |lag| lag == 0.0).await;
    let (standby_before, _) = reads(&app).await;
    assert_eq!(summaries(&app, &officer, None).await.len(), 3);
    assert_eq!(
        reads(&app).await.0,
        standby_before + 1.0,
        "read from it again"
    );

    // Its connections are counted apart from the primary's.
    let connections = metric(&app, "pl_standby_pool_connections", "state=\"idle\"").await
        + metric(&app, "pl_standby_pool_connections", "state=\"in_use\"").await;
    assert!(
        connections >= 1.0,
        "{connections} connections to the standby"
    );

    // A standby that stops answering is passed over; the service goes on answering.
    assert_eq!(metric(&app, "pl_standby_up", "standby=\"1\"").await, 1.0);
    standby.stop();
    standby_metric(&app, "pl_standby_up", |up| up == 0.0).await;
    assert_eq!(summaries(&app, &officer, None).await.len(), 3);
}

/// Why building the service failed, which it must.
async fn refusal(settings: &partnership_ledger::config::Settings) -> String {
    match partnership_ledger::startup::Application::build(settings).await {
        Ok(_) => panic!("the service must refuse to start"),
        Err(error) => format!("{error:#}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standbys_that_cannot_be_read_from_are_refused_at_start_without_their_secrets() {
    use partnership_ledger::config::Secret;

    // The embedded database has no standbys.
    let (mut settings, _dir, _) = fresh_settings(Backend::Sqlite).await;
    settings.database_read_urls = vec![Secret::new("postgres://127.0.0.1/ledger".into())];
    let message = refusal(&settings).await;
    assert!(
        message.contains("DATABASE_READ_URL") && message.contains("DATABASE_URL too"),
        "{message}"
    );

    if !postgres_available().await {
        return;
    }
    let (mut settings, _dir, database) = fresh_settings(Backend::Postgres).await;
    settings.database_read_urls = vec![
        Secret::new("postgres://ledger:standby-password@127.0.0.1:5432/ledger".into()),
        Secret::new("postgres://ledger:other-password@127.0.0.1:99999/ledger".into()),
    ];
    let message = refusal(&settings).await;
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
    assert!(
        message.contains("DATABASE_READ_URL: standby 2"),
        "names which standby: {message}"
    );
    assert!(
        !message.contains("password"),
        "never shows a URL's password: {message}"
    );
}
