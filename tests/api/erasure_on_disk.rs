//! Erasure on disk: once a participant's key is destroyed, no copy of it is left in the
//! database's files (SQLite: the ledger file, its `-wal` and `-shm`; PostgreSQL: every file of
//! the database after a checkpoint), neither after the erasure nor after the start-up step
//! destroys a restored copy again. PostgreSQL's own WAL segments are a separate matter (see
//! the README's "Personal data and erasure").

use partnership_ledger::auth::Role;
use partnership_ledger::startup::Application;
use partnership_ledger::store::Db;
use serde_json::json;

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

/// Registers a participant with details and answers with their id.
async fn register(app: &TestApp, officer: &str, name: &str) -> String {
    app.ok(
        officer,
        "mutation($i: RegisterParticipantInput!) { registerParticipant(input: $i) { participant { id } } }",
        json!({ "i": { "organisation": "QMJ", "registeredOn": "2026-01-05",
            "details": { "displayName": name, "email": "someone@example.org" } } }),
    )
    .await["registerParticipant"]["participant"]["id"]
        .as_str()
        .expect("participant id")
        .to_owned()
}

/// The participant's wrapped key as stored.
async fn wrapped_key(db: &Db, id: &str) -> String {
    let sql = "SELECT wrapped_key FROM participant_keys WHERE participant_id = $1";
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await,
        Db::Sqlite(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await,
    }
    .expect("read a wrapped key")
}

/// Puts a wrapped key back, as restoring an old copy of the key table would.
async fn restore_key(db: &Db, id: &str, wrapped: &str) {
    let sql = match db {
        Db::Postgres(_) => "INSERT INTO participant_keys (participant_id, wrapped_key, created_at) VALUES ($1, $2, now())",
        Db::Sqlite(_) => "INSERT INTO participant_keys (participant_id, wrapped_key, created_at) VALUES ($1, $2, '2026-01-05T00:00:00Z')",
    };
    match db {
        Db::Postgres(pool) => sqlx::query(sql)
            .bind(id)
            .bind(wrapped)
            .execute(pool)
            .await
            .map(|_| ()),
        Db::Sqlite(pool) => sqlx::query(sql)
            .bind(id)
            .bind(wrapped)
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .expect("restore a key");
}

/// Gathers statistics on the key table, as autovacuum does now and then on PostgreSQL (they
/// sample column values, so they must not sample keys).
async fn analyze_key_table(db: &Db) {
    if let Db::Postgres(pool) = db {
        sqlx::query("ANALYZE participant_keys")
            .execute(pool)
            .await
            .expect("analyze");
    }
}

/// Every file the database keeps its data in, by name, as they are on disk now.
async fn database_files(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    match app.db() {
        Db::Sqlite(_) => std::fs::read_dir(&app.settings.data_dir)
            .expect("data directory")
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| {
                path.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("ledger.sqlite3"))
            })
            .map(|path| {
                let bytes = std::fs::read(&path).expect("read a database file");
                (path.display().to_string(), bytes)
            })
            .collect(),
        Db::Postgres(pool) => {
            // Dirty pages reach the files at a checkpoint; the test user is a superuser, so the
            // server itself reads its files for us, wherever it runs.
            sqlx::query("CHECKPOINT")
                .execute(pool)
                .await
                .expect("checkpoint");
            let dir: String = sqlx::query_scalar(
                "SELECT 'base/' || oid FROM pg_database WHERE datname = current_database()",
            )
            .fetch_one(pool)
            .await
            .expect("database directory");
            // Each file named by its relation too, where it has one.
            sqlx::query_as(
                "SELECT $1 || '/' || name || ' (' || COALESCE(pg_filenode_relation(0, \
                     CAST(NULLIF(substring(name FROM '^[0-9]+'), '') AS oid))::text, '?') || ')', \
                   pg_read_binary_file($1 || '/' || name, 0, 1000000000, true) \
                 FROM pg_ls_dir($1) AS name",
            )
            .bind(&dir)
            .fetch_all(pool)
            .await
            .expect("read the database's files")
            .into_iter()
            .map(|(name, bytes): (String, Option<Vec<u8>>)| (name, bytes.unwrap_or_default()))
            .collect()
        }
    }
}

