//! Signed checkpoints: the log's position, event count and root hash at a moment, signed with
//! Ed25519, to be kept outside the database. A later `verify` sets the log against one.

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::verify::Covered;
use crate::config::write_private;
use crate::store::LogPosition;

/// The format tag every checkpoint carries; the signature covers it.
pub const FORMAT: &str = "partnership-ledger-checkpoint/1";

/// A signed statement of what the log held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    /// The last event covered, in commit order.
    pub log_tx: i64,
    pub log_position: i64,
    /// How many events the log held up to there.
    pub events: u64,
    /// The running SHA-256 over every event's hash in commit order.
    pub root_hash: String,
    pub issued_at: String,
    /// The Ed25519 public key, hex.
    pub public_key: String,
    /// The Ed25519 signature over [`Checkpoint::message`], hex.
    pub signature: String,
}

/// Why a checkpoint cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    #[error("checkpoint: not a checkpoint file ({0})")]
    Malformed(String),
    #[error("checkpoint: its signature does not match its content")]
    BadSignature,
    #[error("checkpoint: signed with a key other than this ledger's")]
    OtherKey,
}

impl Checkpoint {
    /// The exact text the signature covers.
    pub fn message(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.format,
            self.log_tx,
            self.log_position,
            self.events,
            self.root_hash,
            self.issued_at,
            self.public_key
        )
    }

    /// Reads a checkpoint from its JSON text.
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let checkpoint: Checkpoint = serde_json::from_str(text).map_err(|e| {
            CheckpointError::Malformed(format!("line {} column {}", e.line(), e.column()))
        })?;
        if checkpoint.format != FORMAT {
            return Err(CheckpointError::Malformed(format!(
                "format is not {FORMAT}"
            )));
        }
        Ok(checkpoint)
    }

    /// The position it covers.
    pub fn at(&self) -> LogPosition {
        LogPosition {
            tx: self.log_tx,
            position: self.log_position,
        }
    }

    pub fn covered(&self) -> Covered<'_> {
        Covered {
            at: self.at(),
            events: self.events,
            root_hash: &self.root_hash,
        }
    }

    /// Checks the signature, and that `ours` (this ledger's key, when known) made it.
    pub fn check_signature(&self, ours: Option<&VerifyingKey>) -> Result<(), CheckpointError> {
        let key_bytes: [u8; 32] = hex::decode(&self.public_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CheckpointError::Malformed("public_key is not an Ed25519 key".into()))?;
        let key = VerifyingKey::from_bytes(&key_bytes)
            .map_err(|_| CheckpointError::Malformed("public_key is not an Ed25519 key".into()))?;
        let signature_bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                CheckpointError::Malformed("signature is not an Ed25519 signature".into())
            })?;
        key.verify(
            self.message().as_bytes(),
            &Signature::from_bytes(&signature_bytes),
        )
        .map_err(|_| CheckpointError::BadSignature)?;
        match ours {
            Some(ours) if *ours != key => Err(CheckpointError::OtherKey),
            _ => Ok(()),
        }
    }
}

/// The key this ledger signs checkpoints with.
pub struct CheckpointKey(SigningKey);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CheckpointKey({})", self.public_hex())
    }
}

impl CheckpointKey {
    /// The configured key (a hex-encoded 32-byte Ed25519 seed), or the one kept in `data_dir`,
    /// generated (owner-readable only) the first time.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        let parse = |text: &str| -> Option<SigningKey> {
            let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
            Some(SigningKey::from_bytes(&bytes))
        };
        if let Some(text) = configured {
            return parse(text).map(Self).context(
                "PL_CHECKPOINT_KEY: must be 64 hexadecimal characters (a 32-byte Ed25519 seed)",
            );
        }
        let path = data_dir.join("checkpoint.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return parse(&text)
                    .map(Self)
                    .with_context(|| format!("{} does not hold an Ed25519 seed", path.display()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
        }
        crate::config::create_private_dir(data_dir)?;
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        write_private(&path, &hex::encode(seed))
            .with_context(|| format!("could not write {}", path.display()))?;
        tracing::info!(path = %path.display(), "generated a checkpoint signing key");
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// A key of the moment, kept nowhere: for a scratch ledger whose checkpoints nobody keeps.
    pub fn throwaway() -> Self {
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        Self(SigningKey::from_bytes(&seed))
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// Signs a checkpoint over `events` events up to `at` with root `root_hash`.
    pub fn sign(
        &self,
        at: LogPosition,
        events: u64,
        root_hash: String,
        issued_at: DateTime<Utc>,
    ) -> Checkpoint {
        let mut checkpoint = Checkpoint {
            format: FORMAT.to_owned(),
            log_tx: at.tx,
            log_position: at.position,
            events,
            root_hash,
            issued_at: issued_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            public_key: self.public_hex(),
            signature: String::new(),
        };
        checkpoint.signature = hex::encode(self.0.sign(checkpoint.message().as_bytes()).to_bytes());
        checkpoint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CheckpointKey {
        CheckpointKey(SigningKey::from_bytes(&[7; 32]))
    }

    fn signed() -> Checkpoint {
        key().sign(
            LogPosition {
                tx: 0,
                position: 42,
            },
            42,
            "ab".repeat(32),
            DateTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn a_signed_checkpoint_checks_and_survives_a_round_trip() {
        let checkpoint = signed();
        let text = serde_json::to_string_pretty(&checkpoint).expect("json");
        let back = Checkpoint::parse(&text).expect("parses");
        assert_eq!(back, checkpoint);
        assert_eq!(back.check_signature(Some(&key().verifying_key())), Ok(()));
    }

    #[test]
    fn any_changed_field_breaks_the_signature() {
        let mut more = signed();
        more.events = 43;
        assert_eq!(
            more.check_signature(None),
            Err(CheckpointError::BadSignature)
        );
        let mut moved = signed();
        moved.log_position = 41;
        assert_eq!(
            moved.check_signature(None),
            Err(CheckpointError::BadSignature)
        );
    }

    #[test]
    fn a_checkpoint_from_another_key_is_refused() {
        let theirs = CheckpointKey(SigningKey::from_bytes(&[9; 32]));
        let forged = theirs.sign(
            LogPosition::default(),
            0,
            "00".repeat(32),
            DateTime::UNIX_EPOCH,
        );
        assert_eq!(forged.check_signature(None), Ok(()));
        assert_eq!(
            forged.check_signature(Some(&key().verifying_key())),
            Err(CheckpointError::OtherKey)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(
            Checkpoint::parse("{\"format\": 1}"),
            Err(CheckpointError::Malformed(_))
        ));
    }

    #[test]
    fn the_key_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let first = CheckpointKey::load(None, dir.path()).expect("generated");
        let again = CheckpointKey::load(None, dir.path()).expect("read back");
        assert_eq!(first.public_hex(), again.public_hex());
        assert!(CheckpointKey::load(Some("nothex"), dir.path()).is_err());
    }
}
