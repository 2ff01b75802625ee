//! Personal data and the right to erasure: sealed per person, a tombstone after erasure, and
//! nothing of the person left readable in any table or in the service's logs.

use partnership_ledger::auth::Role;
use partnership_ledger::config::Secret;
use partnership_ledger::crypto::MasterKey;
use partnership_ledger::startup::Application;
use partnership_ledger::store::Db;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, Endpoint};
use crate::on_both;
use crate::process::ServiceProcess;

const NAME: &str = "Zebedee Quartermaine-Xylo";
const EMAIL: &str = "zq.unique-4821@example.org";

const REGISTER: &str = "mutation($i: RegisterParticipantInput!) { registerParticipant(input: $i) { participant { id } } }";
const PERSON: &str = "query($id: ID!) { participant(id: $id) { status displayName contact { email }
    consents { purpose given } erasure { reason } } }";

async fn register_person(api: &Endpoint, officer: &str, activity: &str, item: &str) -> String {
    let data = api
        .ok(
            officer,
            REGISTER,
            json!({ "i": { "organisation": "QMJ", "registeredOn": "2026-01-05",
                "details": { "displayName": NAME, "email": EMAIL, "phone": "+44 20 7946 0000",
                    "selfDescription": { "ageBand": "65-74" } } } }),
        )
        .await;
    let id = data["registerParticipant"]["participant"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for link in [
        json!({ "activityId": activity }),
        json!({ "inputItemId": item }),
    ] {
        let mut input = link;
        input["participantId"] = json!(id);
        api.ok(officer, "mutation($i: LinkParticipantInput!) { linkParticipant(input: $i) { participant { id } } }", json!({ "i": input }))
            .await;
    }
    api.ok(
        officer,
        "mutation($i: RecordConsentInput!) { recordConsent(input: $i) { participant { id } } }",
        json!({ "i": { "participantId": id, "purpose": "FEEDBACK_CONTACT", "given": true, "on": "2026-01-05" } }),
    )
    .await;
    id
}

/// Every byte of every table (PostgreSQL) or of the database files (SQLite).
async fn dump(db: &Db, data_dir: &std::path::Path) -> Vec<u8> {
    match db {
        Db::Sqlite(pool) => {
            let _ = sqlx::query("PRAGMA wal_checkpoint(FULL)")
                .execute(pool)
                .await;
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(data_dir).expect("data dir") {
                let path = entry.expect("entry").path();
                if path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("ledger.sqlite3"))
                {
                    bytes.extend(std::fs::read(&path).expect("read database file"));
                }
            }
            bytes
        }
        Db::Postgres(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .fetch_all(pool)
            .await
            .expect("list tables");
            assert!(tables.len() >= 10, "every table listed: {tables:?}");
            let mut bytes = Vec::new();
            for table in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
                        .fetch_all(pool)
                        .await
                        .expect("dump table");
                for row in rows {
                    bytes.extend(row.into_bytes());
                    bytes.push(b'\n');
                }
            }
            bytes
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

async fn views(db: &Db) -> Vec<String> {
    let sql = "SELECT id || '|' || doc FROM view_participants ORDER BY id";
    let mut rows: Vec<String> = match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .expect("participants view");
    let links = "SELECT participant_id || '>' || target_id FROM view_participant_links ORDER BY target_id, participant_id";
    rows.extend(
        match db {
            Db::Postgres(pool) => sqlx::query_scalar::<_, String>(links).fetch_all(pool).await,
            Db::Sqlite(pool) => sqlx::query_scalar::<_, String>(links).fetch_all(pool).await,
        }
        .expect("links"),
    );
    rows
}

async fn keys_of(db: &Db, id: &str) -> Vec<(String, String, String)> {
    let sql = "SELECT participant_id, wrapped_key, CAST(created_at AS TEXT) FROM participant_keys WHERE participant_id = $1";
    match db {
        Db::Postgres(pool) => sqlx::query_as(sql).bind(id).fetch_all(pool).await,
        Db::Sqlite(pool) => sqlx::query_as(sql).bind(id).fetch_all(pool).await,
    }
    .expect("read keys")
}

async fn erasure_leaves_a_tombstone_and_no_trace(backend: Backend) {
    let mut service = ServiceProcess::start(backend).await;
    service.register("QMJ", "North Central Trust").await;
    let officer = service.token(Role::EngagementOfficer, &["QMJ"]);
    let admin = service.admin();
    let activity = plan_activity(&service, &officer, "QMJ", "2026-01-10").await;
    let item = record_item(
        &service,
        &officer,
        &activity,
        "Evening appointments",
        "2026-01-10",
    )
    .await;
    let person = register_person(&service, &officer, &activity, &item).await;

    // Before erasure the officer can read the person, yet nothing readable is stored.
    let before = service.ok(&officer, PERSON, json!({ "id": person })).await;
    assert_eq!(before["participant"]["displayName"], NAME);
    assert_eq!(before["participant"]["contact"]["email"], EMAIL);
    let contacts = "query($id: ID!) { feedbackContacts(inputItemId: $id) { id displayName } }";
    assert_eq!(
        service.ok(&officer, contacts, json!({ "id": item })).await["feedbackContacts"][0]
            ["displayName"],
        NAME
    );

    // Keep a copy of the person's key, as an old backup of the key table would.
    let stored = Application::build(&service.settings)
        .await
        .expect("second handle on the same storage");
    let db = stored.ledger().db().clone();
    let backup = keys_of(&db, &person).await;
    assert_eq!(backup.len(), 1);
    let at_rest = dump(&db, service.data_dir.path()).await;
    assert!(
        !contains(&at_rest, NAME) && !contains(&at_rest, EMAIL),
        "personal data is encrypted at rest"
    );

    service
        .ok(
            &admin,
            "mutation($i: EraseParticipantInput!) { eraseParticipant(input: $i) { participant { status } } }",
            json!({ "i": { "participantId": person, "reason": "DATA_SUBJECT_REQUEST", "requestedOn": "2026-03-01" } }),
        )
        .await;

    // Every way to reach the person shows the tombstone.
    for token in [&officer, &admin] {
        let after = service.ok(token, PERSON, json!({ "id": person })).await["participant"].clone();
        assert_eq!(after["status"], "ERASED");
        assert_eq!(after["displayName"], Value::Null);
        assert_eq!(after["contact"], Value::Null);
        assert_eq!(after["erasure"]["reason"], "DATA_SUBJECT_REQUEST");
    }
    let everywhere = service
        .ok(
            &officer,
            "query($a: ID!, $i: ID!) { participants { nodes { status displayName } }
               activity(id: $a) { participants { status displayName contact { email } } }
               inputItem(id: $i) { participants { status displayName } }
               feedbackContacts(inputItemId: $i) { id } }",
            json!({ "a": activity, "i": item }),
        )
        .await;
    assert_eq!(
        everywhere["participants"]["nodes"],
        json!([{ "status": "ERASED", "displayName": null }])
    );
    assert_eq!(
        everywhere["activity"]["participants"],
        json!([{ "status": "ERASED", "displayName": null, "contact": null }])
    );
    assert_eq!(
        everywhere["inputItem"]["participants"],
        json!([{ "status": "ERASED", "displayName": null }])
    );
    assert_eq!(everywhere["feedbackContacts"], json!([]));

    // Nothing of the person in any table, nor in the service's own logs (at debug level).
    let after = dump(&db, service.data_dir.path()).await;
    assert!(
        !contains(&after, NAME) && !contains(&after, EMAIL),
        "no trace in the database"
    );
    assert!(
        keys_of(&db, &person).await.is_empty(),
        "the key is destroyed"
    );
    let log = service.log();
    assert!(log.len() > 1_000, "the service logged its work");
    assert!(
        !contains(&log, NAME) && !contains(&log, EMAIL),
        "no trace in the logs"
    );

    // Replay from the first event succeeds and gives the same views (the service is stopped
    // first, so one projector owns the views).
    service.stop();
    let projected = views(&db).await;
    let ledger = stored.ledger();
    tokio::spawn(stored.run_until_stopped(std::future::pending()));
    let applied = ledger
        .projector()
        .rebuild()
        .await
        .expect("rebuild after erasure");
    assert!(applied > 5);
    assert_eq!(views(&db).await, projected);

    // Restoring the old key table does not bring the person back: erasures are re-applied at start.
    for (id, wrapped, created_at) in &backup {
        let sql = match &db {
            Db::Postgres(_) => "INSERT INTO participant_keys (participant_id, wrapped_key, created_at) VALUES ($1, $2, CAST($3 AS timestamptz))",
            Db::Sqlite(_) => "INSERT INTO participant_keys (participant_id, wrapped_key, created_at) VALUES ($1, $2, $3)",
        };
        match &db {
            Db::Postgres(pool) => sqlx::query(sql)
                .bind(id)
                .bind(wrapped)
                .bind(created_at)
                .execute(pool)
                .await
                .map(|_| ()),
            Db::Sqlite(pool) => sqlx::query(sql)
                .bind(id)
                .bind(wrapped)
                .bind(created_at)
                .execute(pool)
                .await
                .map(|_| ()),
        }
        .expect("restore the old key");
    }
    let restarted = Application::build(&service.settings)
        .await
        .expect("restart");
    assert!(
        keys_of(&db, &person).await.is_empty(),
        "the restored key is destroyed again at start"
    );
    let state = restarted
        .ledger()
        .load_participant(&person)
        .await
        .expect("load");
    assert!(state.is_erased());
    assert!(!format!("{state:?}").contains(NAME));
}

async fn wrong_master_key_refuses_to_start(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    app.ok(officer.as_str(), REGISTER, json!({ "i": { "organisation": "QMJ", "details": { "displayName": NAME, "email": EMAIL } } }))
        .await;
    let events = app.event_count().await;

    let mut wrong = app.settings.clone();
    wrong.master_key = Some(Secret::new(MasterKey::generate().to_base64()));
    let refused = Application::build(&wrong)
        .await
        .err()
        .expect("the service must refuse to start");
    let message = format!("{refused:#}");
    assert!(message.contains("master key does not match"), "{message}");
    assert!(!message.contains(NAME));

    let mut malformed = app.settings.clone();
    malformed.master_key = Some(Secret::new("too short".to_owned()));
    let refused = Application::build(&malformed)
        .await
        .err()
        .expect("a malformed key is refused");
    assert!(format!("{refused:#}").contains("master key"), "{refused:#}");

    assert_eq!(app.event_count().await, events, "nothing lost or added");
    let right = Application::build(&app.settings)
        .await
        .expect("the right key still starts");
    let people = app
        .ok(
            &officer,
            "query { participants { nodes { displayName } } }",
            json!({}),
        )
        .await;
    assert_eq!(people["participants"]["nodes"][0]["displayName"], NAME);
    drop(right);
}

async fn consent_and_access_record(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let admin = app.admin();
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let item = record_item(
        &app,
        &officer,
        &activity,
        "Evening appointments",
        "2026-01-10",
    )
    .await;
    let person = register_person(&app, &officer, &activity, &item).await;
    let contacts = "query($id: ID!) { feedbackContacts(inputItemId: $id) { id } }";
    assert_eq!(
        app.ok(&officer, contacts, json!({ "id": item })).await["feedbackContacts"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    app.ok(
        &officer,
        "mutation($i: RecordConsentInput!) { recordConsent(input: $i) { participant { consentsTo(purpose: FEEDBACK_CONTACT) } } }",
        json!({ "i": { "participantId": person, "purpose": "FEEDBACK_CONTACT", "given": false, "on": "2026-02-01" } }),
    )
    .await;
    assert_eq!(
        app.ok(&officer, contacts, json!({ "id": item })).await["feedbackContacts"],
        json!([])
    );
    let history = app.ok(&admin, PERSON, json!({ "id": person })).await;
    assert_eq!(
        history["participant"]["consents"],
        json!([{ "purpose": "FEEDBACK_CONTACT", "given": true }, { "purpose": "FEEDBACK_CONTACT", "given": false }])
    );

    // The auditor sees that the person exists and what happened, but no personal details,
    // and that read is not an access to contact details.
    let seen = app.ok(&auditor, PERSON, json!({ "id": person })).await["participant"].clone();
    assert_eq!(seen["status"], "ACTIVE");
    assert_eq!(seen["displayName"], Value::Null);
    assert_eq!(seen["contact"], Value::Null);
    assert_eq!(seen["consents"].as_array().map(Vec::len), Some(2));

    let record = "query($id: ID!) { participantAccessRecord(participantId: $id) { nodes { reader role purpose at } } }";
    let reads_before = app.ok(&auditor, record, json!({ "id": person })).await
        ["participantAccessRecord"]["nodes"]
        .as_array()
        .map(Vec::len);
    // The admin's read of the consent history above also fetched contact details.
    assert_eq!(
        reads_before,
        Some(1),
        "only the admin's read so far, not the auditor's"
    );
    app.ok(&officer, PERSON, json!({ "id": person })).await;
    let reads = app.ok(&auditor, record, json!({ "id": person })).await["participantAccessRecord"]
        ["nodes"]
        .clone();
    assert_eq!(reads.as_array().map(Vec::len), Some(2), "{reads}");
    assert_eq!(reads[0]["role"], "ADMIN");
    assert_eq!(reads[1]["reader"], "tester@example.nhs.uk");
    assert_eq!(reads[1]["role"], "ENGAGEMENT_OFFICER");
    assert_eq!(reads[1]["purpose"], "VIEW_RECORD");
    // Listing feedback contacts with their addresses is recorded with that purpose.
    app.ok(
        &officer,
        "mutation($i: RecordConsentInput!) { recordConsent(input: $i) { participant { id } } }",
        json!({ "i": { "participantId": person, "purpose": "FEEDBACK_CONTACT", "given": true, "on": "2026-02-02" } }),
    )
    .await;
    app.ok(
        &officer,
        "query($id: ID!) { feedbackContacts(inputItemId: $id) { contact { email } } }",
        json!({ "id": item }),
    )
    .await;
    let reads = app.ok(&auditor, record, json!({ "id": person })).await["participantAccessRecord"]
        ["nodes"]
        .clone();
    assert_eq!(reads[2]["purpose"], "FEEDBACK_CONTACT", "{reads}");
    let (code, _) = app.err(&officer, record, json!({ "id": person })).await;
    assert_eq!(code, "FORBIDDEN", "officers do not read the access record");

    // Only admins erase.
    let (code, _) = app
        .err(
            &officer,
            "mutation($i: EraseParticipantInput!) { eraseParticipant(input: $i) { participant { status } } }",
            json!({ "i": { "participantId": person, "reason": "OTHER" } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
}

on_both!(
    erasure_leaves_a_tombstone_and_no_trace,
    wrong_master_key_refuses_to_start,
    consent_and_access_record
);
