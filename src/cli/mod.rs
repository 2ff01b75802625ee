//! The command line: `serve` (default), `migrate`, `token`, `schema`, `report annual`,
//! `checkpoint`, `verify`, `export` and `rebuild`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser};

use crate::audit::{Checkpoint, CheckpointKey};
use crate::auth::TokenAuthority;
use crate::cache::Caching;
use crate::config::{parse_public_url, JwtAlgorithm, JwtSettings, Key, Secret, Settings};
use crate::startup::{open_database, shutdown_signal, Application};

mod args;
mod backup;
mod export;
mod import;
mod keys;
mod web;

use args::*;

/// Partnership Ledger: proof that patient involvement is real.
#[derive(Debug, Parser)]
#[command(name = "partnership-ledger", version, about)]
pub struct Cli {
    /// Directory for the embedded database and generated keys.
    #[arg(long, env = "PL_DATA_DIR", default_value = "./data", global = true)]
    data_dir: PathBuf,
    /// PostgreSQL connection URL; when unset the embedded SQLite file is used.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    /// Base64 master key (32 bytes) wrapping participants' keys; when unset on the embedded
    /// database one is generated into the data directory; required with DATABASE_URL. Losing
    /// it makes all personal data unreadable.
    #[arg(long, env = "PL_MASTER_KEY", hide_env_values = true, global = true)]
    master_key: Option<String>,
    /// The master key being replaced, while a rotation is under way: participants' keys
    /// wrapped under it are still read, and `keys rotate-master` re-wraps them under
    /// PL_MASTER_KEY.
    #[arg(
        long,
        env = "PL_MASTER_KEY_PREVIOUS",
        hide_env_values = true,
        global = true
    )]
    master_key_previous: Option<String>,
    /// Hex Ed25519 seed (32 bytes) signing log checkpoints; when unset on the embedded
    /// database one is generated into the data directory; required with DATABASE_URL.
    #[arg(long, env = "PL_CHECKPOINT_KEY", hide_env_values = true, global = true)]
    checkpoint_key: Option<String>,
    /// The address people open the web interface at (`https://ledger.example.nhs.uk`):
    /// sign-in links are built on it, and an https address marks the session cookie Secure.
    #[arg(long, env = "PL_PUBLIC_URL", value_parser = parse_public_url, global = true)]
    public_url: Option<String>,
    #[command(flatten)]
    jwt: JwtArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Token settings.
#[derive(Debug, Args)]
struct JwtArgs {
    /// Token algorithm; tokens signed any other way are refused.
    #[arg(
        long = "jwt-algorithm",
        env = "PL_JWT_ALGORITHM",
        default_value = "HS256",
        global = true
    )]
    algorithm: JwtAlgorithm,
    /// HS256 secret, at least 32 characters; when unset on the embedded database one is
    /// generated into the data directory. With DATABASE_URL it (or a public key or JWKS file)
    /// is required.
    #[arg(
        long = "jwt-secret",
        env = "PL_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    secret: Option<String>,
    /// RS256/ES256 public key (PEM) used to check tokens.
    #[arg(
        long = "jwt-public-key-file",
        env = "PL_JWT_PUBLIC_KEY_FILE",
        global = true
    )]
    public_key_file: Option<PathBuf>,
    /// JSON Web Key Set file of the keys tokens may be signed with, chosen by the token's
    /// `kid`; re-read when it changes, so a key removed from it is refused from then on.
    #[arg(long = "jwt-jwks-file", env = "PL_JWT_JWKS_FILE", global = true)]
    jwks_file: Option<PathBuf>,
    /// The `kid` that `token` puts in the tokens it signs.
    #[arg(long = "jwt-key-id", env = "PL_JWT_KEY_ID", global = true)]
    key_id: Option<String>,
    /// RS256/ES256 private key (PEM), used only by `token`.
    #[arg(
        long = "jwt-private-key-file",
        env = "PL_JWT_PRIVATE_KEY_FILE",
        global = true
    )]
    private_key_file: Option<PathBuf>,
    /// Required `iss` claim.
    #[arg(
        long = "jwt-issuer",
        env = "PL_JWT_ISSUER",
        default_value = "partnership-ledger",
        global = true
    )]
    issuer: String,
    /// Required `aud` claim.
    #[arg(
        long = "jwt-audience",
        env = "PL_JWT_AUDIENCE",
        default_value = "partnership-ledger",
        global = true
    )]
    audience: String,
    /// Allowed clock skew on `exp` and `nbf`, in seconds.
    #[arg(
        long = "jwt-leeway-secs",
        env = "PL_JWT_LEEWAY_SECS",
        default_value_t = 30,
        global = true
    )]
    leeway_secs: u64,
    /// Tokens issued longer ago than this (seconds) are refused, whatever their expiry.
    #[arg(
        long = "jwt-max-age-secs",
        env = "PL_JWT_MAX_AGE_SECS",
        default_value_t = 86_400,
        global = true
    )]
    max_age_secs: u64,
}

