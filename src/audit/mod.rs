//! Audit: tracing input to outcome, and tamper evidence over the log (hash chains and signed
//! checkpoints).

use crate::projections::read_log_after;
use crate::store::{Db, LogPosition};

pub mod as_of;
pub mod checkpoint;
pub mod export;
pub mod history;
pub mod trace;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError, CheckpointKey};
pub use verify::{Failure, Problem, Verification, Verifier};

/// How many events are read from the log at a time.
const BATCH: i64 = 2_000;

/// Reads the whole settled log in commit order through a verifier.
async fn scan(db: &Db, checkpoint: Option<LogPosition>) -> anyhow::Result<Verifier> {
    let mut verifier = Verifier::new(checkpoint);
    let mut after = LogPosition::default();
    loop {
        let events = read_log_after(db, after, BATCH).await?;
        let Some(last) = events.last().map(|e| e.at) else {
            return Ok(verifier);
        };
        for event in &events {
            verifier.push(event);
        }
        after = last;
    }
}

/// Recomputes every stream's chain and, given a checkpoint, sets the log against it.
/// A checkpoint whose signature fails, or that `key` did not sign, is refused.
pub async fn verify(
    db: &Db,
    checkpoint: Option<&Checkpoint>,
    key: &CheckpointKey,
) -> anyhow::Result<Result<Verification, CheckpointError>> {
    if let Some(cp) = checkpoint {
        if let Err(e) = cp.check_signature(Some(&key.verifying_key())) {
            return Ok(Err(e));
        }
    }
    let verifier = scan(db, checkpoint.map(Checkpoint::at)).await?;
    Ok(Ok(verifier.finish(checkpoint.map(Checkpoint::covered))))
}

/// Signs a checkpoint over the whole settled log, once it verifies.
pub async fn issue_checkpoint(db: &Db, key: &CheckpointKey) -> anyhow::Result<Checkpoint> {
    let verification = scan(db, None).await?.finish(None);
    if let Some(failure) = &verification.first_failure {
        anyhow::bail!(
            "the log does not verify, so no checkpoint was issued: {}",
            failure.describe()
        );
    }
    Ok(key.sign(
        verification.last.unwrap_or_default(),
        verification.events,
        verification.root_hash,
        chrono::Utc::now(),
    ))
}
