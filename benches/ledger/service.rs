//! The real service binary as a separate process, and a GraphQL client for it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use partnership_ledger::auth::{Role, TokenAuthority};
use partnership_ledger::config::{Secret, Settings};
use serde_json::{json, Value};

/// The HS256 secret every benchmark service and client shares.
pub const SECRET: &str = "benchmark-secret-that-is-long-enough-for-hs256-0123456789";

/// The master key every benchmark service on PostgreSQL is given (which requires one).
const MASTER_KEY: &str = "YmVuY2htYXJrLW1hc3Rlci1rZXktMzItYnl0ZXMhISE=";

/// The checkpoint key every benchmark service on PostgreSQL is given.
const CHECKPOINT_KEY: &str = "bebebebebebebebebebebebebebebebebebebebebebebebebebebebebebebebe";

/// Where a service keeps its data: the embedded SQLite file in `dir`, or PostgreSQL at `url`.
#[derive(Debug, Clone)]
pub struct Storage {
    pub dir: PathBuf,
    pub database_url: Option<String>,
}

impl Storage {
    /// The environment the binary needs for this storage.
    pub fn env(&self, command: &mut Command) {
        command
            .env("PL_DATA_DIR", &self.dir)
            .env("PL_JWT_SECRET", SECRET)
            .env("RUST_LOG", "warn");
        match &self.database_url {
            Some(url) => command
                .env("DATABASE_URL", url)
                .env("PL_MASTER_KEY", MASTER_KEY)
                .env("PL_CHECKPOINT_KEY", CHECKPOINT_KEY),
            None => command
                .env_remove("DATABASE_URL")
                .env_remove("PL_MASTER_KEY")
                .env_remove("PL_CHECKPOINT_KEY"),
        };
    }
}

/// A running service process.
pub struct Service {
    child: Child,
    pub client: Client,
    /// From spawning the process to `/ready` answering 200.
    pub start_up: Duration,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Service {
    /// Starts `binary serve` on `storage` and waits until it is ready.
    pub async fn start(binary: &Path, storage: &Storage) -> anyhow::Result<Self> {
        Self::start_with(binary, storage, &[]).await
    }

    /// [`Self::start`], with `env` set for the service besides.
    pub async fn start_with(
        binary: &Path,
        storage: &Storage,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .env("PL_LISTEN", format!("127.0.0.1:{port}"))
            .env("PL_RATE_LIMIT_PER_MINUTE", "0")
            .env("PL_METRICS_LISTEN", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        storage.env(&mut command);
        command.envs(env.iter().copied());
        let started = Instant::now();
        let mut child = command.spawn().context("could not start the service")?;
        let client = Client::new(format!("http://127.0.0.1:{port}"), &storage.dir)?;
        loop {
            if let Some(status) = child.try_wait()? {
                bail!("the service exited early: {status}");
            }
            if client.ready().await {
                break;
            }
            if started.elapsed() > Duration::from_secs(600) {
                bail!("the service was not ready within 10 minutes");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok(Self {
            start_up: started.elapsed(),
            child,
            client,
        })
    }

    fn status_field(&self, name: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    /// The process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The most memory the process has held (VmHWM), in MiB.
    pub fn peak_rss_mib(&self) -> Option<f64> {
        self.status_field("VmHWM:").map(|kib| kib as f64 / 1024.0)
    }

    /// The memory the process holds now (VmRSS), in MiB.
    pub fn rss_mib(&self) -> Option<f64> {
        self.status_field("VmRSS:").map(|kib| kib as f64 / 1024.0)
    }

    /// Starts counting the most memory held afresh from what is held now (Linux's
    /// `clear_refs`), so that a peak can be taken over one part of a run.
    pub fn reset_peak_rss(&self) -> anyhow::Result<()> {
        std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5")?;
        Ok(())
    }

    /// Stops the process (SIGTERM, then a kill after 10 s).
    pub fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    /// A benchmark that fails part-way never leaves its service running.
    fn drop(&mut self) {
        self.terminate();
    }
}

/// A GraphQL-over-HTTP client with tokens for the benchmark's callers.
#[derive(Clone)]
pub struct Client {
    pub address: String,
    http: reqwest::Client,
    tokens: std::sync::Arc<TokenAuthority>,
}

impl Client {
    fn new(address: String, dir: &Path) -> anyhow::Result<Self> {
        let mut settings = Settings::embedded(dir, "127.0.0.1:0".parse()?);
        settings.jwt.secret = Some(Secret::new(SECRET.to_owned()));
        Ok(Self {
            address,
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .build()?,
            tokens: std::sync::Arc::new(TokenAuthority::from_settings(&settings.jwt, dir)?),
        })
    }

    /// A token for `role` in `orgs`.
    pub fn token(&self, role: Role, orgs: &[&str]) -> anyhow::Result<String> {
        let orgs: Vec<String> = orgs.iter().map(|o| o.to_string()).collect();
        self.tokens
            .mint(&format!("bench-{role}"), role, &orgs, 24 * 3600)
    }

    async fn ready(&self) -> bool {
        match self
            .http
            .get(format!("{}/ready", self.address))
            .send()
            .await
        {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        }
    }

    /// Runs a request that must succeed; answers with `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> anyhow::Result<Value> {
        let body: Value = self
            .http
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await?
            .json()
            .await?;
        if let Some(error) = body.get("errors").and_then(|e| e.get(0)) {
            bail!("{}", error["message"]);
        }
        Ok(body["data"].clone())
    }

    /// Runs mutation `field` (input type named after it) and answers with `payload`'s id.
    pub async fn create(
        &self,
        token: &str,
        field: &str,
        payload: &str,
        input: Value,
    ) -> anyhow::Result<String> {
        let data = self
            .mutate(token, field, &format!("{payload} {{ id }}"), input)
            .await?;
        data[field][payload]["id"]
            .as_str()
            .map(str::to_owned)
            .context("no id in the answer")
    }

    /// Runs mutation `field` with `input`, selecting `selection`.
    pub async fn mutate(
        &self,
        token: &str,
        field: &str,
        selection: &str,
        input: Value,
    ) -> anyhow::Result<Value> {
        let mut input_type = field[..1].to_ascii_uppercase();
        input_type.push_str(&field[1..]);
        let query =
            format!("mutation($i: {input_type}Input!) {{ {field}(input: $i) {{ {selection} }} }}");
        self.ok(token, &query, json!({ "i": input })).await
    }
}
