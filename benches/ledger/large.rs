//! The largest organisation: one acute trust holding a large share of the log (seeded with
//! `seed --large-organisation`), read by 16 readers asking varied questions of its dashboards
//! (roll-ups of the trust, its ICS and its activities, as of today and of days up to a year
//! back; pages of items by verdict with totals; the scorecard of a financial year; the
//! officer's lists of what needs them), alone and while writers record input, with the
//! writers' rate alone beside it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{Days, Utc};
use partnership_ledger::auth::Role;
use partnership_ledger::projections::tally::TALLIES_CHECKPOINT;
use partnership_ledger::seed::plan::{self, LARGE};
use serde_json::{json, Value};

use crate::service::{Client, Service, Storage};
use crate::stats::{closed_loop, ms, Load};
use crate::{
    binary, failures, mix, postgres, reused_storage, scale, sqlite_events, storage, Backend,
    Options, Table,
};

/// The questions readers ask, each with varied arguments.
#[derive(Debug, Clone, Copy)]
pub enum Question {
    OrganisationRollup,
    IcsRollup,
    ActivityRollup,
    VerdictPage,
    Scorecard,
    NeedsAttention,
}

impl Question {
    pub const ALL: [Question; 6] = [
        Question::OrganisationRollup,
        Question::IcsRollup,
        Question::ActivityRollup,
        Question::VerdictPage,
        Question::Scorecard,
        Question::NeedsAttention,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Question::OrganisationRollup => "organisation roll-up",
            Question::IcsRollup => "ICS roll-up",
            Question::ActivityRollup => "activity roll-up",
            Question::VerdictPage => "50 items by verdict, with total",
            Question::Scorecard => "scorecard of a financial year",
            Question::NeedsAttention => "what needs you (five lists)",
        }
    }
}

const VERDICTS: [&str; 6] = [
    "OVERDUE",
    "UNANSWERED",
    "PLANNED",
    "STALLED",
    "ACTED_ON",
    "DECLINED",
];
const ROLLUP: &str = "total actedOn loopClosed answeredWithinWindow genuinelyActedOn \
    medianDaysToDecision counts { verdict count }";

/// What the readers need: a token, the trust's ICS and some of its activities.
pub struct Readers {
    client: Client,
    token: String,
    ics: String,
    activities: Vec<String>,
}

impl Readers {
    pub async fn new(client: &Client) -> anyhow::Result<Arc<Self>> {
        let token = client.token(Role::EngagementOfficer, &[LARGE])?;
        let data = client
            .ok(
                &token,
                &format!(
                    "{{ organisation(odsCode: \"{LARGE}\") {{ ics }} \
                     activities(organisation: \"{LARGE}\", first: 100) {{ edges {{ node {{ id }} }} }} }}"
                ),
                json!({}),
            )
            .await?;
        let ics = data["organisation"]["ics"]
            .as_str()
            .unwrap_or(LARGE)
            .to_owned();
        let activities: Vec<String> = data["activities"]["edges"]
            .as_array()
            .context("no activities")?
            .iter()
            .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
            .collect();
        // An officer of the trust and of every organisation of its system (the first seeded
        // system's), who may read the system's roll-up.
        let system = plan::organisations(0);
        let mut codes: Vec<&str> = system.iter().map(|(code, ..)| code.as_str()).collect();
        codes.extend([LARGE, ics.as_str()]);
        let token = client.token(Role::EngagementOfficer, &codes)?;
        Ok(Arc::new(Self {
            client: client.clone(),
            token,
            ics,
            activities,
        }))
    }

