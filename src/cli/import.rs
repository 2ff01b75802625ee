//! `partnership-ledger import`: the blank template; a file checked, naming every problem, then
//! tried on a scratch ledger; and a file that passed both recorded through the command path,
//! with a progress bar for each.

use anyhow::Context;

use super::args::ImportArgs;
use crate::config::Settings;
use crate::import::prepare::prepare;
use crate::import::record::{self, Recording};
use crate::import::trial::{self, Trial};
use crate::import::{read, template, Problem};

/// Prints every problem and gives up, saying nothing was recorded.
fn refuse(problems: &[Problem]) -> anyhow::Result<()> {
    for problem in problems {
        eprintln!("{problem}");
    }
    anyhow::bail!(
        "{} problems found: nothing was recorded; put them right and run it again",
        problems.len()
    )
}

fn bar(len: usize, what: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} steps ({eta})")
    {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar
}

/// What the trial found would be recorded, and the verdicts the items would have.
fn summary(trial: &Trial) {
    println!("the ledger takes every row; recording it would give:");
    for (sheet, rows) in &trial.rows {
        println!(
            "  {}: {} rows to record, {} recorded by an earlier import",
            sheet.name(),
            rows.new,
            rows.already
        );
    }
    if !trial.verdicts.is_empty() {
        println!("the organisation's input would then stand, as of today:");
        for (verdict, count) in &trial.verdicts {
            println!(
                "  {}: {count}",
                crate::reports::annual::capitalise(&verdict.replace('_', " ").to_lowercase())
            );
        }
    }
}

/// Writes the template, or reads and checks a file, tries it on a scratch ledger and, unless it
/// is a dry run, records it on the storage of `settings`.
pub(super) async fn run(args: &ImportArgs, settings: Option<Settings>) -> anyhow::Result<()> {
    if let Some(out) = &args.template {
        let bytes = template::template().context("could not write the template")?;
        std::fs::write(out, bytes)
            .with_context(|| format!("{}: could not write", out.display()))?;
        println!("wrote the import template to {}", out.display());
        return Ok(());
    }
    let file = args
        .file
        .as_ref()
        .context("FILE: name the workbook (.xlsx), a CSV file or a folder of CSV files")?;
    let org = args
        .org
        .as_ref()
        .map(|o| o.trim().to_ascii_uppercase())
        .context("--org: name the organisation whose history it is, by its ODS code")?;
    let files = read::load(file).map_err(anyhow::Error::msg)?;
    let prepared = prepare(&files, &org).map_err(anyhow::Error::msg)?;
    if !prepared.problems.is_empty() {
        return refuse(&prepared.problems);
    }
    println!("no problems found in the file; it holds:");
    for (sheet, rows) in &prepared.rows {
        println!("  {}: {rows} rows", sheet.name());
    }
    let mut settings = settings.context("the ledger's settings")?;
    let db = crate::startup::open_database(&settings).await?;
    db.migrate().await?;
    let trying = bar(prepared.steps.len(), "checking against the ledger's rules");
    let trial = trial::trial(&db, &org, &prepared.steps, &|n| {
        trying.set_position(n as u64)
    })
    .await
    .map_err(|e| anyhow::anyhow!("--org: {e:#}"))?;
    trying.finish_and_clear();
    if !trial.problems.is_empty() {
        return refuse(&trial.problems);
    }
    summary(&trial);
    if args.dry_run {
        println!("a dry run: nothing was recorded");
        return Ok(());
    }
    drop(db);
    settings.listen = "127.0.0.1:0".parse().context("address")?;
    let app = crate::startup::Application::build(&settings).await?;
    let schema = app.schema();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let recording = bar(trial.to_record.len(), "recording");
    let run = Recording {
        schema: &schema,
        organisation: &org,
        file_sha256: &prepared.sha256,
        by: "command line",
    };
    let outcome = record::record(&run, &trial.to_record, &|n| {
        recording.set_position(n as u64)
    })
    .await;
    recording.finish_and_clear();
    let _ = stop.send(());
    running.await.context("the service task failed")??;
    let already = prepared.steps.len() - trial.to_record.len() + outcome.already;
    if !outcome.problems.is_empty() {
        for problem in &outcome.problems {
            eprintln!("{problem}");
        }
        anyhow::bail!(
            "{} rows were refused while recording (the records were changed since the check); \
             {} steps were recorded: import the file again once they are put right, and only \
             what is missing is recorded",
            outcome.problems.len(),
            outcome.recorded
        );
    }
    println!(
        "recorded {} steps ({already} already recorded by an earlier import of this file)",
        outcome.recorded
    );
    Ok(())
}
