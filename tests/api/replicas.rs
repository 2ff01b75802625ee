//! Several replicas on one PostgreSQL: exactly one runs the projector, any of them answers with
//! its own writes, and another takes over when the one running it stops.

use std::time::{Duration, Instant};

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::{
    drop_postgres_database, fresh_settings, plan_activity, postgres_available, record_item,
    Backend, Replica,
};

/// Waits until exactly one of `replicas` runs the projector; answers with its index.
async fn leader(replicas: &[&Replica]) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let leading: Vec<usize> = (0..replicas.len())
            .filter(|i| replicas[*i].ledger.projector().leading())
            .collect();
        if let [one] = leading[..] {
            return one;
        }
        assert!(leading.len() < 2, "two replicas run the projector at once");
        assert!(
            Instant::now() < deadline,
            "no replica took the projector over"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_one_projector_and_take_over() {
    if !postgres_available().await {
        return;
    }
    let (settings, _dir, database) = fresh_settings(Backend::Postgres).await;
    let mut replicas = vec![
        Replica::start(&settings).await,
        Replica::start(&settings).await,
        Replica::start(&settings).await,
    ];
    let first = leader(&replicas.iter().collect::<Vec<_>>()).await;
    replicas[0].register("QMJ", "North Central Trust").await;
    let officer = replicas[0].token(Role::EngagementOfficer, &["QMJ"]);

    // Writes through any replica are answered with their own effect, whichever projects.
    let activity = plan_activity(&replicas[1], &officer, "QMJ", "2026-01-10").await;
    let item = record_item(
        &replicas[2],
        &officer,
        &activity,
        "Clearer letters",
        "2026-01-10",
    )
    .await;
    for replica in &replicas {
        let found = replica
            .ok(
                &officer,
                "query($id: ID!) { inputItem(id: $id) { summary } }",
                json!({ "id": item }),
            )
            .await;
        assert_eq!(found["inputItem"]["summary"], "Clearer letters");
    }

    // Read-your-writes across replicas: a write through one, read at once through another at
    // the receipt's position.
    let receipt = replicas[0]
        .ok(
            &officer,
            "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) { inputItem { id } receipt { logPosition } } }",
            json!({ "i": { "activityId": activity, "kind": "RECOMMENDATION", "summary": "Read me back",
                "themes": ["access"], "raisedBy": "PATIENT", "raisedOn": "2026-01-10" } }),
        )
        .await;
    let position = receipt["recordInputItem"]["receipt"]["logPosition"]
        .as_str()
        .expect("position")
        .to_owned();
    let id = receipt["recordInputItem"]["inputItem"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let response = replicas[1]
        .client
        .post(format!("{}/graphql", replicas[1].address))
        .bearer_auth(&officer)
        .header("x-log-position", &position)
        .json(&json!({ "query": "query($id: ID!) { inputItem(id: $id) { summary } }", "variables": { "id": id } }))
        .send()
        .await
        .expect("request");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        body["data"]["inputItem"]["summary"], "Read me back",
        "{body}"
    );
    let refused = replicas[1]
        .client
        .post(format!("{}/graphql", replicas[1].address))
        .bearer_auth(&officer)
        .header("x-log-position", "soon")
        .json(&json!({ "query": "{ organisations { nodes { odsCode } } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status().as_u16(), 400);

    // Admins see one projector, caught up, run by exactly one replica.
    let admin = replicas[0].admin();
    let mut running = 0;
    for replica in &replicas {
        let status = replica
            .ok(
                &admin,
                "{ projections { name logPosition lagEvents lagSeconds runningHere } }",
                json!({}),
            )
            .await;
        let p = &status["projections"][0];
        assert_eq!(p["name"], "views");
        assert_eq!(p["lagEvents"], 0, "{p}");
        running += usize::from(p["runningHere"] == true);
        let ready = replica
            .client
            .get(format!("{}/ready", replica.address))
            .send()
            .await
            .expect("ready");
        assert_eq!(ready.status().as_u16(), 200);
    }
    assert_eq!(running, 1);
    let (code, _) = replicas[0]
        .err(&officer, "{ projections { name } }", json!({}))
        .await;
    assert_eq!(code, "FORBIDDEN");

    // The replica running the projector stops; another takes over within seconds, and writes
    // through the rest go on being answered with their effect.
    let stopped = replicas.remove(first);
    stopped.stop().await;
    let started = Instant::now();
    let next = leader(&replicas.iter().collect::<Vec<_>>()).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    for n in 0..5 {
        record_item(
            &replicas[n % 2],
            &officer,
            &activity,
            &format!("Point {n}"),
            "2026-01-11",
        )
        .await;
    }
    let listed = replicas[1 - next]
        .ok(
            &officer,
            "query($id: ID!) { activity(id: $id) { inputItems { id } } }",
            json!({ "id": activity }),
        )
        .await;
    assert_eq!(
        listed["activity"]["inputItems"].as_array().map(Vec::len),
        Some(7)
    );

    // Nothing skipped or applied twice: the views equal a rebuild from the log.
    let db = replicas[next].ledger.db().clone();
    let before = crate::projections::dump(&db).await;
    replicas[next]
        .ledger
        .projector()
        .rebuild()
        .await
        .expect("rebuild");
    assert_eq!(crate::projections::dump(&db).await, before);
    for replica in replicas {
        replica.stop().await;
    }
    drop(db);
    if let Some(name) = database {
        drop_postgres_database(name);
    }
}

/// A replica decides a command on the state it holds of the stream. When another replica has
/// written to that stream since, the log refuses the stale commit (or the stale state refuses
/// the command) and the command runs again on the log's state: the answer is what a fresh read
/// gives, never a spurious refusal or conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_behind_on_a_stream_answers_as_the_log_stands() {
    if !postgres_available().await {
        return;
    }
    let (settings, _dir, database) = fresh_settings(Backend::Postgres).await;
    let ours = Replica::start(&settings).await;
    let theirs = Replica::start(&settings).await;
    ours.register("QMJ", "North Central Trust").await;
    let officer = ours.token(Role::EngagementOfficer, &["QMJ"]);

    // Feedback needs the activity held: ours holds it as planned, the log says held.
    let held = plan_activity(&ours, &officer, "QMJ", "2026-01-10").await;
    theirs
        .call(
            &officer,
            "recordActivityHeld",
            "activity { id }",
            json!({ "activityId": held }),
        )
        .await;
    let feedback = ours
        .call(
            &officer,
            "recordActivityFeedback",
            "activity { feedback { summary } }",
            json!({ "activityId": held, "channel": "EMAIL", "summary": "What we changed" }),
        )
        .await;
    assert_eq!(
        feedback["activity"]["feedback"],
        json!([{ "summary": "What we changed" }])
    );

    // Nothing may be recorded on a cancelled activity: ours holds it as planned, the log says
    // cancelled, and the refusal is the log's, not a conflict.
    let cancelled = plan_activity(&ours, &officer, "QMJ", "2026-01-10").await;
    theirs
        .call(
            &officer,
            "cancelActivity",
            "activity { id }",
            json!({ "activityId": cancelled, "reason": "Venue closed" }),
        )
        .await;
    let (code, message) = ours
        .err(
            &officer,
            "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { id } } }",
            json!({ "i": { "activityId": cancelled } }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("CONFLICT", "activity is cancelled")
    );
    let partnership_ledger::store::Db::Postgres(pool) = ours.ledger.db() else {
        unreachable!("a PostgreSQL replica");
    };
    let written: Vec<String> = sqlx::query_scalar(
        "SELECT event_type FROM events WHERE aggregate_id = $1 ORDER BY sequence",
    )
    .bind(&cancelled)
    .fetch_all(pool)
    .await
    .expect("read the stream");
    assert_eq!(written, ["ActivityPlanned", "ActivityCancelled"]);

    ours.stop().await;
    theirs.stop().await;
    drop_postgres_database(database.expect("a PostgreSQL database"));
}

/// A rule's lookup of another record answers from the state this replica holds only while
/// that state is the log's: once another replica moves the record on, the next lookup reads
/// the log, so the rule is never decided on what the record used to be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_sees_what_another_replica_wrote() {
    if !postgres_available().await {
        return;
    }
    let (settings, _dir, database) = fresh_settings(Backend::Postgres).await;
    let ours = Replica::start(&settings).await;
    // Ours runs the projector, so it reads every event, whoever wrote it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ours.ledger.projector().leading() {
        assert!(Instant::now() < deadline, "ours takes the lease");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let theirs = Replica::start(&settings).await;
    ours.register("QMJ", "North Central Trust").await;
    let officer = ours.token(Role::EngagementOfficer, &["QMJ"]);

    // Ours plans the activity and records input against it: its rule looks the activity up
    // and ours now holds it, as planned.
    let activity = plan_activity(&ours, &officer, "QMJ", "2026-01-10").await;
    record_item(&ours, &officer, &activity, "Clearer letters", "2026-01-11").await;

    // Theirs cancels it; nothing more may be recorded against it, through either replica.
    theirs
        .call(
            &officer,
            "cancelActivity",
            "activity { id }",
            json!({ "activityId": activity, "reason": "Venue closed" }),
        )
        .await;
    let (code, message) = ours
        .err(
            &officer,
            "mutation($i: RecordInputItemInput!) { recordInputItem(input: $i) { inputItem { id } } }",
            json!({ "i": { "activityId": activity, "kind": "IDEA", "summary": "Evening clinics",
                "raisedBy": "PATIENT", "raisedOn": "2026-01-12" } }),
        )
        .await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("CONFLICT", "activity is cancelled")
    );

    ours.stop().await;
    theirs.stop().await;
    drop_postgres_database(database.expect("a PostgreSQL database"));
}
