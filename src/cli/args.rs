//! The command line's subcommands and their arguments, and the parsers of their values.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::auth::Role;

mod export;
mod keys;

pub(super) use export::*;
pub(super) use keys::*;

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Run the service (the default).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Mint a signed token for local use and print only the token.
    Token(TokenArgs),
    /// Print a one-time link that signs someone in to the web interface: it works once,
    /// within 15 minutes (or --valid-for), and is stored only as a hash.
    SignInLink(SignInLinkArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Produce a report from the ledger.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Sign a checkpoint over the whole log (position, event count, root hash, time) and print
    /// it as JSON, to keep outside the database.
    Checkpoint(CheckpointArgs),
    /// Recompute every hash chain and, given a checkpoint, check the log against it; exits
    /// non-zero and names the first bad event when the log fails.
    Verify(VerifyArgs),
    /// Export records to take away.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Make the keys of a new installation, or rotate the master key.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Write synthetic integrated care systems through the normal command path, about a
    /// thousand events each; the same seed writes the same record.
    Seed(SeedArgs),
    /// Rebuild the projections from the whole log into fresh tables and switch them in once
    /// caught up; a running service keeps answering meanwhile.
    Rebuild(RebuildArgs),
    /// Bring a year of history in from a spreadsheet; `--template FILE` writes the blank
    /// workbook to fill in, and `--dry-run` checks a file, naming every problem.
    Import(ImportArgs),
    /// Copy the database to a file while the service runs: a consistent copy of the log, the
    /// views and the wrapped participant keys (SQLite: VACUUM INTO; PostgreSQL: pg_dump's
    /// custom format). The master key is never in it: keep that apart.
    Backup(BackupArgs),
    /// Ask a running service's /health and exit 0 if it answers (the container's health
    /// check: the image has no shell and no curl).
    Health(HealthArgs),
    /// Put a backup into a fresh database (an empty data directory, or an empty DATABASE_URL
    /// database, with pg_restore); start the service on it with the same master key.
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub(super) struct BackupArgs {
    /// The file to write (it must not exist; readable by its owner only).
    #[arg(long, value_name = "FILE")]
    pub(super) output: PathBuf,
}

#[derive(Debug, Args)]
pub(super) struct HealthArgs {
    /// The service's address (its PL_LISTEN; an unspecified address such as 0.0.0.0 is asked
    /// on the loopback).
    #[arg(long, env = "PL_LISTEN", default_value = "127.0.0.1:8080")]
    pub(super) listen: SocketAddr,
}

#[derive(Debug, Args)]
pub(super) struct RestoreArgs {
    /// A file `backup` wrote.
    #[arg(long, value_name = "FILE")]
    pub(super) input: PathBuf,
}

#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// The workbook (.xlsx), a CSV file named by its sheet, or a folder of such CSV files.
    pub(super) file: Option<PathBuf>,
    /// The ODS code of the organisation whose history it is.
    #[arg(long)]
    pub(super) org: Option<String>,
    /// Check the file and say what it holds, recording nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// Write the blank template to this file, and nothing else.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "org", "dry_run"])]
    pub(super) template: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct SeedArgs {
    /// How many integrated care systems (five organisations each, about 1,000 events).
    #[arg(long, default_value_t = 1)]
    pub(super) scale: usize,
    /// The generator's seed.
    #[arg(long, default_value_t = 1)]
    pub(super) seed: u64,
    /// How many systems are written at once.
    #[arg(long, default_value_t = 8)]
    pub(super) concurrency: usize,
    /// Also one large acute trust holding this many input items (with the usual mix of
    /// decisions, actions and feedback), in the first system's integrated care system.
    #[arg(long, default_value_t = 0)]
    pub(super) large_organisation: usize,
}

#[derive(Debug, Args)]
pub(super) struct RebuildArgs {
    /// The projection to rebuild (there is one: `views`).
    #[arg(long, default_value = crate::projections::PROJECTOR_NAME)]
    pub(super) projection: String,
    /// Events read and applied at a time.
    #[arg(long, default_value_t = crate::projections::RebuildOptions::default().batch,
          value_parser = clap::value_parser!(i64).range(1..))]
    pub(super) batch: i64,
    /// Most documents held in memory (about 1 KB each), each written when let go of or at the
    /// end; lower it to use less memory, at the cost of writing and reading back more often.
    #[arg(long, default_value_t = crate::projections::RebuildOptions::default().hold)]
    pub(super) hold: usize,
    /// Parts the records are split into, each applied and written on its own (1 to 4; by
    /// default one per core).
    #[arg(long, default_value_t = crate::projections::RebuildOptions::default().parts,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new()
              .range(1..=crate::projections::MAX_PARTS as u64))]
    pub(super) parts: usize,
}

/// An address to listen on, or none.
#[derive(Debug, Clone, Copy)]
pub(super) struct ListenOrOff(pub(super) Option<SocketAddr>);

