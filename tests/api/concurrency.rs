//! Optimistic concurrency: conflicting writes to one record fail cleanly with CONFLICT.

use partnership_ledger::auth::Role;
use partnership_ledger::store::Db;
use serde_json::json;

use crate::helpers::{plan_activity, spawn_app, Backend};
use crate::on_both;

async fn twenty_conflicting_commands(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;

    let requests = (0..20).map(|n| {
        app.post(
            Some(&officer),
            "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { id } } }",
            json!({ "i": { "activityId": activity, "publishedOn": "2026-01-02", "accessibleFormats": [if n % 2 == 0 { "EASY_READ" } else { "AUDIO" }] } }),
        )
    });
    let answers = futures_join_all(requests).await;
    let (mut won, mut conflicts) = (0, 0);
    for (status, body) in &answers {
        assert_eq!(*status, 200);
        match body.get("errors") {
            None => won += 1,
            Some(errors) => {
                assert_eq!(errors[0]["extensions"]["code"], "CONFLICT", "{body}");
                conflicts += 1;
            }
        }
    }
    assert!(won >= 1, "at least one write wins");
    // Twenty writes on one record at once race for it: some lose, and say so.
    assert!(conflicts >= 1, "no write met a conflict: {won} won");

    let sequences: Vec<i64> = match app.db() {
        Db::Postgres(pool) => {
            sqlx::query_scalar(
                "SELECT sequence FROM events WHERE aggregate_id = $1 ORDER BY sequence",
            )
            .bind(&activity)
            .fetch_all(pool)
            .await
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar(
                "SELECT sequence FROM events WHERE aggregate_id = $1 ORDER BY sequence",
            )
            .bind(&activity)
            .fetch_all(pool)
            .await
        }
    }
    .expect("sequences");
    let expected: Vec<i64> = (1..=(1 + won)).collect();
    assert_eq!(
        sequences, expected,
        "one event per winner, contiguous, none lost or doubled"
    );

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
        Some(won as usize)
    );
}

/// Commands on different records sent at once all commit, each answering with its own record,
/// and share transactions (group commit); conflicting commands among them are refused alone.
async fn concurrent_commands_commit_together(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let contested = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let plan =
        "mutation($i: PlanActivityInput!) { planActivity(input: $i) { activity { id title } } }";
    let publish = "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { activity { id } } }";
    let survey = |n: usize| {
        json!({ "i": { "kind": "SURVEY", "title": format!("Survey {n}"), "topic": "Access",
            "leadOrganisation": "QMJ", "plannedOn": "2026-03-01" } })
    };
    let own_record = |n: usize, body: &serde_json::Value| {
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(
            body["data"]["planActivity"]["activity"]["title"],
            format!("Survey {n}"),
            "each command answers with its own record"
        );
    };

    // Independent commands at once: all commit, in fewer transactions than commands.
    let before = app.event_count().await;
    let answers =
        futures_join_all((0..32).map(|n| app.post(Some(&officer), plan, survey(n)))).await;
    for (n, (status, body)) in answers.iter().enumerate() {
        assert_eq!(*status, 200, "{body}");
        own_record(n, body);
    }
    assert_eq!(app.event_count().await, before + 32);
    if let Db::Postgres(pool) = app.db() {
        let (events, transactions): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT transaction_id::text) FROM events WHERE position > $1",
        )
        .bind(before)
        .fetch_one(pool)
        .await
        .expect("count");
        assert!(
            transactions < events,
            "{events} events in {transactions} transactions: nothing was grouped"
        );
    }

    // With racing writes to one record among them: those race for it, the rest all commit.
    let before = app.event_count().await;
    let answers = futures_join_all((0..40).map(|n| {
        if n % 10 == 0 {
            let input = json!({ "i": { "activityId": contested, "publishedOn": "2026-01-02" } });
            app.post(Some(&officer), publish, input)
        } else {
            app.post(Some(&officer), plan, survey(n))
        }
    }))
    .await;
    let mut published = 0;
    for (n, (status, body)) in answers.iter().enumerate() {
        assert_eq!(*status, 200, "{body}");
        if n % 10 != 0 {
            own_record(n, body);
        } else if body.get("errors").is_none() {
            published += 1;
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "CONFLICT",
                "{body}"
            );
        }
    }
    assert!(published >= 1);
    assert_eq!(app.event_count().await, before + 36 + published);
}

