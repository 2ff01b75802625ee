//! The keys of an installation: `keys generate` makes the three a new installation needs, and
//! `keys rotate-master` moves every participant's key to a new master key while the service
//! runs with both, after which the old key opens nothing and the new one opens everything.

use std::process::Command;

use partnership_ledger::auth::Role;
use partnership_ledger::crypto::{KeyStore, MasterKey};
use partnership_ledger::startup::Application;
use serde_json::json;

use crate::helpers::{give_keys, spawn_app_with, storage_env, Backend, Endpoint, TestApp};
use crate::on_both;

on_both!(a_master_key_is_replaced_while_the_service_runs,);

/// Runs `keys ...` against the app's storage with the given master keys.
fn keys(app: &TestApp, args: &[&str], master: &str, previous: Option<&str>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .arg("keys")
        .args(args)
        .env("PL_DATA_DIR", &app.settings.data_dir)
        .env("RUST_LOG", "warn");
    storage_env(&mut command, &app.settings);
    command.env("PL_MASTER_KEY", master);
    match previous {
        Some(previous) => command.env("PL_MASTER_KEY_PREVIOUS", previous),
        None => command.env_remove("PL_MASTER_KEY_PREVIOUS"),
    };
    let output = command.output().expect("run the binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[tokio::test]
async fn the_embedded_default_keeps_the_new_key_in_its_data_directory() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let kept = app.settings.data_dir.join("master.key");
    let old = std::fs::read_to_string(&kept).expect("the generated key");
    let new = MasterKey::generate().to_base64();
    let (ok, said) = keys(&app, &["rotate-master"], &new, Some(old.trim()));
    assert!(
        ok && said.contains("now holds the new master key"),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&kept).expect("kept"), new);
}

#[test]
fn generate_makes_three_keys_and_keeps_existing_files() {
    let output = Command::new(env!("CARGO_BIN_EXE_partnership-ledger"))
        .args(["keys", "generate"])
        .output()
        .expect("run the binary");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    let value = |name: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} printed: {printed}"))
            .to_owned()
    };
    assert!(MasterKey::from_base64(&value("PL_MASTER_KEY")).is_ok());
    assert_eq!(
        hex::decode(value("PL_CHECKPOINT_KEY")).map(|k| k.len()),
        Ok(32)
    );
    assert!(value("PL_JWT_SECRET").len() >= 32);

    let dir = tempfile::tempdir().expect("a folder");
    let keys = dir.path().join("keys");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_partnership-ledger"))
            .args(["keys", "generate", "--dir", keys.to_str().expect("path")])
            .output()
            .expect("run the binary")
    };
    assert!(run().status.success());
    let master = std::fs::read_to_string(keys.join("master.key")).expect("written");
    for file in ["master.key", "checkpoint.key", "jwt-secret"] {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(keys.join(file))
                .expect("written")
                .permissions(),
        );
        assert_eq!(mode & 0o077, 0, "{file} is for its owner only");
    }
    let again = run();
    assert!(String::from_utf8_lossy(&again.stdout).contains("kept"));
    assert_eq!(
        std::fs::read_to_string(keys.join("master.key")).expect("kept"),
        master,
        "an existing key is never replaced"
    );
}

async fn a_master_key_is_replaced_while_the_service_runs(backend: Backend) {
    let app = spawn_app_with(backend, give_keys).await;
    let old = app
        .settings
        .master_key
        .as_ref()
        .expect("a key")
        .expose()
        .clone();
    let new = MasterKey::generate().to_base64();
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let mut ids = Vec::new();
    for name in ["Ada Lovelace", "Mary Seacole"] {
        let found = app
            .ok(
                &officer,
                "mutation($i: RegisterParticipantInput!) { registerParticipant(input: $i) { participant { id } } }",
                json!({ "i": { "organisation": "QMJ", "registeredOn": "2026-01-05",
                    "details": { "displayName": name, "email": "someone@example.org" } } }),
            )
            .await;
        ids.push(
            found["registerParticipant"]["participant"]["id"]
                .as_str()
                .expect("an id")
                .to_owned(),
        );
    }

    // Without the key being replaced, the rotation refuses and changes nothing.
    let (ok, said) = keys(&app, &["rotate-master"], &new, None);
    assert!(!ok && said.contains("PL_MASTER_KEY_PREVIOUS"), "{said}");

    // A replica rolled to the new key with the old beside it reads everyone.
    let mut rolled = app.settings.clone();
    rolled.master_key = Some(partnership_ledger::config::Secret::new(new.clone()));
    rolled.master_key_previous = Some(partnership_ledger::config::Secret::new(old.clone()));
    let names = |settings: partnership_ledger::config::Settings| async move {
        let replica = Application::build(&settings).await?;
        let endpoint = Endpoint::new(format!("http://127.0.0.1:{}", replica.port()), &settings);
        tokio::spawn(replica.run_until_stopped(std::future::pending()));
        let token = endpoint.token(Role::EngagementOfficer, &["QMJ"]);
        let mut names = Vec::new();
        let found = endpoint
            .ok(
                &token,
                "{ participants { nodes { displayName } } }",
                json!({}),
            )
            .await;
        for node in found["participants"]["nodes"].as_array().expect("nodes") {
            names.push(node["displayName"].as_str().unwrap_or("-").to_owned());
        }
        names.sort();
        anyhow::Ok(names)
    };
    assert_eq!(
        names(rolled.clone())
            .await
            .expect("the rolled replica starts"),
        ["Ada Lovelace", "Mary Seacole"]
    );

    let (ok, said) = keys(&app, &["rotate-master"], &new, Some(&old));
    assert!(
        ok && said.contains("re-wrapped 2 participant keys"),
        "{said}"
    );
    let (ok, said) = keys(&app, &["rotate-master"], &new, Some(&old));
    assert!(
        ok && said.contains("re-wrapped 0"),
        "run again, nothing is left: {said}"
    );

    // Every key opens with the new master key alone, none with the old.
    let store = KeyStore::new(app.db().clone(), MasterKey::from_base64(&new).expect("key"));
    store
        .verify_master()
        .await
        .expect("the new key is the ledger's");
    for id in &ids {
        assert!(store.key(id).await.expect("read").is_some());
    }
    let stale = KeyStore::new(app.db().clone(), MasterKey::from_base64(&old).expect("key"));
    assert!(
        stale.verify_master().await.is_err(),
        "the old key is refused"
    );
    for id in &ids {
        assert!(stale.key(id).await.is_err(), "the old key opens nothing");
    }

    // A replica with the new key alone starts and names everyone; one with the old does not.
    let mut settled = rolled.clone();
    settled.master_key_previous = None;
    assert_eq!(
        names(settled).await.expect("the replica starts"),
        ["Ada Lovelace", "Mary Seacole"]
    );
    let mut behind = rolled;
    behind.master_key = Some(partnership_ledger::config::Secret::new(old));
    behind.master_key_previous = None;
    let refused = names(behind).await.expect_err("refused");
    assert!(
        format!("{refused:#}").contains("does not match"),
        "{refused:#}"
    );
}
