//! Scale-out reads: the dashboard queries with one database server, then with a hot standby
//! streamed from it (`DATABASE_READ_URL`, the primary taking its turn), on the same seeded
//! ledger; in three ways (see [`SCENARIOS`]), the last holding each database server to a
//! processor of its own (`taskset` on its postmaster, whose backends inherit it): what a second
//! server adds when database work is what runs out, on a machine where the servers would
//! otherwise share the same processors.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::hot_standby::HotStandby;
use crate::service::{Service, Storage};
use crate::stats::{ms, Load};
use crate::{large, postgres, scale, Options, Table};

/// How the servers run in one measurement.
struct Scenario {
    name: &'static str,
    /// `PL_CACHES`.
    caches: &'static str,
    /// Whether each database server is held to a processor of its own.
    pinned: bool,
}

/// As a service runs by default; then with every answer read from the database, as when the
/// questions vary more than the kept answers hold, first sharing the processors and then with a
/// processor for each database server.
const SCENARIOS: [Scenario; 3] = [
    Scenario {
        name: "caches on",
        caches: "on",
        pinned: false,
    },
    Scenario {
        name: "caches off",
        caches: "off",
        pinned: false,
    },
    Scenario {
        name: "caches off, a processor for each database server",
        caches: "off",
        pinned: true,
    },
];

/// Runs the part on a ledger of at most 200,000 seeded events (the dashboards read one trust,
/// whose size the seed does not change).
pub async fn run(
    options: &Options,
    binary: &Path,
    dir: &Path,
    table: &mut Table,
) -> anyhow::Result<()> {
    let length = std::time::Duration::from_secs(options.seconds);
    let url = postgres::fresh_database("pl_bench_standby").await?;
    let store = Storage {
        dir: dir.join("pl_bench_standby"),
        database_url: Some(url.clone()),
    };
    let events = options.events.min(200_000);
    scale::seed(binary, &store, events.div_ceil(880).max(1) as usize)?;
    postgres::settle(&url).await?;
    // The tallies are made once, by a service on the primary alone, before the standby is
    // streamed, so both read the same tables.
    {
        let service = Service::start(binary, &store).await?;
        large::tallies_caught_up(&store).await?;
        service.stop();
    }
    postgres::settle(&url).await?;
    let standby = HotStandby::start()
        .await
        .context("this machine cannot stream a hot standby of the test server")?;
    let read_url = standby.url_of(&url);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut shares = Vec::new();
    for scenario in SCENARIOS {
        let mut figures: Vec<(&str, Load, Load)> = Vec::new();
        for servers in [1, 2] {
            let _held = match scenario.pinned {
                true if cores >= 2 => Some(Pinned::hold(&url, &standby, cores)?),
                _ => None,
            };
            let mut env: Vec<(&str, &str)> = vec![("PL_CACHES", scenario.caches)];
            if servers == 2 {
                env.push(("DATABASE_READ_URL", read_url.as_str()));
            }
            let service = Service::start_with(binary, &store, &env).await?;
            let before = Processors::now(service.pid());
            let (rollup, page) = scale::dashboards(&service.client, 16, length).await?;
            let used = Processors::now(service.pid()).since(&before, cores);
            service.stop();
            let name = match servers {
                1 => "one database server",
                _ => "the primary and a hot standby",
            };
            figures.push((name, rollup, page));
            shares.push(format!("{name}, {}: {used}", scenario.name));
        }
        let one = (figures[0].1.per_second, figures[0].2.per_second);
        for (name, rollup, page) in &figures {
            for (query, load, base) in [
                ("organisation roll-up", rollup, one.0),
                ("page of 50 input items", page, one.1),
            ] {
                table.add(
                    format!("dashboard: {query}, 16 readers, {name}, {}", scenario.name),
                    format!("{:.0} queries/s, p99 {}", load.per_second, ms(load.p99)),
                    "one database server".into(),
                    Some(load.per_second / base.max(f64::MIN_POSITIVE)),
                    "",
                );
            }
        }
    }
    drop(standby);
    println!("\nWhere the processors went while the dashboards were read:");
    for share in shares {
        println!("- {share}");
    }
    Ok(())
}

/// Processor time used so far, in clock ticks: by PostgreSQL's processes (every server's), by
/// the service, and by this benchmark (the readers).
struct Processors {
    database: u64,
    service: u64,
    readers: u64,
    at: std::time::Instant,
}

impl Processors {
    fn now(service: u32) -> Self {
        let mut taken = Self {
            database: 0,
            service: 0,
            readers: 0,
            at: std::time::Instant::now(),
        };
        let readers = std::process::id();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return taken;
        };
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ...`: utime and stime are the 12th and 13th fields after comm.
            let Some((head, rest)) = stat.rsplit_once(") ") else {
                continue;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks = fields
                .get(11)
                .and_then(|u| u.parse::<u64>().ok())
                .unwrap_or(0)
                + fields
                    .get(12)
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(0);
            if pid == service {
                taken.service += ticks;
            } else if pid == readers {
                taken.readers += ticks;
            } else if head.ends_with("(postgres") {
                taken.database += ticks;
            }
        }
        taken
    }

    /// The shares of all `cores` each took since `before`.
    fn since(&self, before: &Self, cores: usize) -> String {
        // Linux counts 100 ticks a second for user-space figures.
        let whole = self.at.duration_since(before.at).as_secs_f64() * 100.0 * cores as f64;
        let share = |now: u64, then: u64| 100.0 * now.saturating_sub(then) as f64 / whole;
        format!(
            "database servers {:.0}%, service {:.0}%, readers {:.0}% of the processors",
            share(self.database, before.database),
            share(self.service, before.service),
            share(self.readers, before.readers)
        )
    }
}

/// The primary's and the standby's postmasters held to a processor each (their backends, forked
/// from then on, inherit it), until dropped.
struct Pinned {
    primary: String,
    cores: usize,
}

impl Pinned {
    fn hold(url: &str, standby: &HotStandby, cores: usize) -> anyhow::Result<Self> {
        let primary = postmaster(&primary_data_directory(url)?)?;
        taskset("0", &primary)?;
        taskset("1", &postmaster(&standby.data_directory())?)?;
        Ok(Self { primary, cores })
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        let _ = taskset(&format!("0-{}", self.cores - 1), &self.primary);
    }
}

fn primary_data_directory(url: &str) -> anyhow::Result<String> {
    let output = Command::new("psql")
        .args([url, "-qAtc", "SHOW data_directory"])
        .output()
        .context("psql")?;
    anyhow::ensure!(
        output.status.success(),
        "could not ask for the data directory"
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The postmaster's process id, the first line of `postmaster.pid` in its data directory.
fn postmaster(data_directory: &str) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(Path::new(data_directory).join("postmaster.pid"))
        .context("postmaster.pid")?;
    Ok(text.lines().next().unwrap_or_default().trim().to_owned())
}

fn taskset(cpus: &str, pid: &str) -> anyhow::Result<()> {
    let status = Command::new("taskset")
        .args(["-pc", cpus, pid])
        .stdout(std::process::Stdio::null())
        .status()
        .context("taskset")?;
    anyhow::ensure!(status.success(), "taskset -pc {cpus} {pid} failed");
    Ok(())
}
