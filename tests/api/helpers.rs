//! The test harness: a real service on a real database per test, over HTTP.
//!
//! Every test runs on both backends: SQLite in a fresh temporary data directory, and
//! PostgreSQL in a fresh database created on the server at `PL_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Without a PostgreSQL server the PostgreSQL
//! half is skipped with a note, except under `CI=true`, where it fails.

use std::sync::Arc;

use partnership_ledger::auth::{Role, TokenAuthority};
use partnership_ledger::config::{Secret, Settings};
use partnership_ledger::crypto::MasterKey;
use partnership_ledger::ledger::Ledger;
use partnership_ledger::startup::Application;
use partnership_ledger::store::Db;
use serde_json::{json, Value};
use sqlx::Connection;

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body on one backend.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !$crate::helpers::postgres_available().await {
                    return;
                }
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    )*};
}

pub const TEST_SECRET: &str = "test-secret-that-is-long-enough-for-hs256-0123456789";
pub const ISSUER: &str = "partnership-ledger";
pub const AUDIENCE: &str = "partnership-ledger";

fn admin_url() -> String {
    std::env::var("PL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Whether the PostgreSQL half can run; fails under `CI=true` when it cannot.
pub async fn postgres_available() -> bool {
    match sqlx::PgConnection::connect(&admin_url()).await {
        Ok(conn) => {
            let _ = conn.close().await;
            true
        }
        Err(error) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and PostgreSQL at PL_TEST_POSTGRES_URL does not answer: {error}");
            }
            eprintln!("note: PostgreSQL not available ({error}); skipping the PostgreSQL half of this test");
            false
        }
    }
}

/// Where a running service answers, and how to sign in to it.
pub struct Endpoint {
    pub address: String,
    pub client: reqwest::Client,
    pub tokens: TokenAuthority,
}

/// A running service.
pub struct TestApp {
    pub api: Endpoint,
    pub ledger: Arc<Ledger>,
    pub backend: Backend,
    pub settings: Settings,
    /// Where its `/metrics` is served, when the settings asked for a metrics listener.
    pub metrics: Option<String>,
    postgres_database: Option<String>,
    _data_dir: tempfile::TempDir,
}

impl std::ops::Deref for TestApp {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.api
    }
}

impl Drop for TestApp {
    /// Drops the test's PostgreSQL database, so repeated runs leave nothing behind.
    fn drop(&mut self) {
        if let Some(name) = self.postgres_database.take() {
            drop_postgres_database(name);
        }
    }
}

/// Drops a test database, closing whatever connections it still has.
pub fn drop_postgres_database(name: String) {
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&admin_url()).await.ok()?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .ok()
        })
    });
    let _ = dropped.join();
}

/// Creates database `name` on the test server and answers with its URL.
pub async fn fresh_postgres_database(name: &str) -> String {
    let admin = admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    // Same server and credentials, the new database's name in place of the path.
    let host_start = admin.find("://").map_or(0, |i| i + 3);
    let base = match admin[host_start..].find('/') {
        Some(slash) => &admin[..host_start + slash],
        None => admin.as_str(),
    };
    format!("{base}/{name}")
}

/// Settings for a fresh database of `backend` in a fresh data directory; answers with the
/// PostgreSQL database's name too, to drop when done.
pub async fn fresh_settings(backend: Backend) -> (Settings, tempfile::TempDir, Option<String>) {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(std::env::var("TEST_LOG").unwrap_or_else(|_| "warn".into()))
        .try_init();
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let mut settings = Settings::embedded(data_dir.path(), "127.0.0.1:0".parse().expect("address"));
    settings.jwt.secret = Some(Secret::new(TEST_SECRET.to_owned()));
    let postgres_database = (backend == Backend::Postgres)
        .then(|| format!("pl_test_{}", uuid::Uuid::new_v4().simple()));
    if let Some(name) = &postgres_database {
        settings.database_url = Some(Secret::new(fresh_postgres_database(name).await));
        give_keys(&mut settings);
    }
    (settings, data_dir, postgres_database)
}

/// Gives `settings` fresh keys of their own, as PostgreSQL requires (the embedded default
/// generates them into the data directory instead).
pub fn give_keys(settings: &mut Settings) {
    settings.master_key = Some(Secret::new(MasterKey::generate().to_base64()));
    settings.checkpoint_key = Some(Secret::new(hex::encode(rand::random::<[u8; 32]>())));
}

/// Points a run of the binary at the storage and keys of `settings`: `DATABASE_URL`,
/// `PL_MASTER_KEY` and `PL_CHECKPOINT_KEY` as set there, and unset where they are not.
pub fn storage_env(command: &mut std::process::Command, settings: &Settings) {
    // Services run side by side: none takes the default metrics address (a test of the
    // metrics gives its own after this).
    command.env("PL_METRICS_LISTEN", "off");
    for (name, value) in [
        ("DATABASE_URL", &settings.database_url),
        ("PL_MASTER_KEY", &settings.master_key),
        ("PL_CHECKPOINT_KEY", &settings.checkpoint_key),
    ] {
        match value {
            Some(value) => command.env(name, value.expose()),
            None => command.env_remove(name),
        };
    }
}

