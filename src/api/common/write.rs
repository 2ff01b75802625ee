//! What every mutation runs: one per command, each taking an input object with an optional
//! `idempotencyKey` and answering with the changed record, read back after the views caught up
//! with it, and a receipt.

use async_graphql::{Context, SimpleObject};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::context::{correlation_id, internal, ledger, principal};
use super::error::{ApiError, ApiResult};
use crate::auth::{Principal, Role};
use crate::ledger::{CommandContext, Committed, LedgerError};
use crate::projections::Projected;
use crate::store::LogPosition;

/// Where a mutation's effect sits in the log, and whether it was a replay.
#[derive(SimpleObject)]
pub struct Receipt {
    /// The log position the mutation produced, as `transaction:position`.
    pub log_position: String,
    /// True when the idempotency key matched an earlier request and nothing new was recorded.
    pub replayed: bool,
}

impl From<&Committed> for Receipt {
    fn from(c: &Committed) -> Self {
        Self {
            log_position: format_position(c.position),
            replayed: c.replayed,
        }
    }
}

fn format_position(p: LogPosition) -> String {
    format!("{}:{}", p.tx, p.position)
}

const MAX_KEY_CHARS: usize = 128;

/// Builds the command context: the caller, a correlation id, the command name, and the
/// idempotency key with a fingerprint of the request it came with.
pub(crate) fn command_context<T: Serialize>(
    ctx: &Context<'_>,
    command: &'static str,
    input: &T,
    key: Option<&String>,
) -> Result<CommandContext, ApiError> {
    let principal = principal(ctx)?.clone();
    if let Some(key) = key {
        if key.is_empty()
            || key.chars().count() > MAX_KEY_CHARS
            || key.chars().any(char::is_control)
        {
            return Err(ApiError::Validation(format!(
                "idempotencyKey: must be 1 to {MAX_KEY_CHARS} printable characters"
            )));
        }
    }
    let mut value = serde_json::to_value(input).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("idempotency_key");
    }
    let fingerprint = hex::encode(Sha256::digest(format!("{command}\n{value}").as_bytes()));
    Ok(CommandContext {
        principal,
        correlation_id: correlation_id(ctx).to_owned(),
        command,
        idempotency_key: key.cloned(),
        request_hash: fingerprint,
        new_record: false,
        // Only request data set in-process (the import) carries it; HTTP never does.
        origin: ctx.data_opt::<crate::ledger::Origin>().cloned(),
    })
}

/// Refuses callers whose role may not change engagement records.
pub(crate) fn require_officer(who: &Principal) -> Result<(), ApiError> {
    match who.role {
        Role::EngagementOfficer | Role::Admin => Ok(()),
        Role::Auditor => Err(ApiError::Forbidden(
            "auditors may read the record but not change it".into(),
        )),
        Role::BoardSecretary => Err(ApiError::Forbidden(
            "board secretaries may not change engagement records".into(),
        )),
    }
}

/// Maps a ledger error for the client.
pub(crate) fn refused(ctx: &Context<'_>, error: LedgerError) -> ApiError {
    ApiError::from_ledger(correlation_id(ctx), error)
}

/// After a command: maps its refusal, then answers with the id of the record it changed and its
/// receipt (a replayed request answers for the record its first attempt created).
pub(crate) fn committed(
    ctx: &Context<'_>,
    outcome: Result<Committed, LedgerError>,
) -> ApiResult<(Uuid, Committed)> {
    let done = outcome.map_err(|e| refused(ctx, e))?;
    let id: Uuid = done
        .aggregate_id
        .parse()
        .map_err(|e: uuid::Error| internal(ctx, e.into()))?;
    Ok((id, done))
}

/// After a command: maps its refusal, then reads the record it changed back as the views show
/// it, from the ledger when this replica has it at hand, else with `load`.
pub(crate) async fn read_back<T, Fut>(
    ctx: &Context<'_>,
    what: &str,
    outcome: Result<Committed, LedgerError>,
    load: impl FnOnce(Uuid) -> Fut,
) -> ApiResult<(T, Receipt)>
where
    T: Projected,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let (id, done) = committed(ctx, outcome)?;
    let receipt = Receipt::from(&done);
    if let Some((doc, _)) = ledger(ctx).as_shown::<T>(&done) {
        return Ok((doc, receipt));
    }
    let doc = load(id)
        .await
        .map_err(|e| internal(ctx, e))?
        .ok_or_else(|| missing(ctx, what, id))?;
    Ok((doc, receipt))
}

/// The failure of a committed record not found in the views it was waited for.
pub(crate) fn missing(ctx: &Context<'_>, what: &str, id: Uuid) -> ApiError {
    internal(
        ctx,
        anyhow::anyhow!("{what} {id} missing from views after commit"),
    )
}

/// A fresh record id.
/// The id an in-process caller chose for the record a mutation creates (the seed generator,
/// so that what it writes is the same on every run). Only request data set in-process carries
/// it; the HTTP handler never does.
#[derive(Debug, Clone, Copy)]
pub struct ChosenId(pub Uuid);

/// The id of the record `cc` creates, made for it (see [`new_id`]): there is no stream under
/// it to read before deciding the command.
pub(crate) fn new_record(ctx: &Context<'_>, cc: &mut CommandContext) -> Uuid {
    cc.new_record = true;
    new_id(ctx)
}

/// A new record's id: the one chosen for this request, else a fresh time-ordered one.
pub(crate) fn new_id(ctx: &Context<'_>) -> Uuid {
    ctx.data_opt::<ChosenId>()
        .map_or_else(Uuid::now_v7, |chosen| chosen.0)
}

/// The ledger of this request (re-exported for the submodules).
pub(crate) fn the_ledger<'a>(ctx: &'a Context<'_>) -> &'a std::sync::Arc<crate::ledger::Ledger> {
    ledger(ctx)
}
