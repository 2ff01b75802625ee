//! `seed --scale N`: writes N synthetic integrated care systems through the normal command path
//! (the GraphQL mutations, run in-process with each actor's role), about a thousand events each.
//!
//! The same seed writes the same record: every id, date and word comes from a generator seeded
//! per system. Each step carries an idempotency key, so a run that was cut short can be run
//! again with the same seed and scale: finished systems are skipped and the one in progress
//! resumes where it stopped.

pub mod plan;
mod progress;
mod words;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::json;

use crate::api::context::RequestInfo;
use crate::api::{ChosenId, LedgerSchema};
use crate::auth::{Principal, Role};
use crate::store::{find_receipt, Db};
use plan::{Actor, Step};
use progress::Progress;

/// What to write.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// How many integrated care systems.
    pub scale: usize,
    pub seed: u64,
    /// How many systems are written at once.
    pub concurrency: usize,
    /// Input items of one large organisation (an acute trust of system 0's integrated care
    /// system), besides the systems; none when 0.
    pub large_organisation: usize,
}

/// A piece of the work, written by one worker from start to end.
#[derive(Debug, Clone, Copy)]
enum Work {
    System(usize),
    LargeRegistration,
    LargePart(usize),
}

impl Work {
    fn steps(self, options: &SeedOptions) -> Vec<Step> {
        match self {
            Self::System(index) => plan::system(options.seed, index),
            Self::LargeRegistration => plan::large_registration(options.seed),
            Self::LargePart(part) => {
                let before = part * plan::LARGE_PART_ITEMS;
                let items = (options.large_organisation - before).min(plan::LARGE_PART_ITEMS);
                plan::large_part(options.seed, part, items)
            }
        }
    }

    /// The idempotency key of step `step`.
    fn key(self, options: &SeedOptions, step: usize) -> String {
        match self {
            Self::System(index) => format!("seed-{}-{index}-{step}", options.seed),
            Self::LargeRegistration => format!("seed-{}-L-{step}", options.seed),
            Self::LargePart(part) => format!("seed-{}-L{part}-{step}", options.seed),
        }
    }
}

/// What a run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    pub systems: usize,
    /// Systems already complete from an earlier run, skipped.
    pub skipped: usize,
    pub mutations: u64,
    pub elapsed: Duration,
}

fn principal(actor: &Actor) -> Principal {
    let (subject, role, organisations) = match actor {
        Actor::Admin => ("seed-admin".to_owned(), Role::Admin, vec![]),
        Actor::Officer(code) => (
            format!("seed-officer-{code}"),
            Role::EngagementOfficer,
            vec![code.clone()],
        ),
        Actor::Secretary(code) => (
            format!("seed-secretary-{code}"),
            Role::BoardSecretary,
            vec![code.clone()],
        ),
    };
    Principal {
        subject,
        role,
        organisations,
    }
}

/// Step `step` as an in-process request from its actor, under `idempotency_key`, creating its
/// record (if any) under the id the script chose.
pub fn request(step: &Step, idempotency_key: String) -> async_graphql::Request {
    let mut input_type = step.field[..1].to_ascii_uppercase();
    input_type.push_str(&step.field[1..]);
    let query = format!(
        "mutation($i: {input_type}Input!) {{ {}(input: $i) {{ __typename }} }}",
        step.field
    );
    let mut input = step.input.clone();
    input["idempotencyKey"] = json!(idempotency_key);
    let mut request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(json!({ "i": input })))
        .data(principal(&step.actor))
        .data(RequestInfo {
            correlation_id: idempotency_key,
        });
    if let Some(id) = step.id {
        request = request.data(ChosenId(id));
    }
    request
}

/// Runs one step as its actor; fails naming the step and the refusal.
async fn run_step(
    schema: &LedgerSchema,
    step: &Step,
    idempotency_key: String,
) -> anyhow::Result<()> {
    let request = request(step, idempotency_key.clone());
    let response = schema.execute(request).await;
    if let Some(error) = response.errors.first() {
        anyhow::bail!(
            "seed step {idempotency_key} ({}) was refused: {}",
            step.field,
            error.message
        );
    }
    Ok(())
}