pub(super) fn parse_listen_or_off(text: &str) -> Result<ListenOrOff, String> {
    match text.trim() {
        "off" => Ok(ListenOrOff(None)),
        address => address.parse().map(|a| ListenOrOff(Some(a))).map_err(|_| {
            format!("`{address}` is not an address and port (127.0.0.1:9464) or `off`")
        }),
    }
}

/// A day, or a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Moment {
    Day(chrono::NaiveDate),
    At(chrono::DateTime<chrono::Utc>),
}

impl Moment {
    /// The moment a period starting here starts.
    pub(super) fn start(self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Self::Day(d) => d.and_time(chrono::NaiveTime::MIN).and_utc(),
            Self::At(at) => at,
        }
    }

    /// The moment a period ending here ends (a day includes all of itself).
    pub(super) fn end(self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Self::Day(d) => d
                .succ_opt()
                .map_or(chrono::DateTime::<chrono::Utc>::MAX_UTC, |next| {
                    Self::Day(next).start()
                }),
            Self::At(at) => at,
        }
    }
}

pub(super) fn parse_moment(text: &str) -> Result<Moment, String> {
    let text = text.trim();
    if let Ok(day) = text.parse::<chrono::NaiveDate>() {
        return Ok(Moment::Day(day));
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| Moment::At(at.to_utc()))
        .map_err(|_| format!("`{text}` is not a date (2026-04-01) or an RFC 3339 moment"))
}

