//! Settings: defaults that work with no setup, overridden by environment variables and flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;

mod files;
mod secrets;
mod web;

pub use files::{create_private_dir, prepare_private_database_file};
pub(crate) use files::{create_private_new_file, narrow_to_owner, write_private};
pub use secrets::{check_jwt_secret, Key, MIN_JWT_SECRET_CHARS};
pub use web::{parse_public_url, OidcSettings, WebSettings};

/// A value that must never reach a log: `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The token signing and checking algorithm, pinned by configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JwtAlgorithm {
    #[value(name = "HS256")]
    Hs256,
    #[value(name = "RS256")]
    Rs256,
    #[value(name = "ES256")]
    Es256,
}

/// How tokens are checked (and, for the `token` subcommand, signed).
#[derive(Debug, Clone)]
pub struct JwtSettings {
    pub algorithm: JwtAlgorithm,
    /// HS256 shared secret (at least 32 characters); when absent on the embedded database a
    /// generated one is kept in the data directory.
    pub secret: Option<Secret<String>>,
    /// RS256/ES256 public key (PEM) for checking tokens.
    pub public_key_file: Option<PathBuf>,
    /// RS256/ES256 private key (PEM), only for `token`.
    pub private_key_file: Option<PathBuf>,
    /// Keys by `kid` from a JSON Web Key Set file; when set, every token must name one of
    /// them, and the file is re-read when it changes (a key removed from it is retired).
    pub jwks_file: Option<PathBuf>,
    /// The `kid` put in tokens the `token` subcommand signs.
    pub key_id: Option<String>,
    pub issuer: String,
    pub audience: String,
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    pub leeway_secs: u64,
    /// Tokens issued (`iat`) longer ago than this are refused, whatever their `exp`.
    pub max_age_secs: u64,
}

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// Where `/metrics` is served, apart from the service's own address so that it is not
    /// public; no metrics listener when `None`.
    pub metrics_listen: Option<SocketAddr>,
    /// How often the replica running the projector verifies every hash chain of the log, for
    /// the metrics and their alerts; never when `None`.
    pub verify_every: Option<std::time::Duration>,
    /// PostgreSQL when set; otherwise the embedded SQLite file under `data_dir`.
    pub database_url: Option<Secret<String>>,
    /// Hot standbys of the PostgreSQL primary that queries and pages read from.
    pub database_read_urls: Vec<Secret<String>>,
    /// A standby further behind the primary than this is not read from.
    pub read_max_lag: std::time::Duration,
    /// Whether the primary takes its turn at answering queries beside the standbys.
    pub read_from_primary: bool,
    /// The erasure register (see [`crate::crypto::ErasureRegister`]); `erasures` in
    /// `data_dir` when not given.
    pub erasure_register: Option<PathBuf>,
    pub jwt: JwtSettings,
    /// Serve GraphiQL on GET /graphql; defaults to on only for the embedded database.
    pub graphiql: Option<bool>,
    /// Days input may wait for a decision before it is overdue, for new organisations.
    pub default_response_window_days: u32,
    /// Base64 master key wrapping participants' keys; when absent on the embedded database one
    /// is kept in `data_dir` (PostgreSQL refuses to start without it).
    pub master_key: Option<Secret<String>>,
    /// The master key being replaced, while a rotation is under way (see
    /// [`crate::crypto::KeyStore::rotate_master`]): keys wrapped under it are still read.
    pub master_key_previous: Option<Secret<String>>,
    /// Hex Ed25519 seed signing log checkpoints; when absent on the embedded database one is
    /// kept in `data_dir` (PostgreSQL refuses to start without it).
    pub checkpoint_key: Option<Secret<String>>,
    /// `/ready` answers 503 while the oldest event the views have not applied is older.
    pub ready_max_lag_secs: u64,
    /// Answer introspection queries and suggest field names in errors; defaults to on only for
    /// the embedded database. Clients use the checked-in schema file.
    pub introspection: Option<bool>,
    /// GraphQL requests allowed per minute per token subject (or per address without a valid
    /// token), in bursts of up to as many; 0 turns limiting off.
    pub rate_limit_per_minute: u32,
    /// Longest a GraphQL request may run, in seconds.
    pub request_timeout_secs: u64,
    /// Whether to keep the caches described in [`crate::cache`]; off reads the log and the
    /// tables every time (for telling whether a wrong answer comes from a cache).
    pub caching: crate::cache::Caching,
    /// The web interface: its address and sessions.
    pub web: WebSettings,
}

impl Settings {
    /// Where erasures are noted apart from the database.
    pub fn erasure_register_path(&self) -> PathBuf {
        self.erasure_register
            .clone()
            .unwrap_or_else(|| self.data_dir.join("erasures"))
    }

    /// Settings for the embedded default in `data_dir`, listening on `listen`.
    pub fn embedded(data_dir: impl Into<PathBuf>, listen: SocketAddr) -> Self {
        Self {
            data_dir: data_dir.into(),
            listen,
            metrics_listen: None,
            verify_every: None,
            database_url: None,
            database_read_urls: Vec::new(),
            read_max_lag: std::time::Duration::from_secs(5),
            read_from_primary: true,
            erasure_register: None,
            jwt: JwtSettings {
                algorithm: JwtAlgorithm::Hs256,
                secret: None,
                public_key_file: None,
                private_key_file: None,
                jwks_file: None,
                key_id: None,
                issuer: "partnership-ledger".to_owned(),
                audience: "partnership-ledger".to_owned(),
                leeway_secs: 30,
                max_age_secs: 24 * 3600,
            },
            graphiql: None,
            default_response_window_days: 60,
            master_key: None,
            master_key_previous: None,
            checkpoint_key: None,
            ready_max_lag_secs: 30,
            introspection: None,
            rate_limit_per_minute: 600,
            request_timeout_secs: 30,
            caching: crate::cache::Caching::On,
            web: WebSettings::default(),
        }
    }

    /// Whether GraphiQL is served.
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql.unwrap_or(self.database_url.is_none())
    }

    /// Whether introspection and field suggestions are on.
    pub fn introspection_enabled(&self) -> bool {
        self.introspection.unwrap_or(self.database_url.is_none())
    }
}

/// Reads the HS256 secret kept in `data_dir`, creating a random one (owner-readable only) if
/// there is none yet; one too short to be safe is refused, never replaced.
pub fn data_dir_secret(data_dir: &Path) -> anyhow::Result<Secret<String>> {
    use base64::Engine;
    use rand::RngCore;

    let path = data_dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = Secret::new(text.trim().to_owned());
            check_jwt_secret(&secret, &path.display().to_string())?;
            return Ok(secret);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("could not read {}", path.display()));
        }
    }
    create_private_dir(data_dir)?;
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, &secret).with_context(|| format!("could not write {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a token signing secret");
    Ok(Secret::new(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_secret_file_is_refused_and_left_as_it_is() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("jwt-secret");
        std::fs::write(&path, "too-short-to-sign-with\n").expect("write");
        let message = format!(
            "{:#}",
            data_dir_secret(dir.path()).expect_err("a short secret is refused")
        );
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("at least 32 characters"), "{message}");
        assert!(!message.contains("too-short"), "the secret is never shown");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "too-short-to-sign-with\n",
            "never replaced"
        );
    }

    #[test]
    fn a_missing_secret_file_is_generated_once() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let first = data_dir_secret(&dir.path().join("data")).expect("generated");
        assert!(first.expose().len() >= MIN_JWT_SECRET_CHARS);
        let again = data_dir_secret(&dir.path().join("data")).expect("read back");
        assert_eq!(first, again);
    }
}
