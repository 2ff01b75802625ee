//! Importing a year of history: a file of `rows` rows (activities held, input decided, actions
//! agreed and completed, progress, feedback) through the real binary's `import` (read, checked,
//! tried whole on a scratch ledger, then recorded), against the rate `seed` writes at on the same
//! storage. Both rates are of mutations, the unit both record in; the import's rows too.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context};
use partnership_ledger::seed::plan;

use crate::service::Storage;
use crate::{binary, storage, Backend, Table};

/// The binary run on `store` with `args`; answers with its standard output.
fn run(store: &Storage, args: &[&str]) -> anyhow::Result<String> {
    let mut command = std::process::Command::new(binary());
    command.args(args);
    store.env(&mut command);
    let output = command.output().context("could not run the binary")?;
    if !output.status.success() {
        bail!(
            "{} failed: {}",
            args[0],
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The number after `before` in `text`.
fn number_after(text: &str, before: &str) -> Option<f64> {
    let rest = &text[text.find(before)? + before.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.parse().ok()
}

/// Writes a folder of CSV files holding `rows` rows in all: per activity, ten input items
/// (each decided), four actions (each agreed and completed), two progress notes and three
/// feedback rows.
fn history(dir: &Path, rows: usize) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let activities = (rows / 20).max(1);
    let (mut a, mut i, mut x, mut p, mut f) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    a.push_str("Activity ref,Title,Kind,Topic,Planned on,Held on,Patients,Carers\n");
    i.push_str(
        "Input ref,Activity ref,Kind,Summary,Raised by,Raised on,Decision,Decided on,Reason\n",
    );
    x.push_str("Action ref,Title,Owner role,Decision forum,Input refs,Proposed on,Due on,Agreed on,Completed on,Outcome,Evidence\n");
    p.push_str("Action ref,Recorded on,Note\n");
    f.push_str("Input ref,Activity ref,Given on,Channel,Summary\n");
    let day = |n: usize| {
        chrono::NaiveDate::from_ymd_opt(2025, 4, 1).expect("a day")
            + chrono::Days::new((n % 300) as u64)
    };
    for n in 0..activities {
        let held = day(n);
        writeln!(
            a,
            "A{n},Listening event {n},Focus group,Services,{held},{held},12,3"
        )?;
        for k in 0..10 {
            let decided = held + chrono::Days::new(10);
            let (outcome, reason) = if k % 3 == 0 {
                ("Declined", "Not affordable this year")
            } else {
                ("Accepted", "")
            };
            writeln!(i, "I{n}-{k},A{n},Recommendation,Suggestion {k} from event {n},Patient,{held},{outcome},{decided},{reason}")?;
        }
        for k in 0..4 {
            let proposed = held + chrono::Days::new(12);
            let agreed = proposed + chrono::Days::new(3);
            let done = agreed + chrono::Days::new(30);
            let due = agreed + chrono::Days::new(60);
            writeln!(x, "X{n}-{k},Change {k} after event {n},Service manager,Operations board,I{n}-{},{proposed},{due},{agreed},{done},Done as asked,Minutes", k + 1)?;
        }
        for k in 0..2 {
            writeln!(p, "X{n}-{k},{},Under way", held + chrono::Days::new(20))?;
        }
        for k in 0..3 {
            writeln!(
                f,
                "I{n}-{},,{},Email,Told the group what came of it",
                k + 1,
                held + chrono::Days::new(50)
            )?;
        }
    }
    for (name, text) in [
        ("activities.csv", a),
        ("input.csv", i),
        ("actions.csv", x),
        ("action progress.csv", p),
        ("feedback.csv", f),
    ] {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(activities * 20)
}

/// Seeds `systems` systems, then imports `rows` rows for one of the seeded trusts, on a fresh
/// store of `backend`; adds the rates to the table.
pub async fn run_part(
    backend: Backend,
    rows: usize,
    systems: usize,
    dir: &Path,
    table: &mut Table,
) -> anyhow::Result<()> {
    let store = storage(
        backend,
        &format!("pl_bench_import_{}", backend.name().to_lowercase()),
        dir,
    )
    .await?;
    let seeded = run(
        &store,
        &[
            "seed",
            "--scale",
            &systems.to_string(),
            "--concurrency",
            "8",
        ],
    )?;
    let mutations = number_after(&seeded, "with").context("the seed's mutations")?;
    let seed_secs = number_after(&seeded, "mutations in").context("the seed's time")?;
    let seed_rate = mutations / seed_secs.max(0.001);

    let folder = dir.join(format!("import-{}", backend.name()));
    let rows = history(&folder, rows)?;
    let trust = plan::organisations(0)[1].0.clone();
    let started = Instant::now();
    let imported = run(
        &store,
        &["import", folder.to_str().context("path")?, "--org", &trust],
    )?;
    let secs = started.elapsed().as_secs_f64();
    let steps = number_after(&imported, "\nrecorded").context("the import's steps")?;
    let rate = steps / secs.max(0.001);
    table.add(
        format!("import {rows} rows ({})", backend.name()),
        format!(
            "{steps:.0} mutations in {secs:.1} s ({rate:.0}/s; {:.0} rows/s), checked and tried first",
            rows as f64 / secs.max(0.001)
        ),
        format!("seed: {mutations:.0} mutations in {seed_secs:.1} s ({seed_rate:.0}/s)"),
        Some(rate / seed_rate),
        "at least 0.5 of seed's rate",
    );
    Ok(())
}