#[derive(Debug, Args)]
pub(super) struct CheckpointArgs {
    /// Write the checkpoint to this file instead of standard output.
    #[arg(long)]
    pub(super) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct VerifyArgs {
    /// A checkpoint file written by `checkpoint`.
    #[arg(long)]
    pub(super) checkpoint: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(super) enum ReportCommand {
    /// The involvement section of an organisation's annual report, for one financial year.
    Annual(AnnualArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum ReportFormat {
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub(super) struct AnnualArgs {
    /// The organisation's ODS code.
    #[arg(long)]
    pub(super) org: String,
    /// The financial year, by the year it starts: 2026 is 1 April 2026 to 31 March 2027.
    #[arg(long)]
    pub(super) year: i32,
    /// Markdown, or a printable HTML page.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub(super) format: ReportFormat,
    /// An action to show as an example of change (repeat for several); by default the three
    /// most recently completed with an outcome.
    #[arg(long = "example")]
    pub(super) examples: Vec<uuid::Uuid>,
    /// Percentage points below its population share at which a group is under-represented.
    #[arg(long, default_value_t = 5.0)]
    pub(super) margin: f64,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub(super) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PL_LISTEN", default_value = "127.0.0.1:8080")]
    pub(super) listen: Option<SocketAddr>,
    /// Address `/metrics` (Prometheus) is served on, apart from the service so that it is
    /// not public; `off` for none.
    #[arg(long, env = "PL_METRICS_LISTEN", default_value = "127.0.0.1:9464", value_parser = parse_listen_or_off)]
    pub(super) metrics_listen: ListenOrOff,
    /// Minutes between verifications of every hash chain of the log by the replica running
    /// the projector (`pl_log_verifications_total` in the metrics); 0 for none.
    #[arg(long, env = "PL_VERIFY_EVERY_MINUTES", default_value_t = 60)]
    pub(super) verify_every_minutes: u64,
    /// The file every erasure is noted in, kept apart from the database and its backups, so
    /// that a restored database re-applies erasures made after its backup (default: `erasures`
    /// in the data directory).
    #[arg(long, env = "PL_ERASURE_REGISTER", value_name = "FILE")]
    pub(super) erasure_register: Option<PathBuf>,
    /// Serve GraphiQL on GET /graphql (default: only on the embedded database).
    #[arg(long, env = "PL_GRAPHIQL")]
    pub(super) graphiql: Option<bool>,
    /// `/ready` answers 503 while the oldest event the views have not applied waited longer.
    #[arg(long, env = "PL_READY_MAX_LAG_SECS", default_value_t = 30)]
    pub(super) ready_max_lag_secs: u64,
    /// Answer introspection and suggest field names (default: only on the embedded database).
    #[arg(long, env = "PL_INTROSPECTION")]
    pub(super) introspection: Option<bool>,
    /// GraphQL requests a minute per token subject (or address without a valid token); 0 is
    /// no limit.
    #[arg(long, env = "PL_RATE_LIMIT_PER_MINUTE", default_value_t = 600)]
    pub(super) rate_limit_per_minute: u32,
    /// The organisation's OpenID Connect identity provider (its issuer URL); with it, the
    /// sign-in page offers its accounts. Needs PL_OIDC_CLIENT_ID and PL_OIDC_CLIENT_SECRET.
    #[arg(long, env = "PL_OIDC_ISSUER")]
    pub(super) oidc_issuer: Option<String>,
    /// This service's client id at the identity provider.
    #[arg(long, env = "PL_OIDC_CLIENT_ID")]
    pub(super) oidc_client_id: Option<String>,
    /// This service's client secret at the identity provider.
    #[arg(long, env = "PL_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub(super) oidc_client_secret: Option<String>,
    /// The ID token claim holding the person's role (ENGAGEMENT_OFFICER, BOARD_SECRETARY,
    /// AUDITOR or ADMIN).
    #[arg(long, env = "PL_OIDC_ROLE_CLAIM", default_value = "roles")]
    pub(super) oidc_role_claim: String,
    /// The ID token claim holding the ODS codes of the person's organisations.
    #[arg(long, env = "PL_OIDC_ORGS_CLAIM", default_value = "ods_codes")]
    pub(super) oidc_orgs_claim: String,
    /// The scopes asked for, separated by spaces.
    #[arg(long, env = "PL_OIDC_SCOPES", default_value = "openid profile email")]
    pub(super) oidc_scopes: String,
    /// What the sign-in button calls the accounts: "Sign in with <name>".
    #[arg(
        long,
        env = "PL_OIDC_NAME",
        default_value = "your organisation's account"
    )]
    pub(super) oidc_name: String,
    /// A web session unused this many minutes ends.
    #[arg(long, env = "PL_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub(super) session_idle_minutes: u64,
    /// A web session ends this many hours after sign-in, however much it is used.
    #[arg(long, env = "PL_SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=168))]
    pub(super) session_max_hours: u64,
    /// Longest a GraphQL request may run, in seconds.
    #[arg(long, env = "PL_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub(super) request_timeout_secs: u64,
    /// Keep in-memory caches of streams, view documents and dashboard answers; `off` reads the
    /// log and the tables every time.
    #[arg(long, env = "PL_CACHES", value_enum, default_value_t = Switch::On)]
    pub(super) caches: Switch,
    /// Hot standbys of the PostgreSQL primary that queries and pages read from, as PostgreSQL
    /// URLs separated by commas; writes, and the reads they make, go to DATABASE_URL.
    #[arg(
        long,
        env = "DATABASE_READ_URL",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub(super) database_read_url: Vec<String>,
    /// A standby whose views are further behind the primary's than this many seconds is not
    /// read from until it catches up.
    #[arg(long, env = "PL_READ_MAX_LAG_SECS", default_value_t = 5)]
    pub(super) read_max_lag_secs: u64,
    /// With standbys, whether the primary takes its turn at answering queries (`share`) or
    /// answers them only when no standby can (`fallback`).
    #[arg(long, env = "PL_READ_PRIMARY", value_enum, default_value_t = PrimaryReads::Share)]
    pub(super) read_primary: PrimaryReads,
}

/// Whether the primary answers queries beside the standbys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum PrimaryReads {
    Share,
    Fallback,
}

/// A setting that is on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Switch {
    On,
    Off,
}

#[derive(Debug, Args)]
pub(super) struct TokenArgs {
    #[command(flatten)]
    pub(super) who: Grantee,
    /// How long the token lives: seconds, or a number with s, m, h or d.
    #[arg(long, default_value = "8h", value_parser = parse_ttl)]
    pub(super) ttl: u64,
}

/// Who a token or a sign-in link is for.
#[derive(Debug, Args)]
pub(super) struct Grantee {
    /// The subject: who it is for (their account's identifier, as an identity provider
    /// would name them).
    #[arg(long)]
    pub(super) sub: String,
    /// An organisation's ODS code; repeat for several.
    #[arg(long = "org")]
    pub(super) orgs: Vec<String>,
    /// The role.
    #[arg(long)]
    pub(super) role: Role,
}

#[derive(Debug, Args)]
pub(super) struct SignInLinkArgs {
    #[command(flatten)]
    pub(super) who: Grantee,
    /// How long the link works: seconds, or a number with s, m, h or d; at most a day.
    #[arg(long, default_value = "15m", value_parser = parse_ttl)]
    pub(super) valid_for: u64,
}

/// The ODS code given, upper-cased, once it names a registered organisation.
pub(super) async fn known_organisation(
    db: &crate::store::Db,
    code: &str,
) -> anyhow::Result<String> {
    let code = code.trim().to_ascii_uppercase();
    anyhow::ensure!(
        crate::projections::read::organisation(db, &code)
            .await?
            .is_some(),
        "--org: no organisation has the ODS code {code}"
    );
    Ok(code)
}

/// Writes `content` to `path`, or to standard output.
pub(super) fn write_out(
    path: Option<&std::path::Path>,
    content: impl AsRef<[u8]>,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    match path {
        Some(path) => std::fs::write(path, content)
            .with_context(|| format!("could not write {}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(content.as_ref())?;
            Ok(out.flush()?)
        }
    }
}

pub(super) fn parse_ttl(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 3600, 30m, 8h or 7d"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(format!("`{unit}`: use s, m, h or d")),
    };
    match n.checked_mul(scale) {
        Some(0) | None => Err("the ttl must be positive and under a few centuries".into()),
        Some(secs) => Ok(secs),
    }
}