impl Cli {
    fn settings(&self, listen: Option<SocketAddr>, graphiql: Option<bool>) -> Settings {
        let mut settings = Settings::embedded(
            &self.data_dir,
            listen.unwrap_or(([127, 0, 0, 1], 8080).into()),
        );
        settings.database_url = self
            .database_url
            .clone()
            .filter(|u| !u.is_empty())
            .map(Secret::new);
        settings.jwt = JwtSettings {
            algorithm: self.jwt.algorithm,
            secret: self.jwt.secret.clone().map(Secret::new),
            public_key_file: self.jwt.public_key_file.clone(),
            private_key_file: self.jwt.private_key_file.clone(),
            jwks_file: self.jwt.jwks_file.clone(),
            key_id: self.jwt.key_id.clone(),
            issuer: self.jwt.issuer.clone(),
            audience: self.jwt.audience.clone(),
            leeway_secs: self.jwt.leeway_secs,
            max_age_secs: self.jwt.max_age_secs,
        };
        settings.graphiql = graphiql;
        settings.web.public_url = match &self.public_url {
            Some(url) => url.clone(),
            None => format!("http://localhost:{}", settings.listen.port()),
        };
        // Secrets given empty stay empty, for `check_secrets` to refuse.
        settings.checkpoint_key = self.checkpoint_key.clone().map(Secret::new);
        settings.master_key = self.master_key.clone().map(Secret::new);
        settings.master_key_previous = self
            .master_key_previous
            .clone()
            .filter(|k| !k.is_empty())
            .map(Secret::new);
        settings
    }

    /// The settings, once their secrets pass [`Settings::check_secrets`] for a command that
    /// uses the keys in `needed`.
    fn checked_settings(&self, needed: &[Key]) -> anyhow::Result<Settings> {
        let settings = self.settings(None, None);
        settings.check_secrets(needed)?;
        Ok(settings)
    }

