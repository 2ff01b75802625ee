//! `seed`: a synthetic integrated care system written through the command path, with the
//! realistic mix of verdicts, the same record for the same seed, and a resumable run.

use std::collections::BTreeMap;

use partnership_ledger::auth::Role;
use partnership_ledger::seed::{plan, seed_service, SeedOptions};
use partnership_ledger::store::Db;
use serde_json::json;
use sqlx::Row;

use crate::helpers::{drop_postgres_database, fresh_settings, Backend, Replica};
use crate::on_both;

/// Every event's stream, sequence, type and payload, in stream order. Participants' payloads
/// are sealed under fresh keys on each run, so only their event types are compared.
async fn record(db: &Db) -> Vec<(String, String, i64, String, String)> {
    let sql = "SELECT aggregate_type, aggregate_id, sequence, event_type, payload FROM events \
               ORDER BY aggregate_type, aggregate_id, sequence";
    let rows = partnership_ledger::on_db!(db, pool => {
        sqlx::query(sql).fetch_all(pool).await.expect("read events").into_iter().map(|r| {
            let kind: String = r.get(0);
            let payload: String = r.get(4);
            let payload = if kind == "Participant" { String::new() } else { payload };
            (kind, r.get(1), r.get(2), r.get(3), payload)
        }).collect::<Vec<_>>()
    });
    rows
}

async fn seeded_systems_are_realistic_repeatable_and_resumable(backend: Backend) {
    let options = SeedOptions {
        scale: 2,
        seed: 42,
        concurrency: 2,
        large_organisation: 0,
    };
    let (settings, _dir, database) = fresh_settings(backend).await;
    let summary = seed_service(&settings, &options).await.expect("seeds");
    assert_eq!((summary.systems, summary.skipped), (2, 0));
    let service = Replica::start(&settings).await;
    let first = record(service.ledger.db()).await;
    assert_eq!(
        first.len() as u64,
        summary.mutations,
        "one event a mutation"
    );
    assert!(
        first.len() > 1_500,
        "about 900 events a system: {}",
        first.len()
    );

    // The mix an engagement team sees, across the first system's organisations.
    let auditor = service.token(
        Role::Auditor,
        &plan::organisations(0)
            .iter()
            .map(|o| o.0.as_str())
            .collect::<Vec<_>>(),
    );
    let mut verdicts: BTreeMap<String, i64> = BTreeMap::new();
    for (code, ..) in plan::organisations(0) {
        let data = service
            .ok(
                &auditor,
                "query($c: String!) { organisation(odsCode: $c) { rollup(asOf: \"2026-10-31\") {
                   counts { verdict count } } } }",
                json!({ "c": code }),
            )
            .await;
        for count in data["organisation"]["rollup"]["counts"]
            .as_array()
            .expect("counts")
        {
            *verdicts
                .entry(count["verdict"].as_str().expect("verdict").to_owned())
                .or_default() += count["count"].as_i64().expect("count");
        }
    }
    for verdict in [
        "ACTED_ON",
        "PLANNED",
        "STALLED",
        "DECLINED",
        "ALREADY_IN_PLACE",
        "REFERRED",
        "OVERDUE",
    ] {
        assert!(
            verdicts.get(verdict).copied().unwrap_or(0) > 0,
            "no {verdict} in {verdicts:?}"
        );
    }
    let data = service
        .ok(
            &auditor,
            "{ boards(first: 10) { nodes { name appointments { role } meetings(first: 20) { nodes { decisions { citedInputItemIds } } } } } }",
            json!({}),
        )
        .await;
    let boards = data["boards"]["nodes"].as_array().expect("boards");
    assert_eq!(boards.len(), 5, "{data}");
    assert!(boards
        .iter()
        .all(|b| !b["appointments"].as_array().expect("list").is_empty()));
    assert!(
        data.to_string().contains("citedInputItemIds\":[\""),
        "{data}"
    );

    // Again with the same seed: complete systems are skipped and nothing is appended.
    service.stop().await;
    let again = seed_service(&settings, &options)
        .await
        .expect("seeds again");
    assert_eq!((again.skipped, again.mutations), (2, 0));

    // The same seed in a fresh database writes the same record.
    let (other, _other_dir, other_database) = fresh_settings(backend).await;
    seed_service(&other, &options).await.expect("seeds");
    let replica = Replica::start(&other).await;
    let second = record(replica.ledger.db()).await;
    assert_eq!(first.len(), second.len());
    assert!(first == second, "the same seed wrote a different record");
    replica.stop().await;
    for name in [database, other_database].into_iter().flatten() {
        drop_postgres_database(name);
    }
}

/// `seed` from the command line at the default log level: a few lines of progress and the
/// totals, not a line per mutation (a system is about 900); those come at `debug`.
async fn seeding_reports_progress_not_every_mutation(backend: Backend) {
    let (settings, _dir, database) = fresh_settings(backend).await;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
    command
        .args(["seed", "--scale", "1"])
        .env("PL_DATA_DIR", &settings.data_dir)
        .env(
            "PL_JWT_SECRET",
            settings.jwt.secret.as_ref().expect("secret").expose(),
        )
        .env_remove("RUST_LOG")
        .env_remove("PL_LOG_FORMAT");
    crate::helpers::storage_env(&mut command, &settings);
    let output = command.output().expect("run seed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("seeded 1 systems (0 already there) with ")
            && stdout.contains(" mutations in "),
        "the totals: {stdout}"
    );
    assert!(!stderr.contains("command committed"), "{stderr}");
    let lines = stderr.lines().count();
    assert!(lines < 40, "{lines} log lines for one system:\n{stderr}");
    for name in database.into_iter() {
        drop_postgres_database(name);
    }
}

on_both!(
    seeded_systems_are_realistic_repeatable_and_resumable,
    seeding_reports_progress_not_every_mutation
);

on_both!(a_large_organisation_holds_the_items_asked_for);

/// `--large-organisation`: one trust holding many items beside the systems, in parts written
/// side by side, with the usual mix, counted in its system's roll-up.
async fn a_large_organisation_holds_the_items_asked_for(backend: Backend) {
    let options = SeedOptions {
        scale: 1,
        seed: 7,
        concurrency: 2,
        large_organisation: 120,
    };
    let (settings, _dir, database) = fresh_settings(backend).await;
    let summary = seed_service(&settings, &options).await.expect("seeds");
    assert_eq!(summary.skipped, 0);
    let service = Replica::start(&settings).await;
    let auditor = service.token(Role::Auditor, &[plan::LARGE]);
    let data = service
        .ok(
            &auditor,
            "query($c: String!) { organisation(odsCode: $c) { rollup(asOf: \"2026-10-31\") {
               total actedOn counts { verdict count } } } }",
            json!({ "c": plan::LARGE }),
        )
        .await;
    let rollup = &data["organisation"]["rollup"];
    assert_eq!(rollup["total"], json!(120), "{rollup}");
    let answered = rollup["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .filter(|c| c["verdict"] != json!("UNANSWERED") && c["verdict"] != json!("OVERDUE"))
        .filter_map(|c| c["count"].as_i64())
        .sum::<i64>();
    assert!(answered > 60, "most of its input answered: {rollup}");
    assert!(
        rollup["actedOn"].as_i64().expect("acted on") > 0,
        "{rollup}"
    );
    service.stop().await;
    // Run again: everything is there already, so every piece is skipped.
    let again = seed_service(&settings, &options)
        .await
        .expect("seeds again");
    assert_eq!(again.skipped, 3, "system 0, the registration and the part");
    if let Some(name) = database {
        drop_postgres_database(name);
    }
}