/// Starts the service on a fresh database of `backend`.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the service on a fresh database of `backend`, with settings changed by `change`.
pub async fn spawn_app_with(backend: Backend, change: impl FnOnce(&mut Settings)) -> TestApp {
    let (mut settings, data_dir, postgres_database) = fresh_settings(backend).await;
    change(&mut settings);
    spawn_app_on(backend, settings, data_dir, postgres_database).await
}

/// Starts the service on storage made by [`fresh_settings`] (and perhaps filled since).
pub async fn spawn_app_on(
    backend: Backend,
    settings: Settings,
    data_dir: tempfile::TempDir,
    postgres_database: Option<String>,
) -> TestApp {
    let app = Application::build(&settings).await.expect("service builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let ledger = app.ledger();
    let metrics = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}/metrics"));
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp {
        api: Endpoint::new(address, &settings),
        ledger,
        backend,
        settings,
        metrics,
        postgres_database,
        _data_dir: data_dir,
    }
}

/// Runs the binary on the storage, keys and token secret of `settings`; answers (success,
/// stdout, stderr).
pub fn run_on(settings: &Settings, args: &[&str]) -> (bool, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args(args)
        .env("PL_DATA_DIR", &settings.data_dir)
        .env("RUST_LOG", "warn");
    if let Some(secret) = &settings.jwt.secret {
        command.env("PL_JWT_SECRET", secret.expose());
    }
    storage_env(&mut command, settings);
    let output = command.output().expect("run the binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs the binary against the test service's storage; answers (success, stdout, stderr).
pub fn cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args(args)
        .env("PL_DATA_DIR", &app.settings.data_dir)
        .env("RUST_LOG", "warn");
    storage_env(&mut command, &app.settings);
    let output = command.output().expect("run the binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

impl Endpoint {
    /// An endpoint at `address` whose tokens are signed per `settings`.
    pub fn new(address: String, settings: &Settings) -> Self {
        let tokens = TokenAuthority::from_settings(&settings.jwt, &settings.data_dir)
            .expect("token authority");
        Self {
            address,
            client: reqwest::Client::new(),
            tokens,
        }
    }

    /// A valid token.
    pub fn token(&self, role: Role, orgs: &[&str]) -> String {
        let orgs: Vec<String> = orgs.iter().map(|o| o.to_string()).collect();
        self.tokens
            .mint("tester@example.nhs.uk", role, &orgs, 3600)
            .expect("mint token")
    }

    /// An admin token.
    pub fn admin(&self) -> String {
        self.token(Role::Admin, &[])
    }

    /// Posts a GraphQL request; answers with the status and the JSON body.
    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// Posts a GraphQL request; answers with the status and the JSON body, or `None` when the
    /// service did not answer (it was stopped mid-request, say).
    pub async fn try_post(
        &self,
        token: &str,
        query: &str,
        variables: Value,
    ) -> Option<(u16, Value)> {
        let response = self
            .client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .ok()?;
        let status = response.status().as_u16();
        Some((status, response.json().await.ok()?))
    }

    /// Runs a GraphQL request that must succeed; answers with `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(Some(token), query, variables).await;
        assert_eq!(status, 200, "HTTP status for {query}: {body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs a GraphQL request that must fail; answers with the first error's code and message.
    pub async fn err(&self, token: &str, query: &str, variables: Value) -> (String, String) {
        let (_, body) = self.post(Some(token), query, variables).await;
        let error = &body["errors"][0];
        assert!(!error.is_null(), "expected an error, got {body}");
        (
            error["extensions"]["code"]
                .as_str()
                .unwrap_or("<none>")
                .to_owned(),
            error["message"].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// Runs mutation `field` (its input type named after it, as `planActivity` takes
    /// `PlanActivityInput`) with `input`; answers with the payload's `selection`.
    pub async fn call(&self, token: &str, field: &str, selection: &str, input: Value) -> Value {
        let mut input_type = field[..1].to_ascii_uppercase();
        input_type.push_str(&field[1..]);
        let query =
            format!("mutation($i: {input_type}Input!) {{ {field}(input: $i) {{ {selection} }} }}");
        self.ok(token, &query, json!({ "i": input })).await[field].clone()
    }

    /// Registers an organisation as admin.
    pub async fn register(&self, code: &str, name: &str) {
        self.ok(
            &self.admin(),
            "mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisation { odsCode } } }",
            json!({ "i": { "odsCode": code, "name": name, "kind": "NHS_TRUST" } }),
        )
        .await;
    }
}

impl TestApp {
    /// The database under the service.
    pub fn db(&self) -> &Db {
        self.ledger.db()
    }

    /// How many events the log holds.
    pub async fn event_count(&self) -> i64 {
        match self.db() {
            Db::Postgres(pool) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM events")
                    .fetch_one(pool)
                    .await
            }
            Db::Sqlite(pool) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM events")
                    .fetch_one(pool)
                    .await
            }
        }
        .expect("count events")
    }
}

/// Plans an activity for `org` and answers with its id.
pub async fn plan_activity(app: &Endpoint, token: &str, org: &str, planned_on: &str) -> String {
    let data = app
        .ok(
            token,
            "mutation($i: PlanActivityInput!) { planActivity(input: $i) { activity { id } } }",
            json!({ "i": {
                "kind": "FOCUS_GROUP", "title": "Outpatient letters", "topic": "Communication",
                "leadOrganisation": org, "principles": ["INFORMED", "SEEKING_INPUT"], "plannedOn": planned_on
            }}),
        )
        .await;
    data["planActivity"]["activity"]["id"]
        .as_str()
        .expect("activity id")
        .to_owned()
}

/// Records an input item at an activity and answers with its id.
pub async fn record_item(
    app: &Endpoint,
    token: &str,
    activity: &str,
    summary: &str,
    raised_on: &str,
) -> String {
    let data = app
        .ok(
            token,
            "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) { inputItem { id } } }",
            json!({ "i": {
                "activityId": activity, "kind": "RECOMMENDATION", "summary": summary,
                "themes": ["access"], "raisedBy": "PATIENT", "raisedOn": raised_on
            }}),
        )
        .await;
    data["recordInputItem"]["inputItem"]["id"]
        .as_str()
        .expect("item id")
        .to_owned()
}

/// Registers RX1 (Riverside Hospital) and its officer, and records an item "Letters arrive after
/// the clinic date" raised at a focus group on 10 March 2026 and accepted on 20 March; answers
/// the officer's token, the activity and the item.
pub async fn accepted_letters(app: &TestApp) -> (String, String, String) {
    app.register("RX1", "Riverside Hospital").await;
    let officer = app.token(Role::EngagementOfficer, &["RX1"]);
    let activity = plan_activity(app, &officer, "RX1", "2026-03-10").await;
    let item = record_item(
        app,
        &officer,
        &activity,
        "Letters arrive after the clinic date",
        "2026-03-10",
    )
    .await;
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": item, "outcome": "ACCEPTED", "decidedOn": "2026-03-20" }),
    )
    .await;
    (officer, activity, item)
}

/// Proposes an action of `org` titled `title` answering `item`, due at the end of June 2026;
/// answers its id.
pub async fn propose_action(
    app: &Endpoint,
    token: &str,
    org: &str,
    item: &str,
    title: &str,
) -> String {
    let data = app
        .call(
            token,
            "proposeAction",
            "action { id }",
            json!({ "title": title, "ownerOrganisation": org, "ownerRole": "Outpatients manager",
                "decisionForum": "Operations board", "dueOn": "2026-06-30",
                "proposedOn": "2026-03-21", "inputItemIds": [item] }),
        )
        .await;
    data["action"]["id"].as_str().expect("action id").to_owned()
}

/// Another replica of the service on the same storage as some `settings`, stoppable.
pub struct Replica {
    pub api: Endpoint,
    pub ledger: Arc<Ledger>,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Replica {
    pub async fn start(settings: &Settings) -> Self {
        let app = Application::build(settings).await.expect("replica builds");
        let api = Endpoint::new(format!("http://127.0.0.1:{}", app.port()), settings);
        let ledger = app.ledger();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Self {
            api,
            ledger,
            stop,
            running,
        }
    }

    /// Stops serving and projecting, and waits until it has.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.running.await;
    }
}

impl std::ops::Deref for Replica {
    type Target = Endpoint;
    fn deref(&self) -> &Endpoint {
        &self.api
    }
}

/// Waits until the service's views and tallies include every event in the log: for records
/// written by another process (the command line), which the service's projector finds by
/// polling rather than being told.
pub async fn caught_up_with_the_log(app: &TestApp) {
    for _ in 0..300 {
        let status = partnership_ledger::projections::status::status(app.db())
            .await
            .expect("the views' status");
        // The service's own views, too: it finds what another process projected only when it
        // next reads the log (SQLite has no notifications), and its readers wait for the
        // tallies to reach where its views stand.
        if status.lag_events == 0 && app.ledger.projector().position() >= status.position {
            tallies_caught_up(app).await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the views did not catch up with the log in 30 s");
}

/// Waits for the tallies to reach the views: writers do not wait for them, and this test
/// reads them straight from the tables rather than through the API (whose readers wait).
pub async fn tallies_caught_up(app: &TestApp) {
    assert!(
        app.ledger
            .projector()
            .tallies_in_step(std::time::Duration::from_secs(30))
            .await,
        "the tallies did not reach the views"
    );
}
