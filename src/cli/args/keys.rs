//! The arguments of `keys`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub(in crate::cli) enum KeysCommand {
    /// Make the keys a new installation needs: the master key wrapping personal data, the
    /// checkpoint signing key and a token secret. Printed as environment lines for a secret
    /// store, or written to files in --dir (owner-readable only; existing files are kept).
    Generate(GenerateArgs),
    /// Re-wrap every participant's key under PL_MASTER_KEY, from PL_MASTER_KEY_PREVIOUS, while
    /// the service keeps running (each replica started with both), then scrub the old
    /// wrappings from the database's files.
    RotateMaster,
}

#[derive(Debug, Args)]
pub(in crate::cli) struct GenerateArgs {
    /// Write master.key, checkpoint.key and jwt-secret here (the names the embedded
    /// default reads from its data directory) instead of printing them.
    #[arg(long)]
    pub(in crate::cli) dir: Option<PathBuf>,
}
