//! The benchmark: the full service against the bare library and against PostgreSQL's own
//! limit, in one run on one machine. Prints a table and writes it to a file.
//!
//! `cargo bench --bench ledger` runs it at full size (a million seeded events, and a largest
//! organisation of 250,000 input items);
//! `cargo bench --bench ledger -- --smoke` runs every part tiny, as CI does, to show it works.
//! See BENCHMARKS.md.

mod import;
mod large;
mod mix;
mod pages;
mod peer;
mod postgres;
mod public;
mod scale;
mod service;
mod standby;
mod stats;

/// A hot standby of the test server, as the tests stream one.
#[path = "../../tests/support/hot_standby.rs"]
mod hot_standby;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;

use service::{Service, Storage};
use stats::{ms, Load};

/// Command-line options.
#[derive(Debug, Parser)]
struct Options {
    /// Every part tiny: a smoke test of the benchmark itself, not a measurement.
    #[arg(long)]
    smoke: bool,
    /// Events to seed for the at-scale part.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Seconds each load step runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Events in the long stream timed for command latency.
    #[arg(long, default_value_t = 10_000)]
    stream_events: usize,
    /// Input items the largest organisation holds, in the `large` part.
    #[arg(long, default_value_t = 250_000)]
    large_items: usize,
    /// Rows of history the import part imports.
    #[arg(long, default_value_t = 50_000)]
    import_rows: usize,
    /// Which parts to run, comma-separated: limit, writes, scale, large, import, standby.
    #[arg(
        long,
        default_value = "limit,writes,scale,large,import,standby",
        value_delimiter = ','
    )]
    parts: Vec<String>,
    /// Which backends the writes and the largest organisation's parts measure, comma-separated:
    /// postgres, sqlite.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Backend::Postgres, Backend::Sqlite])]
    backends: Vec<Backend>,
    /// The largest organisation's part (and the scale part's PostgreSQL database) keeps the
    /// databases of its last run with `--reuse`
    /// (PostgreSQL's, and SQLite's under `target/benchmarks/reused/`) and seeds only what they
    /// lack, to measure a change to the reading side again without seeding afresh.
    #[arg(long)]
    reuse: bool,
    /// Where the table is written.
    #[arg(long, default_value = "target/benchmarks/last-run.md")]
    out: PathBuf,
    /// Arguments cargo passes to every bench (such as --bench); ignored.
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

/// One line of the table.
struct Row {
    measure: String,
    ours: String,
    comparison: String,
    ratio: Option<f64>,
    target: String,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn add(
        &mut self,
        measure: String,
        ours: String,
        comparison: String,
        ratio: Option<f64>,
        target: &str,
    ) {
        println!(
            "{measure}: {ours}{}{}",
            if comparison.is_empty() {
                String::new()
            } else {
                format!(" | vs {comparison}")
            },
            ratio
                .map(|r| format!(" | ratio {r:.2}"))
                .unwrap_or_default()
        );
        self.rows.push(Row {
            measure,
            ours,
            comparison,
            ratio,
            target: target.to_owned(),
        });
    }

    fn markdown(&self) -> String {
        let mut out = String::from(
            "| Measure | Ours | Compared with | Ratio | Target |\n|---|---|---|---|---|\n",
        );
        for r in &self.rows {
            // Small ratios keep a significant figure rather than rounding to 0.00.
            let ratio = r
                .ratio
                .map(|x| {
                    if x < 0.1 {
                        format!("{x:.3}")
                    } else {
                        format!("{x:.2}")
                    }
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                r.measure, r.ours, r.comparison, ratio, r.target
            );
        }
        out
    }
}

fn rate(load: &Load) -> String {
    let failed = match load.failed {
        0 => String::new(),
        n => format!(", {n} failed"),
    };
    format!(
        "{:.0}/s (p50 {}, p99 {}{failed})",
        load.per_second,
        ms(load.p50),
        ms(load.p99)
    )
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_partnership-ledger"))
}

#[derive(Clone, Copy, PartialEq, Debug, clap::ValueEnum)]
enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "PostgreSQL",
            Backend::Sqlite => "SQLite",
        }
    }
}

async fn storage(backend: Backend, name: &str, dir: &Path) -> anyhow::Result<Storage> {
    Ok(Storage {
        dir: dir.join(name),
        database_url: match backend {
            Backend::Postgres => Some(postgres::fresh_database(name).await?),
            Backend::Sqlite => None,
        },
    })
}

