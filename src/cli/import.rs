//! `partnership-ledger import`: the blank template; a file checked, naming every problem; and a
//! checked file recorded through the command path with a progress bar.

use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::args::ImportArgs;
use crate::auth::{Principal, Role};
use crate::config::Settings;
use crate::import::{check, plan, read, record, template};

/// The SHA-256 of the file, or of a folder's CSV files in name order.
fn file_sha256(path: &Path) -> anyhow::Result<String> {
    let mut hash = Sha256::new();
    for file in read::files(path).map_err(anyhow::Error::msg)? {
        hash.update(std::fs::read(&file)?);
    }
    Ok(hex::encode(hash.finalize()))
}

/// Writes the template, or reads and checks a file and, unless it is a dry run, records it on
/// the storage of `settings`.
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
    let mut problems = Vec::new();
    let tables = read::tables(file, &mut problems).map_err(anyhow::Error::msg)?;
    let mut checked = check::check(&tables);
    problems.append(&mut checked.problems);
    problems.sort();
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("{problem}");
        }
        anyhow::bail!(
            "{} problems found: nothing was recorded; put them right and run it again",
            problems.len()
        );
    }
    println!("no problems found; the file holds:");
    for (sheet, rows) in &checked.rows {
        println!("  {}: {rows} rows", sheet.name());
    }
    let steps = plan::plan(&tables, &org);
    let Some(settings) = settings.filter(|_| !args.dry_run) else {
        println!(
            "a dry run: nothing was recorded ({} steps would be)",
            steps.len()
        );
        return Ok(());
    };
    let sha = file_sha256(file)?;
    let mut settings = settings;
    settings.listen = "127.0.0.1:0".parse().context("address")?;
    let app = crate::startup::Application::build(&settings).await?;
    let schema = app.schema();
    let db = app.ledger().db().clone();
    anyhow::ensure!(
        crate::projections::read::organisation(&db, &org)
            .await?
            .is_some(),
        "--org: no organisation has the ODS code {org}; register it first"
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let who = Principal {
        subject: "import".to_owned(),
        role: Role::Admin,
        organisations: vec![org.clone()],
    };
    let bar = indicatif::ProgressBar::new(steps.len() as u64);
    let recorded =
        record::record(&schema, &who, &steps, &sha, |n| bar.set_position(n as u64)).await;
    bar.finish_and_clear();
    let _ = stop.send(());
    running.await.context("the service task failed")??;
    match recorded {
        Ok(done) => {
            println!(
                "recorded {} steps ({} already recorded by an earlier import of this file)",
                done.recorded, done.already
            );
            Ok(())
        }
        Err(problem) => {
            eprintln!("{problem}");
            anyhow::bail!("the import stopped at that row; rows before it are recorded, and importing the file again after putting it right carries on from there")
        }
    }
}
