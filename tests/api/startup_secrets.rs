//! Files and secrets at start-up: the data directory and everything in it are the owner's
//! alone; a secret given empty or too short is refused; and on PostgreSQL the service refuses
//! to start without its keys rather than generating them where a container loses them.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use partnership_ledger::config::{Secret, Settings};
use partnership_ledger::startup::Application;

use crate::helpers::{drop_postgres_database, fresh_settings, storage_env, Backend};
use crate::on_both;

/// Fresh settings whose data directory does not exist yet (two levels of it, to create); the
/// PostgreSQL database is dropped with it.
struct Fresh {
    settings: Settings,
    database: Option<String>,
    _dir: tempfile::TempDir,
}

impl Fresh {
    async fn new(backend: Backend) -> Self {
        let (mut settings, dir, database) = fresh_settings(backend).await;
        settings.data_dir = dir.path().join("var").join("data");
        Self {
            settings,
            database,
            _dir: dir,
        }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some(name) = self.database.take() {
            drop_postgres_database(name);
        }
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Why building the service failed, which it must.
async fn refusal(settings: &Settings) -> String {
    match Application::build(settings).await {
        Ok(_) => panic!("the service must refuse to start"),
        Err(error) => format!("{error:#}"),
    }
}

async fn the_data_directory_and_its_files_are_private(backend: Backend) {
    let mut fresh = Fresh::new(backend).await;
    let settings = &mut fresh.settings;
    if backend == Backend::Sqlite {
        // The embedded default generates the token secret too.
        settings.jwt.secret = None;
    }
    let app = Application::build(settings).await.expect("service builds");
    let data = &settings.data_dir;
    match backend {
        Backend::Sqlite => {
            assert_eq!(mode(data), 0o700, "the data directory");
            assert_eq!(
                mode(data.parent().expect("parent")),
                0o700,
                "a parent created"
            );
            for name in [
                "ledger.sqlite3",
                "ledger.sqlite3-wal",
                "ledger.sqlite3-shm",
                "master.key",
                "checkpoint.key",
                "jwt-secret",
            ] {
                assert_eq!(mode(&data.join(name)), 0o600, "{name}");
            }
        }
        Backend::Postgres => {
            // Every key is given: nothing is generated, so nothing is written at all.
            assert!(
                !data.exists(),
                "no file is generated on PostgreSQL: {:?}",
                std::fs::read_dir(data).map(|d| d.count())
            );
        }
    }
    drop(app);
}

async fn an_old_world_readable_ledger_file_is_made_private(backend: Backend) {
    if backend == Backend::Postgres {
        return; // file modes are the embedded database's
    }
    let fresh = Fresh::new(backend).await;
    let settings = &fresh.settings;
    std::fs::create_dir_all(&settings.data_dir).expect("directory");
    let file = settings.data_dir.join("ledger.sqlite3");
    std::fs::write(&file, b"").expect("an empty ledger file");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let _app = Application::build(settings).await.expect("service builds");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&settings.data_dir.join("ledger.sqlite3-wal")), 0o600);
}

async fn empty_and_short_secrets_are_refused(backend: Backend) {
    type Set = fn(&mut Settings, String);
    let cases: [(&str, Set); 3] = [
        ("PL_MASTER_KEY", |s, v| s.master_key = Some(Secret::new(v))),
        ("PL_CHECKPOINT_KEY", |s, v| {
            s.checkpoint_key = Some(Secret::new(v))
        }),
        ("PL_JWT_SECRET", |s, v| s.jwt.secret = Some(Secret::new(v))),
    ];
    for (setting, set) in cases {
        let mut fresh = Fresh::new(backend).await;
        set(&mut fresh.settings, String::new());
        let settings = &fresh.settings;
        let message = refusal(settings).await;
        assert!(
            message.contains(&format!("{setting} is set but empty")),
            "{message}"
        );
        assert!(
            !settings.data_dir.exists(),
            "refused before anything is created"
        );
    }

    let mut fresh = Fresh::new(backend).await;
    let short = "0123456789012345678901234567890"; // 31 characters
    fresh.settings.jwt.secret = Some(Secret::new(short.to_owned()));
    let message = refusal(&fresh.settings).await;
    assert!(message.contains("PL_JWT_SECRET"), "{message}");
    assert!(message.contains("at least 32 characters"), "{message}");
    assert!(!message.contains(short), "the secret is never shown");
}