    /// Runs the chosen subcommand.
    pub async fn run(self) -> anyhow::Result<()> {
        match &self.command {
            None => {
                // `serve` is the default: read its settings from the environment as `serve` would.
                use clap::FromArgMatches;
                let matches = ServeArgs::augment_args(clap::Command::new("serve"))
                    .try_get_matches_from(["serve"])?;
                self.serve(&ServeArgs::from_arg_matches(&matches)?).await
            }
            Some(Command::Serve(args)) => self.serve(args).await,
            Some(Command::Migrate) => {
                let settings = self.checked_settings(&[])?;
                let db = open_database(&settings).await?;
                db.migrate().await?;
                tracing::info!(database = db.backend(), "migrations applied");
                Ok(())
            }
            Some(Command::Token(args)) => {
                let settings = self.checked_settings(&[Key::Jwt])?;
                let authority = TokenAuthority::from_settings(&settings.jwt, &settings.data_dir)?;
                let token = authority
                    .mint(&args.who.sub, args.who.role, &args.who.orgs, args.ttl)
                    .context("could not mint a token")?;
                println!("{token}");
                Ok(())
            }
            Some(Command::SignInLink(args)) => self.sign_in_link(args).await,
            Some(Command::Schema) => {
                print!("{}", crate::api::sdl());
                Ok(())
            }
            Some(Command::Report(ReportCommand::Annual(args))) => self.annual(args).await,
            Some(Command::Checkpoint(args)) => self.checkpoint(args).await,
            Some(Command::Verify(args)) => self.verify(args).await,
            Some(Command::Export(command)) => self.export(command).await,
            Some(Command::Keys(command)) => self.keys(command).await,
            Some(Command::Backup(args)) => self.backup(args).await,
            Some(Command::Restore(args)) => self.restore(args).await,
            Some(Command::Health(args)) => health(args).await,
            Some(Command::Seed(args)) => {
                let settings = self.checked_settings(&Key::ALL)?;
                let options = crate::seed::SeedOptions {
                    scale: args.scale,
                    seed: args.seed,
                    concurrency: args.concurrency,
                    large_organisation: args.large_organisation,
                };
                let summary = crate::seed::seed_service(&settings, &options).await?;
                let seconds = summary.elapsed.as_secs_f64();
                println!(
                    "seeded {} systems ({} already there) with {} mutations in {seconds:.1} s ({:.0} a second)",
                    summary.systems,
                    summary.skipped,
                    summary.mutations,
                    summary.mutations as f64 / seconds.max(0.001)
                );
                Ok(())
            }
            Some(Command::Import(args)) => {
                // A dry run reads the ledger; recording needs every key, as the service does.
                let needed: &[Key] = if args.dry_run { &[] } else { &Key::ALL };
                let settings = args
                    .template
                    .is_none()
                    .then(|| self.checked_settings(needed))
                    .transpose()?;
                import::run(args, settings).await
            }
            Some(Command::Rebuild(args)) => {
                anyhow::ensure!(
                    args.projection == crate::projections::PROJECTOR_NAME,
                    "--projection: there is no projection `{}`; the projections are: {}",
                    args.projection,
                    crate::projections::PROJECTOR_NAME
                );
                let settings = self.checked_settings(&[])?;
                let db = open_database(&settings).await?;
                db.migrate().await?;
                let options = crate::projections::RebuildOptions {
                    batch: args.batch,
                    hold: args.hold,
                    parts: args.parts,
                };
                let applied = crate::projections::rebuild_with(&db, options).await?;
                println!("rebuilt `{}` from {applied} events", args.projection);
                Ok(())
            }
        }
    }

    /// The database with its views brought up to the log (a running service doing the same is
    /// harmless: each batch lands once).
    async fn caught_up(&self) -> anyhow::Result<crate::store::Db> {
        let settings = self.checked_settings(&[])?;
        let db = open_database(&settings).await?;
        db.migrate().await?;
        let (mut projector, _) = crate::projections::Projector::new(db.clone()).await?;
        projector.catch_up().await?;
        Ok(db)
    }

    /// The database and the checkpoint key, for the audit commands.
    async fn audit_parts(&self) -> anyhow::Result<(crate::store::Db, CheckpointKey)> {
        let settings = self.checked_settings(&[Key::Checkpoint])?;
        let key = CheckpointKey::load(
            settings
                .checkpoint_key
                .as_ref()
                .map(|k| k.expose().as_str()),
            &settings.data_dir,
        )?;
        let db = open_database(&settings).await?;
        db.migrate().await?;
        Ok((db, key))
    }

    async fn checkpoint(&self, args: &CheckpointArgs) -> anyhow::Result<()> {
        let (db, key) = self.audit_parts().await?;
        let checkpoint = crate::audit::issue_checkpoint(&db, &key).await?;
        let text = serde_json::to_string_pretty(&checkpoint)? + "\n";
        write_out(args.output.as_deref(), &text)?;
        tracing::info!(
            log.position = checkpoint.log_position,
            events = checkpoint.events,
            "checkpoint signed"
        );
        Ok(())
    }