/// Runs futures concurrently and collects their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(f);
    }
    let mut out = Vec::with_capacity(set.len());
    let mut pinned: Vec<_> = set.into_iter().map(Box::pin).collect();
    // Poll all together: join them pairwise through a select loop.
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(done.into_iter().flatten());
    out
}

/// A command that creates a record is decided without reading the log, as its id was just
/// made; should a stream exist under that id after all (an id chosen in process, as the seed
/// generator does), the log refuses the commit and the command is decided again as the log
/// stands: refused for the record existing, never a spurious conflict or a second creation.
async fn creating_under_an_existing_id_is_refused_as_the_log_stands(backend: Backend) {
    use partnership_ledger::api::context::RequestInfo;
    use partnership_ledger::api::{ChosenId, LedgerSchema};
    use partnership_ledger::auth::Principal;
    use partnership_ledger::startup::Application;

    async fn run(
        schema: &LedgerSchema,
        query: &str,
        input: serde_json::Value,
        role: Role,
        chosen: Option<uuid::Uuid>,
    ) -> async_graphql::Response {
        let mut request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(json!({ "i": input })))
            .data(Principal {
                subject: "officer@example.nhs.uk".into(),
                role,
                organisations: vec!["QMJ".into()],
            })
            .data(RequestInfo {
                correlation_id: "creation-test".into(),
            });
        if let Some(id) = chosen {
            request = request.data(ChosenId(id));
        }
        schema.execute(request).await
    }
    const PLAN: &str =
        "mutation($i: PlanActivityInput!) { planActivity(input: $i) { activity { id title } } }";
    let plan = |title: &str| {
        json!({ "kind": "FOCUS_GROUP", "title": title, "topic": "Outpatients",
                "leadOrganisation": "QMJ", "plannedOn": "2026-01-10" })
    };
    let id = uuid::Uuid::now_v7();
    let (settings, _dir, database) = crate::helpers::fresh_settings(backend).await;

    // Each run is a fresh process, holding no stream from the one before.
    for (n, title) in ["First", "Second"].into_iter().enumerate() {
        let app = Application::build(&settings).await.expect("builds");
        let schema = app.schema();
        let ledger = app.ledger();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        if n == 0 {
            let registered = run(
                &schema,
                "mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisation { odsCode } } }",
                json!({ "odsCode": "QMJ", "name": "North Central Trust", "kind": "NHS_TRUST" }),
                Role::Admin,
                None,
            )
            .await;
            assert!(registered.errors.is_empty(), "{:?}", registered.errors);
        }
        let planned = run(
            &schema,
            PLAN,
            plan(title),
            Role::EngagementOfficer,
            Some(id),
        )
        .await;
        if n == 0 {
            assert!(planned.errors.is_empty(), "{:?}", planned.errors);
            let data = planned.data.into_json().expect("json");
            assert_eq!(data["planActivity"]["activity"]["id"], id.to_string());
        } else {
            let error = planned
                .errors
                .first()
                .expect("the second creation is refused");
            assert!(
                error.message.contains("already exists"),
                "refused for the record existing: {}",
                error.message
            );
            let events: i64 = partnership_ledger::on_db!(ledger.db(), pool => {
                sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE aggregate_id = $1")
                    .bind(id.to_string())
                    .fetch_one(pool)
                    .await
                    .expect("count")
            });
            assert_eq!(events, 1, "the activity is created once");
        }
        let _ = stop.send(());
        running.await.expect("joins").expect("stops cleanly");
    }
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
}

on_both!(
    twenty_conflicting_commands,
    concurrent_commands_commit_together,
    creating_under_an_existing_id_is_refused_as_the_log_stands
);