/// The storage named `name` as the last run left it (created if there is none), for `--reuse`:
/// SQLite's under `target/benchmarks/reused/`.
async fn reused_storage(backend: Backend, name: &str) -> anyhow::Result<Storage> {
    let dir = Path::new("target/benchmarks/reused").join(name);
    std::fs::create_dir_all(&dir)?;
    // The service keeps its data directory its owner's alone, as it would make it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(Storage {
        dir,
        database_url: match backend {
            Backend::Postgres => Some(postgres::database(name).await?),
            Backend::Sqlite => None,
        },
    })
}

const CONCURRENCY: [usize; 3] = [1, 4, 16];

struct Written {
    ours: Vec<Load>,
    peer: Vec<Load>,
    ours_stream: (Duration, Duration),
    peer_stream: (Duration, Duration),
    /// The long aggregate on the peer with cqrs-es's aggregate store.
    peer_kept_stream: (Duration, Duration),
    rss_mib: Option<f64>,
}

async fn writes(backend: Backend, options: &Options, dir: &Path) -> anyhow::Result<Written> {
    let length = Duration::from_secs(options.seconds);
    let store = storage(
        backend,
        &format!("pl_bench_http_{}", backend.name().to_lowercase()),
        dir,
    )
    .await?;
    let service = Service::start(&binary(), &store).await?;
    mix::prepare(&service.client).await?;
    let mut ours = Vec::new();
    for clients in CONCURRENCY {
        ours.push(mix::load(&service.client, clients, length).await?);
    }
    let ours_stream = mix::long_stream(
        &service.client,
        options.stream_events,
        200.min(options.stream_events),
    )
    .await?;
    let rss_mib = service.peak_rss_mib();
    service.stop();

    let (peer_loads, peer_stream, peer_kept_stream) = match backend {
        Backend::Postgres => {
            let peer = peer::postgres(&postgres::fresh_database("pl_bench_peer").await?).await?;
            peer_runs(&peer, length, options.stream_events).await?
        }
        Backend::Sqlite => {
            let peer_dir = dir.join("peer");
            std::fs::create_dir_all(&peer_dir)?;
            peer_runs(
                &peer::sqlite(&peer_dir).await?,
                length,
                options.stream_events,
            )
            .await?
        }
    };
    Ok(Written {
        ours,
        peer: peer_loads,
        ours_stream,
        peer_stream,
        peer_kept_stream,
        rss_mib,
    })
}

type Latency = (Duration, Duration);

/// The peer's loads at each concurrency, then its long aggregate replayed and kept.
async fn peer_runs<R: cqrs_es::persist::PersistedEventRepository + 'static>(
    peer: &std::sync::Arc<peer::Peer<R>>,
    length: Duration,
    stream_events: usize,
) -> anyhow::Result<(Vec<Load>, Latency, Latency)> {
    let mut loads = Vec::new();
    for clients in CONCURRENCY {
        loads.push(peer.load(clients, length).await);
    }
    let samples = 200.min(stream_events);
    let replayed = peer
        .long_stream(stream_events, samples, peer::Loading::Replayed)
        .await?;
    let kept = peer
        .long_stream(stream_events, samples, peer::Loading::Kept)
        .await?;
    Ok((loads, replayed, kept))
}

