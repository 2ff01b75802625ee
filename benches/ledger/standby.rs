//! Scale-out reads: the dashboard queries with one database server, then with a hot standby
//! streamed from it (`DATABASE_READ_URL`, the primary taking its turn), on the same seeded
//! ledger; each twice: with the servers sharing the machine's processors as they come, and with
//! each server held to a processor of its own (`taskset` on its postmaster, whose backends
//! inherit it), which is what a second server adds when database work is what runs out.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::hot_standby::HotStandby;
use crate::service::{Service, Storage};
use crate::stats::{ms, Load};
use crate::{large, postgres, scale, Options, Table};

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
    for pinned in [false, true] {
        let mut figures: Vec<(String, Load, Load)> = Vec::new();
        for servers in [1, 2] {
            let _held = match pinned {
                true if cores >= 2 => Some(Pinned::hold(&url, &standby, cores)?),
                _ => None,
            };
            let env: Vec<(&str, &str)> = match servers {
                1 => vec![],
                _ => vec![("DATABASE_READ_URL", read_url.as_str())],
            };
            let service = Service::start_with(binary, &store, &env).await?;
            let (rollup, page) = scale::dashboards(&service.client, 16, length).await?;
            service.stop();
            let name = match servers {
                1 => "one database server".to_owned(),
                _ => "the primary and a hot standby".to_owned(),
            };
            figures.push((name, rollup, page));
        }
        let how = if pinned {
            "each database server on a processor of its own"
        } else {
            "the servers sharing the processors"
        };
        let one = (figures[0].1.per_second, figures[0].2.per_second);
        for (name, rollup, page) in &figures {
            for (query, load, base) in [
                ("organisation roll-up", rollup, one.0),
                ("page of 50 input items", page, one.1),
            ] {
                table.add(
                    format!("dashboard: {query}, 16 readers, {name} ({how})"),
                    format!("{:.0} queries/s, p99 {}", load.per_second, ms(load.p99)),
                    "one database server".into(),
                    Some(load.per_second / base.max(f64::MIN_POSITIVE)),
                    "",
                );
            }
        }
    }
    drop(standby);
    Ok(())
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
