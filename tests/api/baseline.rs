//! Population baseline upload: a valid file, a bad row refused at its line and column with the
//! previous baseline kept.

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{spawn_app, Backend};
use crate::on_both;

const UPLOAD: &str =
    "mutation($i: UploadPopulationBaselineInput!) { uploadPopulationBaseline(input: $i) {
    uploadedOn shares { dimension category share } } }";
const READ: &str = "{ populationBaseline(organisation: \"QMJ\") { uploadedOn shares { dimension category share } } }";

async fn baseline_upload_and_refusal(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let good = "dimension,category,count\nage_band,18-44,600\nage_band,45+,400\ndeprivation_quintile,Q1,300\ndeprivation_quintile,Q2-Q5,700\n";
    let uploaded = app
        .ok(
            &officer,
            UPLOAD,
            json!({ "i": { "organisation": "QMJ", "csv": good, "uploadedOn": "2026-04-01" } }),
        )
        .await;
    assert_eq!(
        uploaded["uploadPopulationBaseline"]["shares"],
        json!([
            { "dimension": "age_band", "category": "18-44", "share": 0.6 },
            { "dimension": "age_band", "category": "45+", "share": 0.4 },
            { "dimension": "deprivation_quintile", "category": "Q1", "share": 0.3 },
            { "dimension": "deprivation_quintile", "category": "Q2-Q5", "share": 0.7 }
        ])
    );
    let events = app.event_count().await;

    let bad = "dimension,category,count\nage_band,18-44,600\nage_band,45+,four hundred\n";
    let (code, message) = app
        .err(
            &officer,
            UPLOAD,
            json!({ "i": { "organisation": "QMJ", "csv": bad } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert!(message.contains("line 3, column 3"), "{message}");
    assert_eq!(app.event_count().await, events, "nothing appended");
    let kept = app.ok(&officer, READ, json!({})).await;
    assert_eq!(kept["populationBaseline"]["uploadedOn"], "2026-04-01");
    assert_eq!(
        kept["populationBaseline"]["shares"], uploaded["uploadPopulationBaseline"]["shares"],
        "the previous baseline stays"
    );

    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let (code, _) = app
        .err(
            &auditor,
            UPLOAD,
            json!({ "i": { "organisation": "QMJ", "csv": good } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
}

on_both!(baseline_upload_and_refusal);
