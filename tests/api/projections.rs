//! Projections: no event skipped when its transaction commits late; rebuild gives the same tables.

use partnership_ledger::auth::Role;
use partnership_ledger::projections::{
    read_log_after, rebuild_with, Projector, RebuildOptions, MAX_PARTS,
};
use partnership_ledger::store::{
    chain_hash, format_recorded_at, Db, HashedFields, LogPosition, GENESIS_HASH,
};
use serde_json::{json, Value};

use crate::helpers::{plan_activity, record_item, spawn_app, Backend, TestApp};
use crate::on_both;

const HELD_PAYLOAD: &str = r#"{"OrganisationRegistered":{"ods_code":"HLD","name":"Held Back Trust","kind":"NHS_TRUST","ics":null,"response_window_days":60}}"#;

/// Every row of every view table, in a stable order, as text the same on either backend.
async fn dump_views(app: &TestApp) -> Vec<String> {
    dump(app.db()).await
}

pub(crate) async fn dump(db: &Db) -> Vec<String> {
    let queries = [
        "SELECT ods_code || '|' || doc FROM view_organisations ORDER BY ods_code",
        "SELECT id || '|' || organisation || '|' || CAST(planned_on AS TEXT) || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_activities ORDER BY id",
        "SELECT id || '|' || organisation || '|' || COALESCE(referred_to, '-') || '|' || CAST(raised_on AS TEXT) || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_input_items ORDER BY id",
        "SELECT id || '|' || organisation || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_actions ORDER BY id",
        "SELECT input_item_id || '|' || action_id FROM view_action_links ORDER BY input_item_id, action_id",
        "SELECT action_id || '|' || CAST(seq AS TEXT) || '|' || CAST(recorded_on AS TEXT) || '|' || note FROM view_action_progress ORDER BY action_id, seq",
        "SELECT id || '|' || organisation || '|' || CAST(erased AS TEXT) || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_participants ORDER BY id",
        "SELECT participant_id || '|' || target_id FROM view_participant_links ORDER BY participant_id, target_id",
        "SELECT id || '|' || organisation || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_boards ORDER BY id",
        "SELECT id || '|' || organisation || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_appointments ORDER BY id",
        "SELECT id || '|' || organisation || '|' || CAST(log_position AS TEXT) || '|' || doc FROM view_meetings ORDER BY id",
        "SELECT input_item_id || '|' || decision_id FROM view_decision_citations ORDER BY input_item_id, decision_id",
    ];
    let mut rows = Vec::new();
    for sql in queries {
        let part: Vec<String> = match db {
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        }
        .expect("dump view table");
        rows.extend(part);
    }
    rows
}

/// The event a test holds back in an open transaction: the first of organisation HLD.
const HELD_INSERT: &str =
    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, \
    event_version, payload, metadata, recorded_at, prev_hash, hash) VALUES ('Organisation', 'HLD', \
    1, 'OrganisationRegistered', '1', $1, '{}', $2, $3, $4)";

/// The held event's time (as stored on PostgreSQL, and as text for SQLite) and its chain hash.
fn held_event() -> (chrono::DateTime<chrono::Utc>, String, String) {
    let recorded_at = chrono::Utc::now();
    let recorded_text = format_recorded_at(&recorded_at);
    let hash = chain_hash(&HashedFields {
        prev_hash: GENESIS_HASH,
        aggregate_type: "Organisation",
        aggregate_id: "HLD",
        sequence: 1,
        event_type: "OrganisationRegistered",
        event_version: "1",
        recorded_at: &recorded_text,
        metadata: "{}",
        payload: HELD_PAYLOAD,
    });
    (recorded_at, recorded_text, hash)
}

/// A PostgreSQL transaction that has appended the held event and stays open.
async fn hold_event_open(pool: &sqlx::PgPool) -> sqlx::Transaction<'_, sqlx::Postgres> {
    let (recorded_at, _, hash) = held_event();
    let mut held = pool.begin().await.expect("begin");
    sqlx::query(HELD_INSERT)
        .bind(HELD_PAYLOAD)
        .bind(recorded_at)
        .bind(GENESIS_HASH)
        .bind(&hash)
        .execute(&mut *held)
        .await
        .expect("held insert");
    held
}

