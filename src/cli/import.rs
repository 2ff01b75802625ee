//! `partnership-ledger import`: the blank template, and a file checked against it.

use anyhow::Context;

use super::args::ImportArgs;
use crate::import::{check, read, template};

/// Writes the template, or reads and checks a file, naming every problem.
pub(super) fn run(args: &ImportArgs) -> anyhow::Result<()> {
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
    anyhow::ensure!(
        args.org.is_some(),
        "--org: name the organisation whose history it is, by its ODS code"
    );
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
    anyhow::ensure!(
        args.dry_run,
        "recording an import is not available in this version: check files with --dry-run"
    );
    Ok(())
}
