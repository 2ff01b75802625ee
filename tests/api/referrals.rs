//! The referral loop: a partner answers a referred item with its first decision, within its
//! own window counted from the referral; unanswered past that window the item is overdue, with
//! the referral still shown; the referring organisation sees the partner's answer and verdict.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend};
use crate::on_both;

on_both!(a_referral_is_answered_by_the_partner);

const ITEM: &str = "query($id: ID!, $on: Date) { inputItem(id: $id, asOf: $on) {
    verdict referredTo respondBy decision { outcome decidedBy } } }";

async fn a_referral_is_answered_by_the_partner(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RAL", "Royal Free").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let partner = app.token(Role::EngagementOfficer, &["RAL"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    app.call(
        &partner,
        "setResponseWindow",
        "organisation { responseWindowDays }",
        json!({ "odsCode": "RAL", "days": 14 }),
    )
    .await;
    let activity = plan_activity(&app, &officer, "QMJ", "2026-03-01").await;
    let id = record_item(&app, &officer, &activity, "Step-free access", "2026-03-01").await;
    app.call(
        &officer,
        "decideInputItem",
        "inputItem { id }",
        json!({ "inputItemId": id, "outcome": "REFERRED", "referredTo": "RAL",
            "decidedOn": "2026-03-10" }),
    )
    .await;
    let seen = |on: &'static str| {
        let (app, auditor, id) = (&app, &auditor, &id);
        async move { app.ok(auditor, ITEM, json!({ "id": id, "on": on })).await["inputItem"].clone() }
    };
    // Referred on 10 March to a partner with a 14-day window: due by 24 March.
    let referral = json!({ "outcome": "REFERRED", "decidedBy": "QMJ" });
    assert_eq!(
        seen("2026-03-24").await,
        json!({ "verdict": "REFERRED", "referredTo": "RAL", "respondBy": "2026-03-24",
            "decision": referral })
    );
    assert_eq!(
        seen("2026-03-25").await,
        json!({ "verdict": "OVERDUE", "referredTo": "RAL", "respondBy": "2026-03-24",
            "decision": referral })
    );

    // The referrer may not answer for the partner, nor the partner before the referral.
    let decide =
        "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }";
    let (code, _) = app
        .err(
            &officer,
            decide,
            json!({ "i": { "inputItemId": id, "outcome": "ACCEPTED", "decidedOn": "2026-03-20" } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let (code, message) = app
        .err(
            &partner,
            decide,
            json!({ "i": { "inputItemId": id, "outcome": "ACCEPTED", "decidedOn": "2026-03-05" } }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "VALIDATION",
            "decidedOn: 2026-03-05 is before the item was referred, on 2026-03-10"
        )
    );

    // The partner answers late, with its first decision, and acts on it.
    let answered: Value = app
        .call(
            &partner,
            "decideInputItem",
            "inputItem { decisions { outcome decidedBy revisionReason } }",
            json!({ "inputItemId": id, "outcome": "ACCEPTED", "decidedOn": "2026-03-30" }),
        )
        .await;
    assert_eq!(
        answered["inputItem"]["decisions"],
        json!([{ "outcome": "REFERRED", "decidedBy": "QMJ", "revisionReason": null },
               { "outcome": "ACCEPTED", "decidedBy": "RAL", "revisionReason": null }])
    );
    app.call(
        &partner,
        "proposeAction",
        "action { id }",
        json!({ "title": "Ramp at the east entrance", "ownerOrganisation": "RAL",
            "ownerRole": "Estates Lead", "decisionForum": "Estates Board", "dueOn": "2026-09-30",
            "proposedOn": "2026-04-01", "inputItemIds": [id] }),
    )
    .await;
    // The referrer sees the partner's answer and verdict; before it came, it was overdue.
    assert_eq!(
        seen("2026-04-02").await,
        json!({ "verdict": "PLANNED", "referredTo": "RAL", "respondBy": "2026-03-24",
            "decision": { "outcome": "ACCEPTED", "decidedBy": "RAL" } })
    );
    assert_eq!(seen("2026-03-29").await["verdict"], "OVERDUE");
}