/// Waits until the input item recorded while the held transaction is open has committed: it
/// then follows the held event in commit order, though committed first.
async fn later_committed(pool: &sqlx::PgPool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let committed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE aggregate_type = 'InputItem'")
                .fetch_one(pool)
                .await
                .expect("count");
        if committed > 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the later write did not commit"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The held organisation is in the views; answers with the summaries of the activity's items.
async fn held_and_listed(app: &TestApp, officer: &str, activity: &str) -> Value {
    let held = app
        .ok(
            &app.admin(),
            "query { organisation(odsCode: \"HLD\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(held["organisation"]["name"], "Held Back Trust");
    app.ok(
        officer,
        "query($id: ID!) { activity(id: $id) { inputItems { summary } } }",
        json!({ "id": activity }),
    )
    .await["activity"]["inputItems"]
        .clone()
}

async fn late_commit_is_not_skipped(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;

    // A writer transaction appends an event and then stays open. Later writes commit while it
    // is still open (on SQLite they wait for it, as SQLite has one writer); then it commits.
    let later = record_item(
        &app,
        &officer,
        &activity,
        "Committed after the held transaction began",
        "2026-01-10",
    );
    match app.db() {
        Db::Postgres(pool) => {
            let held = hold_event_open(pool).await;
            let commit_later = async {
                later_committed(pool).await;
                held.commit().await.expect("commit held");
            };
            tokio::join!(later, commit_later);
        }
        Db::Sqlite(pool) => {
            let (_, recorded_text, hash) = held_event();
            let mut held = pool.begin().await.expect("begin");
            sqlx::query(HELD_INSERT)
                .bind(HELD_PAYLOAD)
                .bind(&recorded_text)
                .bind(GENESIS_HASH)
                .bind(&hash)
                .execute(&mut *held)
                .await
                .expect("held insert");
            let commit_later = async {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                held.commit().await.expect("commit held");
            };
            tokio::join!(later, commit_later);
        }
    }

    // Both the late-committing event and the later one reach the views.
    app.ledger.projector().wake();
    let last = read_log_after(app.db(), LogPosition::default(), 1_000)
        .await
        .expect("read the log")
        .last()
        .expect("events")
        .at;
    assert!(
        app.ledger
            .projector()
            .wait_for(last, std::time::Duration::from_secs(10))
            .await,
        "the views reach the end of the log"
    );
    let listed = held_and_listed(&app, &officer, &activity).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}

/// A rebuild that meets a transaction still open stops before it: the event that commits late,
/// and those committed after it began, reach the views once it commits, none skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_stops_before_a_transaction_still_open() {
    if !crate::helpers::postgres_available().await {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let Db::Postgres(pool) = app.db() else {
        unreachable!("a PostgreSQL app")
    };
    let held = hold_event_open(pool).await;
    // Committed after the held transaction began, so after it in commit order; it answers
    // once the views show it, which is after the held one commits.
    let later = record_item(
        &app,
        &officer,
        &activity,
        "After the held one",
        "2026-01-10",
    );
    let rebuild_meanwhile = async {
        later_committed(pool).await;
        let commit_later = async {
            tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
            held.commit().await.expect("commit held");
        };
        let (rebuilt, ()) = tokio::join!(app.ledger.projector().rebuild(), commit_later);
        rebuilt.expect("rebuild");
    };
    tokio::join!(later, rebuild_meanwhile);

    let listed = held_and_listed(&app, &officer, &activity).await;
    assert_eq!(listed[0]["summary"], "After the held one");
}

/// Each view table's indexes, by what they index rather than by name (a rebuild's tables
/// name theirs afresh).
async fn index_shapes(db: &Db) -> Vec<String> {
    let found: Result<Vec<String>, sqlx::Error> = match db {
        Db::Postgres(pool) => {
            sqlx::query_scalar(
                "SELECT tablename || ': ' || regexp_replace(indexdef, 'INDEX \\S+ ON \\S+', 'INDEX ON') \
                 FROM pg_indexes WHERE tablename LIKE 'view\\_%' ORDER BY 1",
            )
            .fetch_all(pool)
            .await
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar(
                "SELECT tbl_name || ': ' || replace(substr(sql, instr(sql, ' ON ')), '\"', '') \
                 FROM sqlite_master \
                 WHERE type = 'index' AND sql IS NOT NULL AND tbl_name LIKE 'view\\_%' ESCAPE '\\' \
                 ORDER BY 1",
            )
            .fetch_all(pool)
            .await
        }
    };
    let found = found.expect("list indexes");
    assert!(found.len() >= 8, "the views are indexed: {found:?}");
    found
}

async fn rebuild_gives_identical_tables(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    // Quotes, a backslash and letters outside ASCII: a rebuild copies text as it is.
    let said = r#"Clearer "way out" signage \ café, ☕ and Ŵ"#;
    let item = record_item(&app, &officer, &activity, said, "2026-01-11").await;
    let action = app.ok(
        &officer,
        "mutation($i: ProposeActionInput!) { proposeAction(input: $i) { action { id } } }",
        json!({ "i": { "title": "New signs", "ownerOrganisation": "QMJ", "ownerRole": "Estates lead",
            "decisionForum": "Estates board", "dueOn": "2026-09-01", "inputItemIds": [item], "proposedOn": "2026-01-12" } }),
    )
    .await["proposeAction"]["action"]["id"]
        .clone();
    app.ok(
        &officer,
        "mutation($i: AgreeActionInput!) { agreeAction(input: $i) { action { id } } }",
        json!({ "i": { "actionId": action, "agreedOn": "2026-01-13" } }),
    )
    .await;
    for n in 1..=3 {
        app.ok(
            &officer,
            "mutation($i: RecordActionProgressInput!) { recordActionProgress(input: $i) { action { id } } }",
            json!({ "i": { "actionId": action, "recordedOn": "2026-01-14", "note": format!("Step {n}") } }),
        )
        .await;
    }
    let before = dump_views(&app).await;
    assert!(before.len() >= 8, "views hold the records: {before:?}");
    assert!(
        before
            .iter()
            .any(|row| row.ends_with("|3|2026-01-14|Step 3")),
        "each note is a row, numbered in order: {before:?}"
    );
    let indexes = index_shapes(app.db()).await;
    let applied = app.ledger.projector().rebuild().await.expect("rebuild");
    assert_eq!(applied as i64, app.event_count().await);
    assert_eq!(dump_views(&app).await, before);
    // The indexes a rebuild leaves out while it fills the tables are all there after it.
    assert_eq!(index_shapes(app.db()).await, indexes);

    // In batches of two events, letting go of the documents held after each: every record's
    // document is read back from the rebuild's own tables, mid-way, and comes out the same,
    // whether one task applies them all or several share them out by record.
    for parts in [1, 2, MAX_PARTS] {
        let tiny = RebuildOptions {
            batch: 2,
            hold: 0,
            parts,
        };
        let applied = rebuild_with(app.db(), tiny).await.expect("rebuild");
        assert_eq!(applied as i64, app.event_count().await);
        assert_eq!(dump_views(&app).await, before, "{parts} parts");
    }

    // Holding a few: the documents held are written only when let go of or at the end, and
    // one changed after it was written is written again.
    for parts in [1, 2] {
        let few = RebuildOptions {
            batch: 3,
            hold: 2 * parts,
            parts,
        };
        let applied = rebuild_with(app.db(), few).await.expect("rebuild");
        assert_eq!(applied as i64, app.event_count().await);
        assert_eq!(dump_views(&app).await, before, "{parts} parts");
    }
    assert!(
        rebuild_with(
            app.db(),
            RebuildOptions {
                parts: MAX_PARTS + 1,
                ..RebuildOptions::default()
            }
        )
        .await
        .is_err(),
        "at most {MAX_PARTS} parts"
    );
    assert_eq!(dump_views(&app).await, before);
}

/// A second projector over the same database (the report command, or another replica) may run
/// while the service's own does: each batch lands once, whichever gets there first.
async fn two_projectors_apply_each_event_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let (mut other, _) = Projector::new(app.db().clone())
        .await
        .expect("second projector");
    let racing = tokio::spawn(async move {
        let mut applied = 0;
        for _ in 0..200 {
            applied += other.catch_up().await.expect("second projector catches up");
            tokio::task::yield_now().await;
        }
        applied
    });
    for day in 1..=12 {
        app.ok(
            &officer,
            "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { id } } }",
            json!({ "i": { "activityId": activity, "publishedOn": format!("2026-01-{day:02}") } }),
        )
        .await;
    }
    racing.await.expect("second projector ran");
    let published = app
        .ok(
            &officer,
            "query($id: ID!) { activity(id: $id) { informationPublished { publishedOn } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(
        published["activity"]["informationPublished"]
            .as_array()
            .map(Vec::len),
        Some(12),
        "each publication once: {published}"
    );
    let before = dump_views(&app).await;
    app.ledger.projector().rebuild().await.expect("rebuild");
    assert_eq!(dump_views(&app).await, before);
}

/// The `rebuild` command, run twice while writes go on: the views it leaves equal a replay of
/// the whole log by the incremental projector.
async fn rebuild_during_live_writes_equals_incremental(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let writes = {
        let api = crate::helpers::Endpoint::new(app.address.clone(), &app.settings);
        let officer = officer.clone();
        let activity = activity.clone();
        tokio::spawn(async move {
            for n in 0..30 {
                let item = record_item(
                    &api,
                    &officer,
                    &activity,
                    &format!("Point {n}"),
                    "2026-01-11",
                )
                .await;
                if n % 3 == 0 {
                    api.ok(&officer, "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }",
                        json!({ "i": { "inputItemId": item, "outcome": "DECLINED", "reason": "Not now", "decidedOn": "2026-01-20" } })).await;
                }
            }
        })
    };
    for _ in 0..2 {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_partnership-ledger"));
        command
            .arg("rebuild")
            .env("PL_DATA_DIR", &app.settings.data_dir)
            .env("RUST_LOG", "warn");
        crate::helpers::storage_env(&mut command, &app.settings);
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("join")
            .expect("run rebuild");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).starts_with("rebuilt `views` from "));
    }
    writes.await.expect("writes done");
    // The service applies whatever came in after the last switch.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while partnership_ledger::projections::status::status(app.db())
        .await
        .expect("status")
        .lag_events
        > 0
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the views did not catch up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let live = dump(app.db()).await;
    // The organisation, the activity and thirty items.
    assert_eq!(live.len(), 32);
    let replay = partnership_ledger::audit::as_of::recorded_views(app.db(), chrono::Utc::now())
        .await
        .expect("replay");
    assert_eq!(live, dump(&replay).await);
    let listed = app
        .ok(
            &officer,
            "query($id: ID!) { activity(id: $id) { inputItems { id } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(
        listed["activity"]["inputItems"].as_array().map(Vec::len),
        Some(30)
    );
}

