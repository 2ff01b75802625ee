//! Tamper evidence for auditors and admins: a signed checkpoint to keep outside the database,
//! and verification of the log against one.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};

use crate::api::common::context::{internal, ledger, principal};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::heavy::{HeavyWork, VERIFY_COST};
use crate::audit::{self, Checkpoint, CheckpointKey};
use crate::auth::Role;

/// A signed checkpoint over the log.
#[derive(SimpleObject)]
pub struct SignedCheckpoint {
    /// The checkpoint as JSON: save this text outside the database, exactly as given.
    json: String,
    log_position: i64,
    events: u64,
    root_hash: String,
    issued_at: String,
    /// The Ed25519 public key, hex.
    public_key: String,
}

/// The first event that fails verification.
#[derive(SimpleObject)]
pub struct VerificationFailure {
    /// The event named (for a log cut short, the last event left); none when only the
    /// checkpoint comparison fails.
    position: Option<i64>,
    aggregate_type: Option<String>,
    aggregate_id: Option<String>,
    sequence: Option<i64>,
    /// `ALTERED`, `BROKEN_LINK`, `MISSING`, `OUT_OF_ORDER`, `REPEATED`, `CUT_SHORT` or
    /// `DIFFERS_FROM_CHECKPOINT`.
    problem: String,
    message: String,
}

/// The verdict on the log.
#[derive(SimpleObject)]
pub struct LogVerification {
    /// Every chain holds and, when a checkpoint was given, the log matches it.
    verified: bool,
    events: u64,
    streams: u64,
    root_hash: String,
    last_position: Option<i64>,
    failures: u64,
    first_failure: Option<VerificationFailure>,
}

pub(super) fn require_auditor(ctx: &Context<'_>) -> ApiResult<()> {
    match principal(ctx)?.role {
        Role::Auditor | Role::Admin => Ok(()),
        _ => Err(ApiError::Forbidden("only auditors and admins verify the log".into()).into()),
    }
}

fn key<'a>(ctx: &Context<'a>) -> &'a Arc<CheckpointKey> {
    ctx.data_unchecked::<Arc<CheckpointKey>>()
}

pub(super) fn heavy<'a>(ctx: &Context<'a>) -> &'a HeavyWork {
    ctx.data_unchecked::<Arc<HeavyWork>>()
}

/// Queries for tamper evidence.
#[derive(Default)]
pub struct AuditQueries;

#[Object]
impl AuditQueries {
    /// Signs a checkpoint over the whole log as it stands (position, event count, root hash,
    /// time). Refused while the log does not verify.
    #[graphql(complexity = "VERIFY_COST")]
    async fn checkpoint(&self, ctx: &Context<'_>) -> ApiResult<SignedCheckpoint> {
        require_auditor(ctx)?;
        let (db, key) = (ledger(ctx).db().clone(), key(ctx).clone());
        let checkpoint = heavy(ctx)
            .run(async move { audit::issue_checkpoint(&db, &key).await })
            .await
            .map_err(|e| internal(ctx, e))?;
        let json =
            serde_json::to_string_pretty(&checkpoint).map_err(|e| internal(ctx, e.into()))?;
        Ok(SignedCheckpoint {
            json,
            log_position: checkpoint.log_position,
            events: checkpoint.events,
            root_hash: checkpoint.root_hash,
            issued_at: checkpoint.issued_at,
            public_key: checkpoint.public_key,
        })
    }

    /// Recomputes every stream's hash chain and, given a checkpoint (the JSON `checkpoint`
    /// returned), checks the log against it; names the first event that fails.
    #[graphql(complexity = "VERIFY_COST")]
    async fn verify_log(
        &self,
        ctx: &Context<'_>,
        checkpoint: Option<String>,
    ) -> ApiResult<LogVerification> {
        require_auditor(ctx)?;
        let checkpoint = checkpoint
            .as_deref()
            .map(Checkpoint::parse)
            .transpose()
            .map_err(|e| ApiError::Validation(e.to_string()))?;
        let (db, key) = (ledger(ctx).db().clone(), key(ctx).clone());
        let verification = heavy(ctx)
            .run(async move { audit::verify(&db, checkpoint.as_ref(), &key).await })
            .await
            .map_err(|e| internal(ctx, e))?
            .map_err(|e| ApiError::Validation(e.to_string()))?;
        Ok(LogVerification {
            verified: verification.first_failure.is_none(),
            events: verification.events,
            streams: verification.streams,
            root_hash: verification.root_hash,
            last_position: verification.last.map(|l| l.position),
            failures: verification.failures,
            first_failure: verification.first_failure.map(|f| VerificationFailure {
                message: f.describe(),
                problem: serde_json::to_value(&f.problem)
                    .ok()
                    .and_then(|v| v["problem"].as_str().map(str::to_owned))
                    .unwrap_or_default(),
                position: f.position,
                aggregate_type: f.aggregate_type,
                aggregate_id: f.aggregate_id,
                sequence: f.sequence,
            }),
        })
    }
}