async fn at_scale(options: &Options, dir: &Path, table: &mut Table) -> anyhow::Result<()> {
    let length = Duration::from_secs(options.seconds);
    let store = if options.reuse {
        reused_storage(Backend::Postgres, "pl_bench_scale").await?
    } else {
        storage(Backend::Postgres, "pl_bench_scale", dir).await?
    };
    let systems = options.events.div_ceil(880).max(1) as usize;
    let seeded = scale::seed(&binary(), &store, systems)?;
    let url = store.database_url.clone().unwrap_or_default();
    postgres::settle(&url).await?;
    let (events, read_rate) = postgres::plain_read(&url).await?;
    table.add(
        format!("seed --scale {systems} (PostgreSQL)"),
        format!(
            "{events} events in {:.0} s ({:.0} events/s)",
            seeded.as_secs_f64(),
            events as f64 / seeded.as_secs_f64()
        ),
        String::new(),
        None,
        "",
    );
    let service = Service::start(&binary(), &store).await?;
    table.add(
        format!("start-up with {events} events"),
        format!("{:.2} s", service.start_up.as_secs_f64()),
        String::new(),
        None,
        "under 1 s",
    );
    // As in the largest organisation's part: measured once the tallies, which a bulk load
    // leaves behind, have caught up, and the tables they rewrote are vacuumed.
    let caught_up = large::tallies_caught_up(&store).await?;
    postgres::settle(&url).await?;
    table.add(
        "tallies caught up after the seed".into(),
        format!("{:.0} s after start-up", caught_up.as_secs_f64()),
        String::new(),
        None,
        "",
    );
    let (rollup, page) = scale::dashboards(&service.client, 16, length).await?;
    for (name, load) in [
        ("organisation roll-up", &rollup),
        ("page of 50 input items with verdicts and actions", &page),
    ] {
        table.add(
            format!("dashboard: {name}, 16 readers, {events} events"),
            format!("{:.0} queries/s, p99 {}", load.per_second, ms(load.p99)),
            String::new(),
            None,
            "p99 under 10 ms",
        );
    }
    let trust = partnership_ledger::seed::plan::organisations(0)[1]
        .0
        .clone();
    let read = pages::read(&binary(), &store, &service.client, &trust, 16, length).await?;
    let activity_page = format!("an activity's page ({} in turn)", read.activities);
    for (name, load) in [
        ("an officer's home page (what needs you)", &read.home),
        (activity_page.as_str(), &read.activity),
    ] {
        table.add(
            format!("web: {name}, 16 signed-in readers, {events} events"),
            format!(
                "{:.0} pages/s, p95 {}, p99 {}{}",
                load.per_second,
                ms(load.p95),
                ms(load.p99),
                failures(load)
            ),
            String::new(),
            None,
            "p95 under 50 ms",
        );
    }
    let public = public::read(&service.client, &trust, 64, length).await?;
    table.add(
        format!(
            "web: the public \"you said, we did\" pages ({} in turn), 64 readers, {events} events",
            public.pages
        ),
        format!(
            "{:.0} pages/s, p95 {}, p99 {}{}",
            public.load.per_second,
            ms(public.load.p95),
            ms(public.load.p99),
            failures(&public.load)
        ),
        String::new(),
        None,
        "p95 under 20 ms",
    );
    mix::prepare(&service.client).await?;
    let (lag, written, seen) = scale::projection_lag(&service.client, 1_000, length).await?;
    table.add(
        "projection lag p99, commit to a subscriber".into(),
        format!("{} over {seen} events, writing {written:.0}/s", ms(lag)),
        "1,000 mutations/s asked".into(),
        None,
        "under 100 ms at 1,000/s",
    );
    let rss = service.peak_rss_mib();
    service.stop();
    table.add(
        "peak RSS of the service (dashboards and writes at scale)".into(),
        rss.map(|r| format!("{r:.0} MB"))
            .unwrap_or_else(|| "unknown".into()),
        String::new(),
        None,
        "under 150 MB",
    );
    let rebuilt = scale::rebuild(&binary(), &store)?;
    let rebuild_rate = events as f64 / rebuilt.as_secs_f64();
    table.add(
        "full rebuild of the views".into(),
        format!(
            "{rebuild_rate:.0} events/s ({:.1} s)",
            rebuilt.as_secs_f64()
        ),
        format!("plain read of the log {read_rate:.0} events/s"),
        Some(rebuild_rate / read_rate),
        "at least 0.5",
    );
    Ok(())
}

/// How many events the SQLite ledger in `dir` holds, once its statistics are refreshed (as
/// after any bulk load).
async fn sqlite_events(dir: &Path) -> anyhow::Result<u64> {
    use sqlx::Connection as _;
    let file = dir.join("ledger.sqlite3");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await?;
    sqlx::raw_sql("ANALYZE").execute(&mut conn).await?;
    let (events,): (i64,) = sqlx::query_as("SELECT count(*) FROM events")
        .fetch_one(&mut conn)
        .await?;
    Ok(u64::try_from(events)?)
}