/// Commit order is the transaction's number, not its digits: an event of transaction 9 comes
/// before one of transaction 10 (as text, "10" sorts first). Both are written by hand with the
/// transaction ids chosen, as real ones cannot be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_order_follows_the_transaction_number_not_its_digits() {
    if !crate::helpers::postgres_available().await {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let Db::Postgres(pool) = app.db() else {
        unreachable!("a PostgreSQL app");
    };
    // Both in one transaction, so the projector sees both or neither: a real transaction 9
    // could not commit after 10 had been read past, as the log reads only below the oldest
    // transaction still running.
    let mut both = pool.begin().await.expect("begin");
    for (tx, code, name) in [(10, "TXT", "Ten Trust"), (9, "TXN", "Nine Trust")] {
        let payload = format!(
            r#"{{"OrganisationRegistered":{{"ods_code":"{code}","name":"{name}","kind":"NHS_TRUST","ics":null,"response_window_days":60}}}}"#
        );
        let recorded_at = chrono::Utc::now();
        let hash = chain_hash(&HashedFields {
            prev_hash: GENESIS_HASH,
            aggregate_type: "Organisation",
            aggregate_id: code,
            sequence: 1,
            event_type: "OrganisationRegistered",
            event_version: "1",
            recorded_at: &format_recorded_at(&recorded_at),
            metadata: "{}",
            payload: &payload,
        });
        sqlx::query(
            "INSERT INTO events (transaction_id, aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata, recorded_at, prev_hash, hash) VALUES \
             ($1::text::xid8, 'Organisation', $2, 1, 'OrganisationRegistered', '1', $3, '{}', $4, $5, $6)",
        )
        .bind(tx.to_string())
        .bind(code)
        .bind(&payload)
        .bind(recorded_at)
        .bind(GENESIS_HASH)
        .bind(&hash)
        .execute(&mut *both)
        .await
        .expect("insert an event with a chosen transaction");
    }
    both.commit().await.expect("commit");

    let first = read_log_after(app.db(), LogPosition::default(), 1)
        .await
        .expect("read the log");
    assert_eq!(
        first.iter().map(|e| e.at.tx).collect::<Vec<_>>(),
        vec![9],
        "transaction 9 committed first"
    );
    let all = read_log_after(app.db(), LogPosition::default(), 10)
        .await
        .expect("read the log");
    assert_eq!(
        all.iter()
            .map(|e| e.aggregate_id.as_str())
            .collect::<Vec<_>>(),
        vec!["TXN", "TXT"]
    );
    let after_nine = read_log_after(app.db(), first[0].at, 10)
        .await
        .expect("read the log");
    assert_eq!(
        after_nine.iter().map(|e| e.at.tx).collect::<Vec<_>>(),
        vec![10],
        "reading on from transaction 9 finds transaction 10, once"
    );

    // The projector applies each once: both organisations are in the views.
    app.ledger.projector().wake();
    let admin = app.admin();
    for (code, name) in [("TXN", "Nine Trust"), ("TXT", "Ten Trust")] {
        let mut shown = serde_json::Value::Null;
        for _ in 0..50 {
            (_, shown) = app
                .post(
                    Some(&admin),
                    "query($c: String!) { organisation(odsCode: $c) { name } }",
                    json!({ "c": code }),
                )
                .await;
            if !shown["data"].is_null() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(shown["data"]["organisation"]["name"], name, "{shown}");
    }
}

on_both!(
    rebuild_during_live_writes_equals_incremental,
    late_commit_is_not_skipped,
    rebuild_gives_identical_tables,
    two_projectors_apply_each_event_once
);