/// Whether `work` was written completely by an earlier run.
async fn complete(
    db: &Db,
    options: &SeedOptions,
    work: Work,
    steps: &[Step],
) -> anyhow::Result<bool> {
    let Some(last) = steps.last() else {
        return Ok(true);
    };
    let subject = principal(&last.actor).subject;
    let receipt = find_receipt(db, &subject, &work.key(options, steps.len() - 1)).await?;
    Ok(receipt.is_some())
}

/// Writes `work`, unless an earlier run did; answers whether it was skipped.
async fn write(
    schema: &LedgerSchema,
    db: &Db,
    options: &SeedOptions,
    work: Work,
    progress: &Progress,
) -> anyhow::Result<bool> {
    let steps = work.steps(options);
    if complete(db, options, work, &steps).await? {
        return Ok(true);
    }
    for (n, step) in steps.iter().enumerate() {
        // A step whose views lagged is recorded; sending it again with the same idempotency
        // key answers from its receipt once they catch up.
        let mut attempt = 0;
        while let Err(error) = run_step(schema, step, work.key(options, n)).await {
            attempt += 1;
            if attempt > 3 || !error.to_string().contains("views have not shown") {
                return Err(error);
            }
            tokio::time::sleep(Duration::from_secs(attempt)).await;
        }
        progress.mutation();
    }
    Ok(false)
}

/// Writes the systems of `options` through `schema`, whose ledger is over `db`.
pub async fn seed(
    schema: &LedgerSchema,
    db: &Db,
    options: &SeedOptions,
) -> anyhow::Result<SeedSummary> {
    anyhow::ensure!(options.scale > 0, "--scale: must be at least 1");
    anyhow::ensure!(
        options.scale <= 99_999,
        "--scale: at most 99999 systems (ODS codes have five digits for the system)"
    );
    let parts = options.large_organisation.div_ceil(plan::LARGE_PART_ITEMS);
    let progress = Progress::new(options.scale + parts);
    // The large organisation's partners (system 0's organisations) and its own registration
    // come before any of its parts; everything else is written side by side.
    let mut first = Vec::new();
    if parts > 0 {
        first = vec![Work::System(0), Work::LargeRegistration];
    }
    let mut skipped = 0;
    for work in &first {
        skipped += usize::from(write(schema, db, options, *work, &progress).await?);
        progress.system();
    }
    let work: Vec<Work> = (0..options.scale)
        .map(Work::System)
        .chain((0..parts).map(Work::LargePart))
        .filter(|w| !matches!(w, Work::System(0)) || parts == 0)
        .collect();
    let work = Arc::new(work);
    let next = Arc::new(AtomicUsize::new(0));
    let skipped = Arc::new(AtomicUsize::new(skipped));
    let workers = options.concurrency.clamp(1, 256).min(work.len().max(1));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (schema, db, options) = (schema.clone(), db.clone(), options.clone());
        let (next, progress, skipped, work) = (
            next.clone(),
            progress.clone(),
            skipped.clone(),
            work.clone(),
        );
        tasks.spawn(async move {
            loop {
                let Some(piece) = work.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    return anyhow::Ok(());
                };
                if write(&schema, &db, &options, *piece, &progress).await? {
                    skipped.fetch_add(1, Ordering::Relaxed);
                }
                progress.system();
            }
        });
    }
    let reporting = progress.report();
    let finished = async {
        while let Some(done) = tasks.join_next().await {
            done.context("a seeding task failed")??;
        }
        anyhow::Ok(())
    }
    .await;
    reporting.abort();
    finished?;
    Ok(SeedSummary {
        systems: options.scale,
        skipped: skipped.load(Ordering::Relaxed),
        mutations: progress.mutations(),
        elapsed: progress.elapsed(),
    })
}

/// Starts the service's ledger and projector on `settings` (listening on a spare local port),
/// writes the systems of `options`, and stops.
pub async fn seed_service(
    settings: &crate::config::Settings,
    options: &SeedOptions,
) -> anyhow::Result<SeedSummary> {
    let mut settings = settings.clone();
    settings.listen = "127.0.0.1:0".parse().context("address")?;
    let app = crate::startup::Application::build(&settings).await?;
    let schema = app.schema();
    let db = app.ledger().db().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let summary = seed(&schema, &db, options).await;
    let _ = stop.send(());
    running.await.context("the service task failed")??;
    summary
}
