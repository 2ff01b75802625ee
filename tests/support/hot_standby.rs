//! A hot standby of the test server, streamed from it as a platform team would set one up:
//! `pg_basebackup -R -X stream` into a second cluster on a port of its own, started with
//! `pg_ctl`. It replays everything the test server commits, every database included, so the
//! standby of a test's fresh database is the same URL on the standby's port.
//!
//! It needs PostgreSQL's server programs (Debian's `/usr/lib/postgresql/<major>/bin`, or
//! `PL_TEST_PG_BINDIR`) and a test server that accepts replication connections from
//! 127.0.0.1 (`.ci/run` allows them). Run as root, the cluster is run as `postgres`, as
//! PostgreSQL refuses root.
//!
//! Shared by the tests (`tests/api/standby_reads.rs`) and the benchmark's `standby` part, each
//! of which uses only some of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use sqlx::Connection;

/// A running standby, stopped and removed when dropped.
pub struct HotStandby {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn admin_url() -> url::Url {
    let text = std::env::var("PL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    url::Url::parse(&text).expect("PL_TEST_POSTGRES_URL is a URL")
}

/// Whether a missing tool fails the test (under `CI=true`) rather than skipping it.
fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

impl HotStandby {
    /// Streams a standby of the test server and starts it; `None` (with a note) when this
    /// machine cannot, outside CI.
    pub async fn start() -> Option<Self> {
        let admin = admin_url();
        let mut conn = sqlx::PgConnection::connect(admin.as_str())
            .await
            .expect("connect to the test server");
        let version: String = sqlx::query_scalar("SHOW server_version_num")
            .fetch_one(&mut conn)
            .await
            .expect("server version");
        // A hot standby needs at least the primary's figures of these.
        let mut figures = Vec::new();
        for setting in [
            "max_connections",
            "max_worker_processes",
            "max_wal_senders",
            "max_prepared_transactions",
            "max_locks_per_transaction",
        ] {
            let value: String = sqlx::query_scalar(&format!("SHOW {setting}"))
                .fetch_one(&mut conn)
                .await
                .expect("a setting");
            figures.push(format!("{setting} = {value}"));
        }
        let _ = conn.close().await;
        let major = version.parse::<u32>().expect("a version number") / 10_000;
        let bin = std::env::var("PL_TEST_PG_BINDIR").map_or_else(
            |_| PathBuf::from(format!("/usr/lib/postgresql/{major}/bin")),
            PathBuf::from,
        );
        if !bin.join("pg_basebackup").exists() {
            let why = format!("no pg_basebackup in {}", bin.display());
            assert!(
                !required(),
                "CI=true and {why}: the standby test cannot run"
            );
            eprintln!("note: {why}; skipping the hot-standby test");
            return None;
        }
        let as_postgres = output(Command::new("id").arg("-u")).trim() == "0";
        let dir = PathBuf::from(
            output(&mut wrapped(
                as_postgres,
                "mktemp",
                &["-d", "/tmp/pl-standby-XXXXXX"],
            ))
            .trim(),
        );
        let port = free_port();
        let standby = Self {
            dir,
            bin,
            port,
            as_postgres,
        };
        let data = standby.data();
        let host = admin.host_str().unwrap_or("127.0.0.1").to_owned();
        let primary_port = admin.port().unwrap_or(5432).to_string();
        let user = match admin.username() {
            "" => "postgres".to_owned(),
            user => user.to_owned(),
        };
        standby.run(
            "pg_basebackup",
            &[
                "-h",
                &host,
                "-p",
                &primary_port,
                "-U",
                &user,
                "-D",
                &data,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ],
        );
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             hot_standby = on\n{}\n",
            standby.dir.display(),
            figures.join("\n")
        );
        standby.write("data/postgresql.conf", &conf);
        standby.write(
            "data/pg_hba.conf",
            "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        );
        standby.write("data/pg_ident.conf", "");
        let log = standby.dir.join("log").display().to_string();
        standby.run(
            "pg_ctl",
            &["-D", &data, "-l", &log, "-w", "-t", "60", "start"],
        );
        standby.answering().await;
        Some(standby)
    }

    /// The standby of the test server's URL `url`: the same database on the standby's port.
    pub fn url_of(&self, url: &str) -> String {
        let mut parsed = url::Url::parse(url).expect("a database URL");
        parsed.set_port(Some(self.port)).expect("a port");
        parsed.to_string()
    }

    /// Pauses replaying what the primary sends (it is still received): reads see the standby
    /// as it stood.
    pub async fn pause(&self) {
        self.admin("SELECT pg_wal_replay_pause()").await;
    }

    /// Replays again.
    pub async fn resume(&self) {
        self.admin("SELECT pg_wal_replay_resume()").await;
    }

    /// Stops the standby at once, as a crash would.
    pub fn stop(&self) {
        let data = self.data();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }

    async fn admin(&self, statement: &str) {
        let url = self.url_of(admin_url().as_str());
        let mut conn = sqlx::PgConnection::connect(&url)
            .await
            .expect("connect to the standby");
        sqlx::query(statement)
            .execute(&mut conn)
            .await
            .expect("the standby runs it");
        let _ = conn.close().await;
    }

    async fn answering(&self) {
        let url = self.url_of(admin_url().as_str());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match sqlx::PgConnection::connect(&url).await {
                Ok(conn) => {
                    let _ = conn.close().await;
                    return;
                }
                Err(error) => assert!(
                    Instant::now() < deadline,
                    "the standby does not answer: {error}; its log: {}",
                    std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
                ),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The standby's data directory (its `postmaster.pid` names its postmaster).
    pub fn data_directory(&self) -> String {
        self.data()
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        output(&mut wrapped(
            self.as_postgres,
            &program.display().to_string(),
            args,
        ));
    }

    /// Writes `text` to `name` under the standby's directory, as its owner.
    fn write(&self, name: &str, text: &str) {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("write a standby file");
        if self.as_postgres {
            output(Command::new("chown").args(["postgres:postgres", &path.display().to_string()]));
        }
    }
}

impl Drop for HotStandby {
    fn drop(&mut self) {
        let data = self.data();
        let program = self.bin.join("pg_ctl").display().to_string();
        let _ = wrapped(
            self.as_postgres,
            &program,
            &["-D", &data, "-m", "immediate", "-w", "stop"],
        )
        .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `program` with `args`, run as `postgres` when `as_postgres`.
fn wrapped(as_postgres: bool, program: &str, args: &[&str]) -> Command {
    if as_postgres {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", program]).args(args);
        command
    } else {
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

/// What `command` printed, once it succeeded.
fn output(command: &mut Command) -> String {
    let done = command.output().expect("the command runs");
    assert!(
        done.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    String::from_utf8_lossy(&done.stdout).into_owned()
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}