    /// Question `question` with arguments varied by `n`: as of today or a day up to a year
    /// back, one of the verdicts, pages, activities and years.
    fn query(&self, question: Question, n: u64) -> String {
        let back = (n * 37) % 366;
        let as_of = (Utc::now().date_naive() - Days::new(back)).to_string();
        // As of today (no argument), or of a day up to a year back.
        let as_of = if n.is_multiple_of(2) {
            String::new()
        } else {
            format!("asOf: \"{as_of}\"")
        };
        let in_parens = if as_of.is_empty() {
            String::new()
        } else {
            format!("({as_of})")
        };
        match question {
            Question::OrganisationRollup => format!(
                "{{ organisation(odsCode: \"{LARGE}\") {{ rollup{in_parens} {{ {ROLLUP} }} }} }}"
            ),
            Question::IcsRollup => format!(
                "{{ icsRollup(ics: \"{}\" {as_of}) {{ {ROLLUP} }} }}",
                self.ics
            ),
            Question::ActivityRollup => {
                let activity = &self.activities[n as usize % self.activities.len().max(1)];
                format!("{{ activity(id: \"{activity}\") {{ rollup{in_parens} {{ {ROLLUP} }} }} }}")
            }
            Question::VerdictPage => format!(
                "{{ inputItems(first: 50, {as_of} filter: {{ organisation: \"{LARGE}\", verdict: {} }}) \
                 {{ totalCount edges {{ node {{ id summary verdict loopClosed }} }} }} }}",
                VERDICTS[n as usize % VERDICTS.len()]
            ),
            Question::Scorecard => format!(
                "{{ scorecard(organisation: \"{LARGE}\", period: {{ financialYear: {} }}) \
                 {{ measures {{ key value numerator denominator }} }} }}",
                Utc::now().date_naive().format("%Y").to_string().parse::<i32>().unwrap_or(2026)
                    - 1
                    - (n % 2) as i32
            ),
            Question::NeedsAttention => format!(
                "{{ needsAttention(organisation: \"{LARGE}\" {as_of}) {{ \
                 overdue(first: 20) {{ totalCount edges {{ node {{ id }} }} }} \
                 windowClosing(first: 20) {{ totalCount }} stalled(first: 20) {{ totalCount }} \
                 actionDue(first: 20) {{ totalCount }} loopNotClosed(first: 20) {{ totalCount }} }} }}"
            ),
        }
    }

    /// 16 readers asking `question`, varied, for `length`.
    pub async fn load(self: &Arc<Self>, question: Question, length: Duration) -> Load {
        let readers = self.clone();
        closed_loop(16, length, move |c, i| {
            let readers = readers.clone();
            async move {
                let query = readers.query(question, c as u64 * 1_000 + i);
                let data: Value = readers.client.ok(&readers.token, &query, json!({})).await?;
                anyhow::ensure!(!data.is_null(), "no answer");
                Ok(())
            }
        })
        .await
    }
}

/// 16 readers asking every question in turn (varied), for `length`.
pub async fn mixed(readers: &Arc<Readers>, length: Duration) -> Load {
    let readers = readers.clone();
    closed_loop(16, length, move |c, i| {
        let readers = readers.clone();
        async move {
            let n = c as u64 * 1_000 + i;
            let question = Question::ALL[n as usize % Question::ALL.len()];
            let query = readers.query(question, n / Question::ALL.len() as u64);
            readers.client.ok(&readers.token, &query, json!({})).await?;
            Ok(())
        }
    })
    .await
}

