//! Files at start-up: the data directory and everything in it are the owner's alone.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use partnership_ledger::config::Settings;
use partnership_ledger::startup::Application;

use crate::helpers::{drop_postgres_database, fresh_settings, Backend};
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
        Backend::Postgres => {} // file modes are the embedded database's
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

on_both!(
    the_data_directory_and_its_files_are_private,
    an_old_world_readable_ledger_file_is_made_private,
);
