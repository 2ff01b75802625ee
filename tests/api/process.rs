//! The real binary as a child process, for tests that must see the service's own logs.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use partnership_ledger::config::{Secret, Settings};

use crate::helpers::{
    drop_postgres_database, fresh_postgres_database, give_keys, storage_env, Backend, Endpoint,
    TEST_SECRET,
};

/// A running `partnership-ledger serve` with its log captured to a file.
pub struct ServiceProcess {
    child: Child,
    pub api: Endpoint,
    postgres_database: Option<String>,
    pub log_path: PathBuf,
    /// Settings that reach the same storage, for an in-process service after this one stops.
    pub settings: Settings,
    pub data_dir: tempfile::TempDir,
    _log_dir: tempfile::TempDir,
}

impl ServiceProcess {
    /// Starts the binary on a fresh database of `backend`, logging at debug level.
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, &[]).await
    }

    /// [`Self::start`], with `env` set for the service besides.
    pub async fn start_with(backend: Backend, env: &[(&str, &str)]) -> Self {
        let data_dir = tempfile::tempdir().expect("data directory");
        let log_dir = tempfile::tempdir().expect("log directory");
        let log_path = log_dir.path().join("service.log");
        let mut settings =
            Settings::embedded(data_dir.path(), "127.0.0.1:0".parse().expect("address"));
        settings.jwt.secret = Some(Secret::new(TEST_SECRET.to_owned()));
        let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
        command
            .arg("serve")
            .env("PL_DATA_DIR", data_dir.path())
            .env("PL_LISTEN", "127.0.0.1:0")
            .env("PL_JWT_SECRET", TEST_SECRET)
            .env("RUST_LOG", "debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).expect("log file"));
        let postgres_database = (backend == Backend::Postgres)
            .then(|| format!("pl_test_{}", uuid::Uuid::new_v4().simple()));
        if let Some(name) = &postgres_database {
            let url = fresh_postgres_database(name).await;
            settings.database_url = Some(Secret::new(url));
            give_keys(&mut settings);
        }
        storage_env(&mut command, &settings);
        command.envs(env.iter().copied());
        let (child, address) = launch(&mut command, &log_path).await;
        let api = Endpoint::new(address, &settings);
        Self {
            child,
            api,
            postgres_database,
            log_path,
            settings,
            data_dir,
            _log_dir: log_dir,
        }
    }

    /// Kills the service at once (SIGKILL: no shutdown, no flush), then starts it again on the
    /// same storage, waiting until it is ready.
    pub async fn kill_and_restart(&mut self) {
        self.stop();
        let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
        command
            .arg("serve")
            .env("PL_DATA_DIR", self.data_dir.path())
            .env("PL_LISTEN", "127.0.0.1:0")
            .env("PL_JWT_SECRET", TEST_SECRET)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&self.log_path).expect("log file"));
        storage_env(&mut command, &self.settings);
        let (child, address) = launch(&mut command, &self.log_path).await;
        self.child = child;
        self.api = Endpoint::new(address, &self.settings);
    }

    /// Another process of the service on the same storage, logging apart.
    pub async fn alongside(&self) -> ProcessReplica {
        let log_dir = tempfile::tempdir().expect("log directory");
        let log_path = log_dir.path().join("replica.log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
        command
            .arg("serve")
            .env("PL_DATA_DIR", self.data_dir.path())
            .env("PL_LISTEN", "127.0.0.1:0")
            .env("PL_JWT_SECRET", TEST_SECRET)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).expect("log file"));
        storage_env(&mut command, &self.settings);
        let (child, address) = launch(&mut command, &log_path).await;
        ProcessReplica {
            child,
            api: Endpoint::new(address, &self.settings),
            log_path,
            _log_dir: log_dir,
        }
    }

    /// Everything the service logged so far.
    pub fn log(&self) -> Vec<u8> {
        std::fs::read(&self.log_path).expect("read log")
    }

    /// Stops the service.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl std::ops::Deref for ServiceProcess {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.api
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.stop();
        if let Some(name) = self.postgres_database.take() {
            drop_postgres_database(name);
        }
    }
}

/// Starts `command` and waits for its "ready" line in the log at `log_path`; answers with the
/// child and the address it listens on.
async fn launch(command: &mut Command, log_path: &std::path::Path) -> (Child, String) {
    let mut child = command.spawn().expect("start the service binary");
    let deadline = Instant::now() + Duration::from_secs(30);
    let address = loop {
        let log = std::fs::read_to_string(log_path).unwrap_or_default();
        if let Some(line) = log.lines().find(|l| l.contains("partnership ledger ready")) {
            let at =
                line.find("address=").expect("ready line names the address") + "address=".len();
            break format!(
                "http://{}",
                line[at..].split_whitespace().next().expect("address")
            );
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the service exited ({status}):\n{log}");
        }
        assert!(
            Instant::now() < deadline,
            "the service did not start:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    (child, address)
}

/// A second process of the service on the same storage; killed when dropped.
pub struct ProcessReplica {
    child: Child,
    pub api: Endpoint,
    pub log_path: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl ProcessReplica {
    /// What it logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl std::ops::Deref for ProcessReplica {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.api
    }
}

impl Drop for ProcessReplica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