/// The largest organisation's dashboards among the seeded systems, alone and with writers.
/// The largest organisation: `items` input items among about `events` events on `backend`.
pub async fn run(
    backend: Backend,
    (items, events): (usize, u64),
    options: &Options,
    dir: &Path,
    table: &mut Table,
) -> anyhow::Result<()> {
    let length = Duration::from_secs(options.seconds);
    // The smoke run (as CI runs it) keeps a database of its own, so that it never replaces
    // the full-size one a `--reuse` run keeps on the same server.
    let smoke = if options.smoke { "_smoke" } else { "" };
    let name = format!("pl_bench_large_{backend:?}{smoke}").to_lowercase();
    let store = if options.reuse {
        reused_storage(backend, &name).await?
    } else {
        storage(backend, &name, dir).await?
    };
    // About five events an item: raised, decided, an action and its steps, feedback.
    let others = events.saturating_sub(items as u64 * 5);
    let systems = others.div_ceil(880).max(1) as usize;
    let seeded = scale::seed_with(&binary(), &store, systems, items)?;
    let events = match &store.database_url {
        Some(url) => {
            postgres::settle(url).await?;
            postgres::plain_read(url).await?.0
        }
        None => sqlite_events(&store.dir).await?,
    };
    let name = backend.name();
    table.add(
        format!("seed --scale {systems} --large-organisation {items} ({name})"),
        format!("{events} events in {:.0} s", seeded.as_secs_f64()),
        String::new(),
        None,
        "",
    );
    let service = Service::start(&binary(), &store).await?;
    // The tallies follow the views in a task of their own, and a bulk load leaves them
    // behind: the dashboards are measured once they have caught up, as in a service that has
    // been running.
    let caught_up = tallies_caught_up(&store).await?;
    // And vacuumed since, as autovacuum would have: the catch-up rewrote most of the tallies'
    // and marks' rows, and until a vacuum marks their pages all-visible, every index read of
    // them visits the table as well.
    if let Some(url) = &store.database_url {
        postgres::settle(url).await?;
    }
    table.add(
        format!("tallies caught up after the seed ({name})"),
        format!("{:.0} s after start-up", caught_up.as_secs_f64()),
        String::new(),
        None,
        "",
    );
    // The memory the catch-up took, and then the readers' and writers' own peak.
    let catch_up_peak = service.peak_rss_mib();
    let idle = service.rss_mib();
    service.reset_peak_rss()?;
    let readers = Readers::new(&service.client).await?;
    for question in Question::ALL {
        let load = readers.load(question, length).await;
        table.add(
            format!(
                "largest organisation ({items} items, {name}): {}, 16 readers",
                question.name()
            ),
            format!(
                "{:.0} answers/s, p50 {}, p99 {}{}",
                load.per_second,
                ms(load.p50),
                ms(load.p99),
                failures(&load)
            ),
            String::new(),
            None,
            "p99 under 20 ms",
        );
    }
    mix::prepare(&service.client).await?;
    let alone = mix::load(&service.client, 4, length).await?;
    let (read, written) = tokio::join!(
        mixed(&readers, length),
        mix::load(&service.client, 4, length)
    );
    let written = written?;
    table.add(
        format!("largest organisation ({name}): every question, 16 readers, with 4 writers"),
        format!(
            "{:.0} answers/s, p99 {}{}",
            read.per_second,
            ms(read.p99),
            failures(&read)
        ),
        String::new(),
        None,
        // While writers are about, the read lane takes one query at a time for two cores
        // (src/api/transport/lane.rs): readers wait so that writers keep their pace, and the
        // target here is the writers' (the next row).
        "none: readers yield to writers",
    );
    table.add(
        format!("writers recording input while 16 read the largest organisation ({name})"),
        format!("{:.0} mutations/s", written.per_second),
        format!("no readers {:.0}/s", alone.per_second),
        Some(written.per_second / alone.per_second.max(f64::MIN_POSITIVE)),
        "at least 0.8",
    );
    let rss = service.peak_rss_mib();
    service.stop();
    let mib = |r: Option<f64>| r.map_or_else(|| "unknown".into(), |r| format!("{r:.0} MB"));
    table.add(
        format!("peak RSS of the service (largest organisation, readers and writers, {name})"),
        mib(rss),
        format!("{} held before the readers", mib(idle)),
        None,
        "under 150 MB",
    );
    table.add(
        format!("peak RSS of the service while the tallies caught up ({name})"),
        mib(catch_up_peak),
        String::new(),
        None,
        "",
    );
    Ok(())
}

/// How long until the tallies of the ledger in `store` reach its views.
pub async fn tallies_caught_up(store: &Storage) -> anyhow::Result<Duration> {
    const BEHIND: &str = "SELECT count(*) FROM projector_checkpoints v \
        LEFT JOIN projector_checkpoints t ON t.name = $1 \
        WHERE v.name = 'views' AND (t.name IS NULL OR t.last_position <> v.last_position)";
    let started = std::time::Instant::now();
    loop {
        let behind: i64 = match &store.database_url {
            Some(url) => {
                use sqlx::Connection as _;
                let mut conn = sqlx::PgConnection::connect(url).await?;
                sqlx::query_scalar(BEHIND)
                    .bind(TALLIES_CHECKPOINT)
                    .fetch_one(&mut conn)
                    .await?
            }
            None => {
                use sqlx::Connection as _;
                let file = store.dir.join("ledger.sqlite3");
                let url = format!("sqlite://{}", file.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await?;
                sqlx::query_scalar(BEHIND)
                    .bind(TALLIES_CHECKPOINT)
                    .fetch_one(&mut conn)
                    .await?
            }
        };
        if behind == 0 {
            return Ok(started.elapsed());
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(3600),
            "the tallies did not catch up within an hour"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