async fn a_short_secret_file_is_refused_not_replaced(backend: Backend) {
    let mut fresh = Fresh::new(backend).await;
    let settings = &mut fresh.settings;
    settings.jwt.secret = None;
    if backend == Backend::Postgres {
        // PostgreSQL never reads secrets from the data directory; the check below is what
        // the embedded default does.
        assert!(refusal(settings).await.contains("PL_JWT_SECRET"));
        return;
    }
    std::fs::create_dir_all(&settings.data_dir).expect("directory");
    let path = settings.data_dir.join("jwt-secret");
    std::fs::write(&path, "short-secret\n").expect("write");
    let message = refusal(settings).await;
    assert!(message.contains("jwt-secret"), "{message}");
    assert!(message.contains("at least 32 characters"), "{message}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "short-secret\n",
        "the file is left as it was"
    );
}

async fn postgres_refuses_to_start_without_its_keys(backend: Backend) {
    let mut fresh = Fresh::new(backend).await;
    let settings = &mut fresh.settings;
    settings.master_key = None;
    settings.checkpoint_key = None;
    settings.jwt.secret = None;
    match backend {
        Backend::Sqlite => {
            // The embedded default makes its own, in the data directory.
            let _app = Application::build(settings).await.expect("service builds");
            assert!(settings.data_dir.join("master.key").exists());
        }
        Backend::Postgres => {
            let message = refusal(settings).await;
            for wanted in [
                "DATABASE_URL is set",
                "PL_MASTER_KEY (32 random bytes in base64: `openssl rand -base64 32`)",
                "PL_CHECKPOINT_KEY (32 random bytes in hex: `openssl rand -hex 32`)",
                "PL_JWT_SECRET (at least 32 characters",
            ] {
                assert!(message.contains(wanted), "{wanted} in: {message}");
            }
            assert!(!settings.data_dir.exists(), "no key is generated");
        }
    }
}

/// Runs the binary with `args` on the storage and keys of `settings`, after `adjust` edits its
/// environment; answers (succeeded, standard error), killing it if it runs 20 s (as `serve`
/// would if it started).
fn run(settings: &Settings, args: &[&str], adjust: impl FnOnce(&mut Command)) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args(args)
        .env("PL_DATA_DIR", &settings.data_dir)
        .env("PL_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .env_remove("PL_JWT_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    storage_env(&mut command, settings);
    if let Some(secret) = &settings.jwt.secret {
        command.env("PL_JWT_SECRET", secret.expose());
    }
    adjust(&mut command);
    let mut child = command.spawn().expect("start the binary");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("output");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn the_command_line_refuses_empty_values_and_missing_keys(backend: Backend) {
    let fresh = Fresh::new(backend).await;
    let settings = &fresh.settings;
    for setting in ["PL_MASTER_KEY", "PL_CHECKPOINT_KEY", "PL_JWT_SECRET"] {
        let (ok, stderr) = run(settings, &["migrate"], |c| {
            c.env(setting, "");
        });
        assert!(!ok, "{setting}= must be refused");
        assert!(
            stderr.contains(&format!("{setting} is set but empty")),
            "{stderr}"
        );
    }
    let (ok, stderr) = run(settings, &["migrate"], |_| {});
    assert!(ok, "with every value given it runs: {stderr}");

    if backend == Backend::Postgres {
        let (ok, stderr) = run(settings, &["serve"], |c| {
            c.env_remove("PL_MASTER_KEY").env_remove("PL_JWT_SECRET");
        });
        assert!(!ok, "serve on PostgreSQL without its keys must not start");
        assert!(
            stderr.contains("Missing: PL_MASTER_KEY") && stderr.contains("PL_JWT_SECRET ("),
            "{stderr}"
        );
        assert!(
            !stderr.contains("PL_CHECKPOINT_KEY ("),
            "it was given: {stderr}"
        );
    }
}

/// The example environment file has no empty value, which would now be refused.
#[test]
fn the_example_environment_sets_nothing_empty() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/env.example"))
        .expect("deploy/env.example");
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line.split_once('=').expect("NAME=value");
        assert!(!value.trim().is_empty(), "{name} is set empty");
    }
}

on_both!(
    the_data_directory_and_its_files_are_private,
    an_old_world_readable_ledger_file_is_made_private,
    empty_and_short_secrets_are_refused,
    a_short_secret_file_is_refused_not_replaced,
    postgres_refuses_to_start_without_its_keys,
    the_command_line_refuses_empty_values_and_missing_keys,
);
