//! `export`: an organisation's audit trail, "you said, we did", its records in the import's
//! format, and the lists the figures pages show (the scorecard, reach, a board's seats).

use super::args::*;
use super::Cli;
use crate::projections::period::Period;
use crate::reports::lists::{self, Listed, ReachError};
use crate::reports::records::{self, RecordsFormat as Format};

impl Cli {
    pub(super) async fn export(&self, command: &ExportCommand) -> anyhow::Result<()> {
        match command {
            ExportCommand::Audit(args) => self.export_audit(args).await,
            ExportCommand::YouSaidWeDid(args) => self.export_you_said(args).await,
            ExportCommand::Records(args) => self.export_records(args).await,
            ExportCommand::Scorecard(args) => self.export_scorecard(args).await,
            ExportCommand::Reach(args) => self.export_reach(args).await,
            ExportCommand::Representation(args) => self.export_representation(args).await,
        }
    }

    async fn export_audit(&self, args: &AuditExportArgs) -> anyhow::Result<()> {
        let (from, to) = (args.from.start(), args.to.end());
        anyhow::ensure!(from < to, "--from: must be before --to");
        let db = self.caught_up().await?;
        let format = match args.format {
            TrailFormat::Csv => crate::audit::export::TrailFormat::Csv,
            TrailFormat::Jsonl => crate::audit::export::TrailFormat::JsonLines,
        };
        let org = known_organisation(&db, &args.org).await?;
        let file = crate::audit::export::audit_trail(&db, &org, (from, to), format).await?;
        tracing::info!(events = file.rows, "audit trail exported");
        write_out(args.output.as_deref(), &file.content)
    }

    async fn export_you_said(&self, args: &YouSaidArgs) -> anyhow::Result<()> {
        if let (Some(from), Some(to)) = (args.from, args.to) {
            anyhow::ensure!(to >= from, "--to: must not be before --from");
        }
        let db = self.caught_up().await?;
        let org = known_organisation(&db, &args.org).await?;
        let format = match args.format {
            YouSaidFormat::Csv => crate::audit::export::ReportFormat::Csv,
            YouSaidFormat::Html => crate::audit::export::ReportFormat::Html,
        };
        let raised = crate::reports::you_said::Raised {
            from: args.from,
            to: args.to,
        };
        let today = chrono::Utc::now().date_naive();
        let file =
            crate::audit::export::you_said_we_did(&db, &org, args.activity, raised, today, format)
                .await?;
        tracing::info!(input_items = file.rows, "you said, we did exported");
        write_out(args.output.as_deref(), &file.content)
    }

    async fn export_records(&self, args: &RecordsArgs) -> anyhow::Result<()> {
        let db = self.caught_up().await?;
        let org = known_organisation(&db, &args.org).await?;
        let format = args.format.into();
        let as_of = args
            .as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let asked = records::Asked {
            organisation: &org,
            sheet: args.sheet.as_deref(),
            format,
            as_of,
        };
        // The command line names no one: participants are written by reference.
        let file = records::file(&db, &asked, &records::Details::new())
            .await
            .map_err(|e| match e {
                records::RecordsError::Asked(message) => anyhow::anyhow!("--{message}"),
                records::RecordsError::Failed(e) => e,
            })?;
        tracing::info!(rows = file.rows, "records exported");
        write_out(args.output.as_deref(), &file.bytes)
    }

    async fn export_scorecard(&self, args: &ScorecardArgs) -> anyhow::Result<()> {
        anyhow::ensure!(args.from <= args.to, "--to: must not be before --from");
        let db = self.caught_up().await?;
        let codes =
            crate::reports::organisations_covered(&db, args.org.as_deref(), args.ics.as_deref())
                .await?;
        anyhow::ensure!(
            !codes.is_empty(),
            "{}: no organisation has the ODS code {}",
            if args.org.is_some() { "--org" } else { "--ics" },
            args.org
                .as_deref()
                .or(args.ics.as_deref())
                .unwrap_or_default()
        );
        let period = Period {
            from: args.from,
            to: args.to,
        };
        let listed = lists::scorecard_of(&db, &codes, &period, args.margin.points).await?;
        write_list(&listed, &args.file)
    }

    async fn export_reach(&self, args: &ReachArgs) -> anyhow::Result<()> {
        let period = match (args.from, args.to) {
            (Some(from), Some(to)) => {
                anyhow::ensure!(from <= to, "--to: must not be before --from");
                Some(Period { from, to })
            }
            _ => None,
        };
        let db = self.caught_up().await?;
        let org = known_organisation(&db, &args.org).await?;
        let reach = lists::reach_of(&db, &org, period.as_ref(), None, args.margin.points)
            .await
            .map_err(|e| match e {
                ReachError::NoBaseline => anyhow::anyhow!(
                    "--org: {org} has no population baseline to measure reach against; upload \
                     one on the reach page or with uploadPopulationBaseline"
                ),
                ReachError::Failed(e) => e,
            })?;
        write_list(&lists::reach(&org, &reach), &args.file)
    }

    async fn export_representation(&self, args: &RepresentationArgs) -> anyhow::Result<()> {
        let db = self.caught_up().await?;
        let as_of = args
            .as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let listed = lists::representation_of(&db, args.board, as_of)
            .await?
            .ok_or_else(|| anyhow::anyhow!("--board: no board has the id {}", args.board))?;
        write_list(&listed, &args.file)
    }
}

impl From<RecordsFormat> for Format {
    fn from(format: RecordsFormat) -> Self {
        match format {
            RecordsFormat::Xlsx => Self::Xlsx,
            RecordsFormat::Csv => Self::Csv,
        }
    }
}

fn write_list(listed: &Listed, file: &ListFile) -> anyhow::Result<()> {
    let written = listed.file(file.format.into())?;
    tracing::info!(rows = written.rows, list = %listed.table.name, "list exported");
    write_out(file.output.as_deref(), &written.bytes)
}
