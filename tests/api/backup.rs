//! The restore drill, on both backends, as a platform team runs it: a year of records, a
//! checkpoint kept outside, `backup` while the service runs, then a participant erased; the
//! backup restored into a fresh database with the keys kept apart, `verify` against the
//! checkpoint, `rebuild`, and the same answers as before; and the erasure made after the
//! backup applied again when the restored service starts, from the erasure register.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{fresh_settings, run_on, spawn_app_on, Backend};
use crate::import::run;
use crate::import_round_trip::{a_year_imported, figures};
use crate::on_both;

on_both!(a_backup_restored_into_a_fresh_database_answers_as_before,);

const PERSON: &str = "query($id: ID!) { participant(id: $id) { status displayName } }";

async fn a_backup_restored_into_a_fresh_database_answers_as_before(backend: Backend) {
    let (first, dir) = a_year_imported(backend).await;
    let before = figures(&first).await;
    let admin = first.admin();
    let people = first
        .ok(
            &admin,
            "{ participants { nodes { id displayName } } }",
            json!({}),
        )
        .await;
    let pat = people["participants"]["nodes"]
        .as_array()
        .expect("participants")
        .iter()
        .find(|p| p["displayName"] == "Pat Member")
        .expect("Pat, from the history")["id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // A checkpoint, kept outside the database, then the backup, taken while the service runs.
    let (ok, checkpoint, err) = run(&first, &["checkpoint"]);
    assert!(ok, "{err}");
    let checkpoint_file = dir.path().join("checkpoint.json");
    std::fs::write(&checkpoint_file, checkpoint).expect("kept");
    let backup = dir.path().join("ledger.backup");
    let backup_path = backup.to_str().expect("path");
    let (ok, out, err) = run(&first, &["backup", "--output", backup_path]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("the master key is not in it"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup)
            .expect("written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the backup is its owner's alone");
    }
    let (ok, _, err) = run(&first, &["backup", "--output", backup_path]);
    assert!(
        !ok && err.contains("exists already"),
        "never over a file: {err}"
    );

    // After the backup, Pat asks to be forgotten.
    first
        .ok(
            &admin,
            "mutation($i: EraseParticipantInput!) { eraseParticipant(input: $i) { participant { status } } }",
            json!({ "i": { "participantId": pat, "reason": "DATA_SUBJECT_REQUEST" } }),
        )
        .await;

    // A fresh database, given the keys from where they are kept (the secret store; for the
    // embedded default, the data directory's key files) and the erasure register.
    let (mut settings, data_dir, postgres_database) = fresh_settings(backend).await;
    settings.master_key = first.settings.master_key.clone();
    settings.checkpoint_key = first.settings.checkpoint_key.clone();
    settings.erasure_register = Some(first.settings.erasure_register_path());
    for key in ["master.key", "checkpoint.key"] {
        let kept = first.settings.data_dir.join(key);
        if kept.exists() {
            std::fs::copy(&kept, settings.data_dir.join(key)).expect("key brought back");
        }
    }
    let (ok, out, err) = run_on(&settings, &["restore", "--input", backup_path]);
    assert!(ok, "{out}\n{err}");
    let (ok, out, err) = run_on(
        &settings,
        &[
            "verify",
            "--checkpoint",
            checkpoint_file.to_str().expect("path"),
        ],
    );
    assert!(
        ok && out.contains("matching the checkpoint"),
        "{out}\n{err}"
    );
    let (ok, out, err) = run_on(&settings, &["rebuild"]);
    assert!(ok, "{out}\n{err}");
    let (ok, _, err) = run_on(&settings, &["restore", "--input", backup_path]);
    assert!(!ok && err.contains("already"), "never over a ledger: {err}");

    let restored = spawn_app_on(backend, settings, data_dir, postgres_database).await;
    assert_eq!(
        figures(&restored).await,
        before,
        "the same answers as before the backup"
    );
    let officer = restored.token(Role::EngagementOfficer, &["RX1"]);
    let person = restored.ok(&admin, PERSON, json!({ "id": pat })).await;
    assert_eq!(person["participant"]["status"], "ERASED", "{person}");
    assert!(person["participant"]["displayName"].is_null(), "{person}");
    let listed = restored
        .ok(
            &officer,
            "{ participants { nodes { displayName } } }",
            json!({}),
        )
        .await;
    assert!(!listed.to_string().contains("Pat Member"), "{listed}");
}
