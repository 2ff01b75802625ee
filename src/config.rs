//! Settings: defaults that work with no setup, overridden by environment variables and flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;

mod files;

pub(crate) use files::write_private;
pub use files::{create_private_dir, prepare_private_database_file};

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
    /// HS256 shared secret; when absent a generated one is kept in the data directory.
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
    /// PostgreSQL when set; otherwise the embedded SQLite file under `data_dir`.
    pub database_url: Option<Secret<String>>,
    pub jwt: JwtSettings,
    /// Serve GraphiQL on GET /graphql; defaults to on only for the embedded database.
    pub graphiql: Option<bool>,
    /// Days input may wait for a decision before it is overdue, for new organisations.
    pub default_response_window_days: u32,
    /// Base64 master key wrapping participants' keys; when absent one is kept in `data_dir`.
    pub master_key: Option<Secret<String>>,
    /// Hex Ed25519 seed signing log checkpoints; when absent one is kept in `data_dir`.
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
}

impl Settings {
    /// Settings for the embedded default in `data_dir`, listening on `listen`.
    pub fn embedded(data_dir: impl Into<PathBuf>, listen: SocketAddr) -> Self {
        Self {
            data_dir: data_dir.into(),
            listen,
            database_url: None,
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
            checkpoint_key: None,
            ready_max_lag_secs: 30,
            introspection: None,
            rate_limit_per_minute: 600,
            request_timeout_secs: 30,
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
/// there is none yet.
pub fn data_dir_secret(data_dir: &Path) -> anyhow::Result<Secret<String>> {
    use base64::Engine;
    use rand::RngCore;

    let path = data_dir.join("jwt-secret");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let text = text.trim().to_owned();
        if text.len() >= 32 {
            return Ok(Secret::new(text));
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