/// The files (by name) holding `needle`.
fn holding(files: &[(String, Vec<u8>)], needle: &str) -> Vec<String> {
    files
        .iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Checks that `erased` is in no database file while `kept` still is (so the search looks
/// where keys are kept).
async fn assert_gone_from_disk(app: &TestApp, erased: &str, kept: &str, when: &str) {
    let files = database_files(app).await;
    assert!(
        !holding(&files, kept).is_empty(),
        "{when}: a live key is found in the files, so the search works"
    );
    assert_eq!(
        holding(&files, erased),
        Vec::<String>::new(),
        "{when}: the erased key is still in these files"
    );
}

async fn an_erased_key_leaves_no_copy_in_the_database_files(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    // Neighbours on the same page, so the key table is never simply emptied.
    let mut people = Vec::new();
    for name in ["Ada Kept", "Bea Erased", "Cal Kept"] {
        people.push(register(&app, &officer, name).await);
    }
    let (kept, erased) = (&people[0], &people[1]);
    let kept_key = wrapped_key(app.db(), kept).await;
    let erased_key = wrapped_key(app.db(), erased).await;
    analyze_key_table(app.db()).await;
    assert!(
        !holding(&database_files(&app).await, &erased_key).is_empty(),
        "before erasure the key is in the files"
    );

    app.ok(
        &app.admin(),
        "mutation($i: EraseParticipantInput!) { eraseParticipant(input: $i) { participant { status } } }",
        json!({ "i": { "participantId": erased, "reason": "DATA_SUBJECT_REQUEST", "requestedOn": "2026-03-01" } }),
    )
    .await;
    assert_gone_from_disk(&app, &erased_key, &kept_key, "after erasure").await;

    // An old copy of the key put back is destroyed again at start, and leaves no copy either.
    restore_key(app.db(), erased, &erased_key).await;
    let restarted = Application::build(&app.settings)
        .await
        .expect("restart on the same storage");
    assert_gone_from_disk(
        &app,
        &erased_key,
        &kept_key,
        "after the start-up re-erasure",
    )
    .await;
    drop(restarted);
}

/// Writes and deletes `steps` made-up keys (marked `CHURN` and their step) straight in the key
/// table, the way years of registrations and erasures move rows between pages; answers with the
/// steps whose keys were deleted.
async fn churn_key_table(db: &Db, steps: u64) -> std::collections::HashSet<u64> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let (mut live, mut deleted) = (Vec::new(), std::collections::HashSet::new());
    for step in 0..steps {
        if !live.is_empty() && next() % 100 < 45 {
            let gone: u64 = live.swap_remove(usize::try_from(next()).expect("index") % live.len());
            let sql = "DELETE FROM participant_keys WHERE participant_id = $1";
            let id = format!("churn-{gone:030}");
            match db {
                Db::Postgres(pool) => sqlx::query(sql).bind(&id).execute(pool).await.map(|_| ()),
                Db::Sqlite(pool) => sqlx::query(sql).bind(&id).execute(pool).await.map(|_| ()),
            }
            .expect("delete a made-up key");
            deleted.insert(gone);
        } else {
            restore_key(
                db,
                &format!("churn-{step:030}"),
                &format!("CHURN{step:06}{:069}", next()),
            )
            .await;
            live.push(step);
        }
    }
    deleted
}

/// The steps of deleted made-up keys still found in the files.
fn churned_left(files: &[(String, Vec<u8>)], deleted: &std::collections::HashSet<u64>) -> Vec<u64> {
    let mut left: Vec<u64> = files
        .iter()
        .flat_map(|(_, bytes)| {
            bytes.windows(11).filter_map(|w| {
                let step = std::str::from_utf8(w.strip_prefix(b"CHURN")?)
                    .ok()?
                    .parse()
                    .ok()?;
                deleted.contains(&step).then_some(step)
            })
        })
        .collect();
    left.sort_unstable();
    left.dedup();
    left
}

async fn copies_left_by_moving_rows_are_scrubbed_too(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let kept = register(&app, &officer, "Ada Kept").await;
    let erased = register(&app, &officer, "Bea Erased").await;
    let kept_key = wrapped_key(app.db(), &kept).await;
    let erased_key = wrapped_key(app.db(), &erased).await;
    let deleted = churn_key_table(app.db(), 6_000).await;

    // Deleting rows moves others between pages; copies of deleted keys are left behind (in
    // dead row versions on PostgreSQL, in the gaps of rebuilt pages on SQLite).
    assert!(
        !churned_left(&database_files(&app).await, &deleted).is_empty(),
        "the churn leaves old copies to scrub"
    );

    app.ok(
        &app.admin(),
        "mutation($i: EraseParticipantInput!) { eraseParticipant(input: $i) { participant { status } } }",
        json!({ "i": { "participantId": erased, "reason": "DATA_SUBJECT_REQUEST", "requestedOn": "2026-03-01" } }),
    )
    .await;
    assert_gone_from_disk(&app, &erased_key, &kept_key, "after erasure").await;
    assert_eq!(
        churned_left(&database_files(&app).await, &deleted),
        Vec::<u64>::new(),
        "keys deleted earlier are still in the files"
    );
}

on_both!(
    an_erased_key_leaves_no_copy_in_the_database_files,
    copies_left_by_moving_rows_are_scrubbed_too
);
