//! The caches (see `src/cache/mod.rs`) only save work: a random mix of mutations and dashboard
//! queries, run on one service with its caches and on another with `PL_CACHES=off`, gets the
//! same answers from both, on both backends.
//!
//! The mutations are two synthetic integrated care systems' scripts from the seed generator,
//! interleaved at random, with the ids the scripts chose, so both services hold the same
//! records under the same ids. Between them, readers of different scopes ask the dashboards
//! again and again, so that kept answers are reused, let go and read again.

use async_graphql::Variables;
use partnership_ledger::api::context::RequestInfo;
use partnership_ledger::api::LedgerSchema;
use partnership_ledger::auth::{Principal, Role};
use partnership_ledger::cache::Caching;
use partnership_ledger::seed::plan;
use partnership_ledger::startup::Application;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::helpers::{drop_postgres_database, fresh_settings, Backend};
use crate::on_both;

on_both!(the_caches_change_no_answer);

const SEED: u64 = 23;

/// One service, running until dropped.
struct Service {
    schema: LedgerSchema,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    database: Option<String>,
    _dir: tempfile::TempDir,
}

impl Service {
    async fn start(backend: Backend, caching: Caching) -> Self {
        let (mut settings, dir, database) = fresh_settings(backend).await;
        settings.caching = caching;
        let app = Application::build(&settings).await.expect("service builds");
        let schema = app.schema();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Self {
            schema,
            stop: Some(stop),
            database,
            _dir: dir,
        }
    }

    async fn ask(&self, reader: &Principal, query: &str) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(Variables::from_json(json!({})))
            .data(reader.clone())
            .data(RequestInfo {
                correlation_id: "caches-test".into(),
            });
        let response = self.schema.execute(request).await;
        json!({
            "data": response.data.into_json().expect("json"),
            "errors": response.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>(),
        })
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(name) = self.database.take() {
            drop_postgres_database(name);
        }
    }
}

/// The dashboard queries a reader of `codes` asks about organisation `code`.
fn dashboards(code: &str) -> Vec<String> {
    vec![
        format!(
            "{{ organisation(odsCode: \"{code}\") {{ rollup {{ total answeredWithinWindow actedOn \
             loopClosed genuinelyActedOn medianDaysToDecision medianDaysToOutcome \
             counts {{ verdict count }} }} representation {{ boards decisions \
             decisionsCitingPatientInput }} }} }}"
        ),
        format!(
            "{{ inputItems(first: 50, filter: {{ organisation: \"{code}\" }}) {{ edges {{ node {{ \
             id summary verdict loopClosed genuinelyActedOn actions {{ id title status dueOn }} \
             }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        ),
        "{ inputItems(first: 100) { edges { node { id verdict loopClosed } } } }".to_owned(),
        "{ inputItems(first: 100, filter: { verdict: ACTED_ON }) { edges { node { id } } } }"
            .to_owned(),
        format!(
            "{{ scorecard(organisation: \"{code}\", period: {{ financialYear: 2025 }}) {{ \
             measures {{ key value numerator denominator previous }} }} }}"
        ),
        "{ actions(first: 100) { edges { node { id status dueOn inputItemIds } } } }".to_owned(),
        "{ boards(first: 20) { edges { node { id name representation { __typename } } } } }"
            .to_owned(),
        format!(
            "{{ activities(organisation: \"{code}\", first: 50) {{ edges {{ node {{ id title \
             status }} }} }} }}"
        ),
    ]
}

fn reader(role: Role, organisations: &[String]) -> Principal {
    Principal {
        subject: format!("caches-{role:?}"),
        role,
        organisations: organisations.to_vec(),
    }
}

async fn the_caches_change_no_answer(backend: Backend) {
    let on = Service::start(backend, Caching::On).await;
    let off = Service::start(backend, Caching::Off).await;
    let scripts = [plan::system(SEED, 0), plan::system(SEED, 1)];
    let systems: Vec<Vec<String>> = (0..2)
        .map(|n| plan::organisations(n).map(|(code, _, _)| code).to_vec())
        .collect();
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut next = [0usize; 2];
    let (mut asked, mut mutations) = (0, 0);
    while next[0] < scripts[0].len() || next[1] < scripts[1].len() {
        // The next step of a system chosen at random, on both services.
        let system = match (next[0] < scripts[0].len(), next[1] < scripts[1].len()) {
            (true, true) => rng.gen_range(0..2),
            (true, false) => 0,
            _ => 1,
        };
        let step = &scripts[system][next[system]];
        let key = format!("caches-{system}-{}", next[system]);
        next[system] += 1;
        for service in [&on, &off] {
            let response = service
                .schema
                .execute(partnership_ledger::seed::request(step, key.clone()))
                .await;
            assert!(
                response.errors.is_empty(),
                "step {key} ({}): {:?}",
                step.field,
                response.errors
            );
        }
        mutations += 1;
        // Now and then, a dashboard as a reader of one system's organisation, of two, or of all.
        if rng.gen_range(0..3) != 0 {
            continue;
        }
        let orgs = &systems[rng.gen_range(0..2)];
        let code = &orgs[rng.gen_range(0..orgs.len())];
        let who = match rng.gen_range(0..4) {
            0 => reader(Role::EngagementOfficer, std::slice::from_ref(code)),
            1 => reader(Role::Auditor, &orgs[..2]),
            2 => reader(Role::Auditor, std::slice::from_ref(code)),
            _ => reader(Role::Admin, &[]),
        };
        let queries = dashboards(code);
        let query = &queries[rng.gen_range(0..queries.len())];
        let (cached, read) = (on.ask(&who, query).await, off.ask(&who, query).await);
        assert_eq!(
            cached, read,
            "after {mutations} mutations, {:?} of {:?} asked {query}",
            who.role, who.organisations
        );
        asked += 1;
    }
    // Every dashboard of every organisation once more, at the end.
    for code in systems.iter().flatten() {
        let who = reader(Role::Auditor, std::slice::from_ref(code));
        for query in dashboards(code) {
            let cached = on.ask(&who, &query).await;
            assert_eq!(cached["errors"], json!([]), "{query}");
            assert_eq!(cached, off.ask(&who, &query).await, "{query}");
            asked += 1;
        }
    }
    assert!(
        mutations > 500 && asked > 150,
        "{mutations} mutations, {asked} queries"
    );
}