/// How many answers failed, when any did.
fn failures(load: &Load) -> String {
    if load.failed == 0 {
        String::new()
    } else {
        format!(", {} failed", load.failed)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut options = Options::parse();
    if options.smoke {
        options.events = options.events.min(1_800);
        options.seconds = options.seconds.min(1);
        options.stream_events = options.stream_events.min(30);
        options.large_items = options.large_items.min(300);
        options.import_rows = options.import_rows.min(200);
    }
    let dir = tempfile::tempdir()?;
    let mut table = Table::default();
    let length = Duration::from_secs(options.seconds);

    let run = |part: &str| options.parts.iter().any(|p| p == part);
    let mut limits = Vec::new();
    for clients in CONCURRENCY {
        limits.push(if run("limit") {
            postgres::insert_limit(clients, length).await?
        } else {
            f64::NAN
        });
    }
    for (clients, tps) in CONCURRENCY.iter().zip(&limits) {
        if tps.is_nan() {
            continue;
        }
        table.add(
            format!("PostgreSQL single-row inserts, {clients} clients (pgbench)"),
            format!("{tps:.0}/s"),
            String::new(),
            None,
            "",
        );
    }
    for &backend in &options.backends {
        if !run("writes") {
            break;
        }
        let written = writes(backend, &options, dir.path()).await?;
        for (i, clients) in CONCURRENCY.iter().enumerate() {
            let (ours, peer) = (&written.ours[i], &written.peer[i]);
            table.add(
                format!("mutations over HTTP, {clients} clients, {}", backend.name()),
                rate(ours),
                format!("bare cqrs-es peer {}", rate(peer)),
                Some(ours.per_second / peer.per_second.max(f64::MIN_POSITIVE)),
                if *clients == 16 && backend == Backend::Postgres {
                    "at least 1.0"
                } else {
                    ""
                },
            );
            if backend == Backend::Postgres && !limits[i].is_nan() {
                table.add(
                    format!("mutations against PostgreSQL's limit, {clients} clients"),
                    format!("{:.0}/s", ours.per_second),
                    format!("pgbench {:.0}/s", limits[i]),
                    Some(ours.per_second / limits[i].max(f64::MIN_POSITIVE)),
                    if *clients == 16 { "at least 0.5" } else { "" },
                );
            }
        }
        for (peer, stream, target) in [
            (
                "bare cqrs-es peer (event store: replays)",
                written.peer_stream,
                "p50 under 2 ms",
            ),
            (
                "cqrs-es peer with its aggregate store (state kept)",
                written.peer_kept_stream,
                "",
            ),
        ] {
            table.add(
                format!(
                    "command latency on a {}-event aggregate, {}",
                    options.stream_events,
                    backend.name()
                ),
                format!(
                    "p50 {}, p99 {}",
                    ms(written.ours_stream.0),
                    ms(written.ours_stream.1)
                ),
                format!("{peer} p50 {}, p99 {}", ms(stream.0), ms(stream.1)),
                Some(
                    stream.0.as_secs_f64()
                        / written.ours_stream.0.as_secs_f64().max(f64::MIN_POSITIVE),
                ),
                target,
            );
        }
        table.add(
            format!(
                "peak RSS of the service under the write load, {}",
                backend.name()
            ),
            written
                .rss_mib
                .map(|r| format!("{r:.0} MB"))
                .unwrap_or_else(|| "unknown".into()),
            String::new(),
            None,
            "under 150 MB",
        );
    }
    if run("scale") {
        at_scale(&options, dir.path(), &mut table).await?;
    }
    if run("large") {
        for &backend in &options.backends {
            let sizes = match backend {
                Backend::Postgres => (options.large_items, options.events),
                // SQLite holds a smaller largest organisation: one file on one machine.
                Backend::Sqlite => {
                    let items = options.large_items * 2 / 5;
                    (items, options.events.min(items as u64 * 6))
                }
            };
            large::run(backend, sizes, &options, dir.path(), &mut table).await?;
        }
    }

    if run("import") {
        // Seeded first, for the rate to compare with: about 880 events a system.
        let systems = if options.smoke { 1 } else { 40 };
        for &backend in &options.backends {
            import::run_part(
                backend,
                options.import_rows,
                systems,
                dir.path(),
                &mut table,
            )
            .await?;
        }
    }

    if run("standby") {
        standby::run(&options, &binary(), dir.path(), &mut table).await?;
    }

    let markdown = table.markdown();
    println!("\n{markdown}");
    if let Some(parent) = options.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let header = format!(
        "Run {} on {} ({} cores){}\n\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::env::consts::ARCH,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if options.smoke {
            ", smoke test: the figures mean nothing"
        } else {
            ""
        }
    );
    std::fs::write(&options.out, header + &markdown)?;
    println!("written to {}", options.out.display());
    Ok(())
}
