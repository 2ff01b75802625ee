//! Reads whose cost grows with the log (the record as it stood at a moment, verifying the log,
//! exporting the audit trail) cannot be multiplied by one caller: a request asks for at most
//! two moments, whose fields share one replay each; these fields count in the complexity
//! limit; and a caller who may not see a record is refused before anything is replayed.

use chrono::Utc;
use partnership_ledger::api::heavy::MAX_MOMENTS;
use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend};
use crate::on_both;

/// `n` aliased reads of the organisations as recorded at moments `at(i)`.
fn aliased(n: usize, at: impl Fn(usize) -> String) -> String {
    let fields: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "a{i}: organisations(recordedAsOf: \"{}\", first: 5) {{ nodes {{ odsCode }} }}",
                at(i)
            )
        })
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

async fn heavy_reads_are_bounded_per_request(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RAL", "Royal Free").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let theirs = app.token(Role::EngagementOfficer, &["RAL"]);
    let activity = plan_activity(&app, &theirs, "RAL", "2026-01-10").await;
    let item = record_item(&app, &theirs, &activity, "Theirs", "2026-01-10").await;
    plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let now = Utc::now();
    let moment = |i: usize| (now - chrono::Duration::milliseconds(i as i64)).to_rfc3339();

    // Many fields at one moment share its replay and all answer alike.
    let same = app
        .ok(&auditor, &aliased(20, |_| moment(0)), json!({}))
        .await;
    let answers: Vec<&Value> = (0..20).map(|i| &same[format!("a{i}")]).collect();
    assert!(answers.iter().all(|a| *a == answers[0]), "{same}");
    assert_eq!(answers[0]["nodes"][0]["odsCode"], "QMJ");

    // Two moments answer; a third is refused by name.
    app.ok(&auditor, &aliased(MAX_MOMENTS, moment), json!({}))
        .await;
    let (_, body) = app
        .post(Some(&auditor), &aliased(MAX_MOMENTS + 1, moment), json!({}))
        .await;
    let refusals: Vec<&Value> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| e["extensions"]["code"] == "VALIDATION")
        .collect();
    assert_eq!(refusals.len(), 1, "{body}");
    assert!(
        refusals[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 2 different moments")),
        "{body}"
    );

    // Thirty aliases at thirty moments, as in the attack: two replays, the rest refused.
    let (_, body) = app
        .post(Some(&auditor), &aliased(30, moment), json!({}))
        .await;
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 30 - MAX_MOMENTS, "{body}");
    assert!(errors
        .iter()
        .all(|e| e["extensions"]["code"] == "VALIDATION"));

    // Verifying the log, signing a checkpoint, or exporting the audit trail: one a request.
    for pair in [
        "{ a: verifyLog { verified } b: verifyLog { verified } }",
        "{ verifyLog { verified } checkpoint { events } }",
    ] {
        let (_, body) = app.post(Some(&auditor), pair, json!({})).await;
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("too complex")),
            "{pair}: {body}"
        );
        assert!(body["data"].is_null(), "{body}");
    }
    let one = app
        .ok(&auditor, "{ verifyLog { verified } }", json!({}))
        .await;
    assert_eq!(one["verifyLog"]["verified"], true);

    // Another organisation's records as recorded: refused exactly as a missing one, before
    // any replay.
    let reads = [
        (
            "organisation",
            format!(
                "organisation(odsCode: \"RAL\", recordedAsOf: \"{}\") {{ name }}",
                moment(0)
            ),
        ),
        (
            "activity",
            format!(
                "activity(id: \"{activity}\", recordedAsOf: \"{}\") {{ id }}",
                moment(0)
            ),
        ),
        (
            "input item",
            format!(
                "inputItem(id: \"{item}\", recordedAsOf: \"{}\") {{ id }}",
                moment(0)
            ),
        ),
    ];
    for (what, read) in reads {
        let (code, message) = app.err(&officer, &format!("{{ {read} }}"), json!({})).await;
        assert_eq!(code, "NOT_FOUND", "{what}");
        let missing = read
            .replace(&activity, &uuid::Uuid::new_v4().to_string())
            .replace(&item, &uuid::Uuid::new_v4().to_string())
            .replace("\"RAL\"", "\"XXX\"");
        let (_, alike) = app
            .err(&officer, &format!("{{ {missing} }}"), json!({}))
            .await;
        assert_eq!(
            message, alike,
            "{what}: the same as a record that does not exist"
        );
    }
}

on_both!(heavy_reads_are_bounded_per_request);
