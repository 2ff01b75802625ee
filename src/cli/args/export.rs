//! The arguments of `export`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{parse_moment, Moment};

#[derive(Debug, Subcommand)]
pub(in crate::cli) enum ExportCommand {
    /// The audit trail of an organisation's records for a period: every event recorded in it,
    /// one per line, exactly as stored with its position and hashes.
    Audit(AuditExportArgs),
    /// "You said, we did" for an organisation, or one of its activities.
    YouSaidWeDid(YouSaidArgs),
    /// An organisation's records in the import's format: every sheet as one workbook (which
    /// `import` takes back), or one sheet as a workbook or CSV.
    Records(RecordsArgs),
    /// The six-principles scorecard of an organisation or an integrated care system over a
    /// period: a measure a row, with the previous period's value and the change.
    Scorecard(ScorecardArgs),
    /// Who took part in an organisation's activities held in a period, against its
    /// population baseline: a group a row.
    Reach(ReachArgs),
    /// A board's seats by role against their targets on a day, with the vacancies.
    Representation(RepresentationArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(in crate::cli) enum RecordsFormat {
    Xlsx,
    Csv,
}

#[derive(Debug, Args)]
pub(in crate::cli) struct RecordsArgs {
    /// The organisation's ODS code.
    #[arg(long)]
    pub(in crate::cli) org: String,
    /// One sheet only, by its name: Activities, Input, Actions, Feedback, Boards, Meetings...
    #[arg(long)]
    pub(in crate::cli) sheet: Option<String>,
    #[arg(long, value_enum, default_value_t = RecordsFormat::Xlsx)]
    pub(in crate::cli) format: RecordsFormat,
    /// The day the input's verdicts are given as of (YYYY-MM-DD); today when left out.
    #[arg(long)]
    pub(in crate::cli) as_of: Option<chrono::NaiveDate>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub(in crate::cli) output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(in crate::cli) enum TrailFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Args)]
pub(in crate::cli) struct AuditExportArgs {
    /// The organisation's ODS code.
    #[arg(long)]
    pub(in crate::cli) org: String,
    /// First day (or RFC 3339 moment) recorded, inclusive.
    #[arg(long, value_parser = parse_moment)]
    pub(in crate::cli) from: Moment,
    /// Last day recorded, inclusive (or an RFC 3339 moment, exclusive).
    #[arg(long, value_parser = parse_moment)]
    pub(in crate::cli) to: Moment,
    #[arg(long, value_enum, default_value_t = TrailFormat::Jsonl)]
    pub(in crate::cli) format: TrailFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub(in crate::cli) output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(in crate::cli) enum YouSaidFormat {
    Csv,
    Html,
}

#[derive(Debug, Args)]
pub(in crate::cli) struct YouSaidArgs {
    /// The organisation's ODS code.
    #[arg(long)]
    pub(in crate::cli) org: String,
    /// One activity only.
    #[arg(long)]
    pub(in crate::cli) activity: Option<uuid::Uuid>,
    /// Only input raised on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub(in crate::cli) from: Option<chrono::NaiveDate>,
    /// Only input raised on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub(in crate::cli) to: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = YouSaidFormat::Html)]
    pub(in crate::cli) format: YouSaidFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub(in crate::cli) output: Option<PathBuf>,
}

/// The file a list is written as: CSV unless asked otherwise.
#[derive(Debug, Args)]
pub(in crate::cli) struct ListFile {
    #[arg(long, value_enum, default_value_t = RecordsFormat::Csv)]
    pub(in crate::cli) format: RecordsFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub(in crate::cli) output: Option<PathBuf>,
}

/// How far below its share of the population a group may fall before it is named.
#[derive(Debug, Args)]
pub(in crate::cli) struct Margin {
    /// How many percentage points (0 to 100) below its share of the population a group may
    /// fall before it is named under-represented.
    #[arg(long = "margin-points", default_value_t = 5.0, value_parser = parse_margin)]
    pub(in crate::cli) points: f64,
}

fn parse_margin(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(points) if (0.0..=100.0).contains(&points) => Ok(points),
        _ => Err(format!("`{text}` is not a number of points from 0 to 100")),
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("whose").required(true).args(["org", "ics"])))]
pub(in crate::cli) struct ScorecardArgs {
    /// The organisation's ODS code.
    #[arg(long)]
    pub(in crate::cli) org: Option<String>,
    /// Every organisation of an integrated care system, by its ICB's ODS code.
    #[arg(long)]
    pub(in crate::cli) ics: Option<String>,
    /// The period's first day (YYYY-MM-DD).
    #[arg(long)]
    pub(in crate::cli) from: NaiveDate,
    /// The period's last day, included.
    #[arg(long)]
    pub(in crate::cli) to: NaiveDate,
    #[command(flatten)]
    pub(in crate::cli) margin: Margin,
    #[command(flatten)]
    pub(in crate::cli) file: ListFile,
}

#[derive(Debug, Args)]
pub(in crate::cli) struct ReachArgs {
    /// The organisation's ODS code.
    #[arg(long)]
    pub(in crate::cli) org: String,
    /// Only activities held on or after this day; every activity held when left out.
    #[arg(long, requires = "to")]
    pub(in crate::cli) from: Option<NaiveDate>,
    /// Only activities held on or before this day.
    #[arg(long, requires = "from")]
    pub(in crate::cli) to: Option<NaiveDate>,
    #[command(flatten)]
    pub(in crate::cli) margin: Margin,
    #[command(flatten)]
    pub(in crate::cli) file: ListFile,
}

#[derive(Debug, Args)]
pub(in crate::cli) struct RepresentationArgs {
    /// The board's id, as its page and the API give it.
    #[arg(long)]
    pub(in crate::cli) board: uuid::Uuid,
    /// The day the seats are counted on (YYYY-MM-DD); today when left out.
    #[arg(long)]
    pub(in crate::cli) as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub(in crate::cli) file: ListFile,
}