    async fn verify(&self, args: &VerifyArgs) -> anyhow::Result<()> {
        let checkpoint = match &args.checkpoint {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("could not read {}", path.display()))?;
                Some(Checkpoint::parse(&text)?)
            }
            None => None,
        };
        let (db, key) = self.audit_parts().await?;
        let verification = crate::audit::verify(&db, checkpoint.as_ref(), &key).await??;
        match &verification.first_failure {
            None => {
                println!(
                    "verified: {} events in {} streams, root hash {}{}",
                    verification.events,
                    verification.streams,
                    verification.root_hash,
                    if checkpoint.is_some() {
                        ", matching the checkpoint"
                    } else {
                        ""
                    }
                );
                Ok(())
            }
            Some(failure) => {
                println!(
                    "NOT VERIFIED: {} ({} failure(s) in all)",
                    failure.describe(),
                    verification.failures
                );
                anyhow::bail!("the log failed verification")
            }
        }
    }

    async fn annual(&self, args: &AnnualArgs) -> anyhow::Result<()> {
        anyhow::ensure!(
            (0.0..=100.0).contains(&args.margin),
            "--margin: must be between 0 and 100"
        );
        let db = self.caught_up().await?;
        let today = chrono::Utc::now().date_naive();
        let report = crate::reports::annual_report(
            &db,
            &args.org,
            args.year,
            today,
            &args.examples,
            args.margin,
        )
        .await
        .map_err(|e| match e {
            crate::reports::ReportFailure::UnknownOrganisation => {
                anyhow::anyhow!(
                    "--org: no organisation has the ODS code {}",
                    args.org.trim()
                )
            }
            other => anyhow::Error::new(other),
        })?;
        let page = report.page();
        let text = match args.format {
            ReportFormat::Markdown => page.markdown(),
            ReportFormat::Html => page.html(),
        };
        write_out(args.output.as_deref(), &text)
    }

    async fn serve(&self, args: &ServeArgs) -> anyhow::Result<()> {
        let mut settings = self.settings(args.listen, args.graphiql);
        settings.metrics_listen = args.metrics_listen.0;
        settings.erasure_register = args.erasure_register.clone();
        settings.verify_every = (args.verify_every_minutes > 0)
            .then(|| std::time::Duration::from_secs(args.verify_every_minutes * 60));
        settings.ready_max_lag_secs = args.ready_max_lag_secs;
        settings.introspection = args.introspection;
        settings.rate_limit_per_minute = args.rate_limit_per_minute;
        settings.request_timeout_secs = args.request_timeout_secs;
        settings.web.session_idle = std::time::Duration::from_secs(args.session_idle_minutes * 60);
        settings.web.session_max = std::time::Duration::from_secs(args.session_max_hours * 3600);
        settings.web.oidc = web::oidc_settings(args)?;
        settings.database_read_urls = args
            .database_read_url
            .iter()
            .map(|url| url.trim())
            .filter(|url| !url.is_empty())
            .map(|url| Secret::new(url.to_owned()))
            .collect();
        settings.read_max_lag = std::time::Duration::from_secs(args.read_max_lag_secs);
        settings.read_from_primary = args.read_primary == PrimaryReads::Share;
        settings.caching = match args.caches {
            Switch::On => Caching::On,
            Switch::Off => Caching::Off,
        };
        let app = Application::build(&settings).await?;
        app.run_until_stopped(shutdown_signal()).await
    }
}

/// Asks the service at `args.listen` for `/health`, briefly.
async fn health(args: &HealthArgs) -> anyhow::Result<()> {
    let mut address = args.listen;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let answer = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()?
        .get(format!("http://{address}/health"))
        .send()
        .await
        .with_context(|| format!("no answer from http://{address}/health"))?;
    anyhow::ensure!(
        answer.status().is_success(),
        "http://{address}/health answered {}",
        answer.status()
    );
    println!("healthy");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::args::parse_ttl;

    #[test]
    fn ttl_accepts_units_and_refuses_nonsense() {
        assert_eq!(parse_ttl("90"), Ok(90));
        assert_eq!(parse_ttl("30m"), Ok(1_800));
        assert_eq!(parse_ttl("8h"), Ok(28_800));
        assert_eq!(parse_ttl("7d"), Ok(604_800));
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("8w").is_err());
        assert!(parse_ttl("soon").is_err());
    }
}
