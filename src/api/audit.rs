//! Audit over GraphQL: traces from input to outcome and back, and, for auditors and admins,
//! a signed checkpoint to keep outside the database and verification of the log against one.

use std::sync::Arc;

use async_graphql::{Context, Enum, Json, Object, SimpleObject, ID};
use chrono::{DateTime, SecondsFormat, Utc};

use super::context::{internal, ledger, principal};
use super::enums::Date;
use super::error::{ApiError, ApiResult};
use super::heavy::{HeavyWork, VERIFY_COST};
use super::pages::{page_cost, Page, Window};
use super::query::{not_found, parse_id};
use crate::audit::{self, export, history, trace, Checkpoint, CheckpointKey};
use crate::auth::Role;
use crate::projections::{board_read, read};

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

fn require_auditor(ctx: &Context<'_>) -> ApiResult<()> {
    match principal(ctx)?.role {
        Role::Auditor | Role::Admin => Ok(()),
        _ => Err(ApiError::Forbidden("only auditors and admins verify the log".into()).into()),
    }
}

fn key<'a>(ctx: &Context<'a>) -> &'a Arc<CheckpointKey> {
    ctx.data_unchecked::<Arc<CheckpointKey>>()
}

fn heavy<'a>(ctx: &Context<'a>) -> &'a HeavyWork {
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

/// Who recorded a step; all null when they acted only for organisations the caller may not
/// read.
#[derive(SimpleObject)]
pub struct TraceActor {
    subject: Option<String>,
    role: Option<String>,
    /// The organisations the actor's token named, comma-separated.
    organisations: Option<String>,
}

/// One step of a trace: an event, in the order it was recorded.
#[derive(SimpleObject)]
pub struct TraceStep {
    log_position: i64,
    /// When it was recorded (RFC 3339, UTC).
    recorded_at: String,
    /// The day it happened, where the event says.
    occurred_on: Option<Date>,
    aggregate_type: String,
    aggregate_id: ID,
    sequence: i64,
    event_type: String,
    summary: String,
    actor: TraceActor,
    hash: String,
    prev_hash: String,
}

/// Everything connected to some input, on one timeline.
#[derive(SimpleObject)]
pub struct Trace {
    /// The input items traced.
    input_item_ids: Vec<ID>,
    steps: Vec<TraceStep>,
}

impl From<trace::Step> for TraceStep {
    fn from(s: trace::Step) -> Self {
        Self {
            log_position: s.at.position,
            recorded_at: s.recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            occurred_on: s.occurred_on.map(Date),
            aggregate_type: s.aggregate_type,
            aggregate_id: s.aggregate_id.into(),
            sequence: s.sequence,
            event_type: s.event_type,
            summary: s.summary,
            actor: TraceActor {
                subject: s.actor_subject,
                role: s.actor_role,
                organisations: s.actor_organisations,
            },
            hash: s.hash,
            prev_hash: s.prev_hash,
        }
    }
}

impl From<trace::Trace> for Trace {
    fn from(t: trace::Trace) -> Self {
        Self {
            input_item_ids: t.input_items.into_iter().map(Into::into).collect(),
            steps: t.steps.into_iter().map(Into::into).collect(),
        }
    }
}

/// Refuses, as not found, an input item the caller may not see (neither its owner nor the
/// partner it is referred to).
async fn visible_item(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<()> {
    let who = principal(ctx)?;
    let visible = read::input_item(ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?
        .is_some_and(|v| who.can_read_item(&v.doc));
    if visible {
        Ok(())
    } else {
        Err(not_found("input item").into())
    }
}

/// Refuses, as not found, an action of another organisation.
async fn visible_action(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<()> {
    let who = principal(ctx)?;
    let visible = read::action(ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?
        .is_some_and(|a| who.can_read(a.owner_organisation.as_str()));
    if visible {
        Ok(())
    } else {
        Err(not_found("action").into())
    }
}

/// Refuses, as not found, an activity the caller neither led nor partnered.
async fn visible_activity(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<()> {
    let who = principal(ctx)?;
    let visible = read::activity(ledger(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?
        .is_some_and(|(a, _)| who.can_read_activity(&a));
    if visible {
        Ok(())
    } else {
        Err(not_found("activity").into())
    }
}

/// Queries tracing input to outcome and back.
#[derive(Default)]
pub struct TraceQueries;

#[Object]
impl TraceQueries {
    /// Everything connected to an input item, in the order it was recorded: its activity, the
    /// item, each decision and revision, linked actions with their progress and outcome, board
    /// decisions citing it, and feedback; each step with its actor, position and hash. Only
    /// records the caller may read are followed, and another organisation's staff are not
    /// named (the step's actor is null).
    async fn trace(&self, ctx: &Context<'_>, input_item_id: ID) -> ApiResult<Trace> {
        let id = parse_id("inputItemId", &input_item_id)?;
        visible_item(ctx, id).await?;
        let found = trace::trace_input_item(ledger(ctx).db(), principal(ctx)?, id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(found.into())
    }

    /// An action and the input that led to it (while the caller may read it), traced the same
    /// way.
    async fn trace_action(&self, ctx: &Context<'_>, action_id: ID) -> ApiResult<Trace> {
        let id = parse_id("actionId", &action_id)?;
        visible_action(ctx, id).await?;
        let found = trace::trace_action(ledger(ctx).db(), principal(ctx)?, id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(found.into())
    }

    /// A board decision and the input and actions it cited, traced the same way.
    async fn trace_board_decision(
        &self,
        ctx: &Context<'_>,
        meeting_id: ID,
        decision_id: ID,
    ) -> ApiResult<Trace> {
        let meeting = parse_id("meetingId", &meeting_id)?;
        let decision = parse_id("decisionId", &decision_id)?;
        let who = principal(ctx)?;
        let db = ledger(ctx).db();
        let visible = board_read::meeting(db, meeting)
            .await
            .map_err(|e| internal(ctx, e))?
            .is_some_and(|m| {
                who.can_read(m.organisation.as_str())
                    && m.decisions.iter().any(|d| d.decision_id == decision)
            });
        if !visible {
            return Err(not_found("board decision").into());
        }
        let found = trace::trace_board_decision(db, who, meeting, decision)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(found.into())
    }

    /// Every change to an activity, input item or action, field by field: the old and new
    /// values, the event that made it, who recorded it and when. Oldest first.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)] // a GraphQL field's arguments: its own and its page's
    async fn field_history(
        &self,
        ctx: &Context<'_>,
        record: HistoryRecord,
        id: ID,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Revision>> {
        let window = Window::new(first, after, last, before)?;
        let id = parse_id("id", &id)?;
        let kind = match record {
            HistoryRecord::Activity => {
                visible_activity(ctx, id).await?;
                history::Kind::Activity
            }
            HistoryRecord::InputItem => {
                visible_item(ctx, id).await?;
                history::Kind::InputItem
            }
            HistoryRecord::Action => {
                visible_action(ctx, id).await?;
                history::Kind::Action
            }
        };
        let revisions = history::field_history(ledger(ctx).db(), kind, id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let who = principal(ctx)?;
        let items = revisions
            .into_iter()
            .map(|r| {
                let position = r.step.at.position;
                let revision = Revision {
                    event: r.step.seen_by(who).into(),
                    changes: r
                        .changes
                        .into_iter()
                        .map(|c| FieldChange {
                            field: c.field,
                            old: c.old.map(Json),
                            new: c.new.map(Json),
                        })
                        .collect(),
                };
                (position, revision)
            })
            .collect();
        Ok(window.page(items)?)
    }
}

/// Which kind of record a history is for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum HistoryRecord {
    Activity,
    InputItem,
    Action,
}

/// One field's change: absent old means the field was set, absent new that it was cleared.
#[derive(SimpleObject)]
pub struct FieldChange {
    /// The field's path, such as `title`, `decisions[1].outcome` or `held.attendance.patients`.
    field: String,
    old: Option<Json<serde_json::Value>>,
    new: Option<Json<serde_json::Value>>,
}

/// The changes one event made to a record.
#[derive(SimpleObject)]
pub struct Revision {
    event: TraceStep,
    changes: Vec<FieldChange>,
}

/// How an audit trail is written.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::audit::export::TrailFormat")]
pub enum TrailFormat {
    Csv,
    /// One JSON object per line.
    JsonLines,
}

/// How "you said, we did" is written.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::audit::export::ReportFormat")]
pub enum YouSaidFormat {
    Csv,
    /// A page that reads well when printed.
    Html,
}

/// A file to save.
#[derive(SimpleObject)]
pub struct Download {
    filename: String,
    content_type: String,
    content: String,
    /// How many events or input items it holds.
    rows: u64,
}

impl From<export::Download> for Download {
    fn from(d: export::Download) -> Self {
        Self {
            filename: d.filename,
            content_type: d.content_type.to_owned(),
            content: d.content,
            rows: d.rows,
        }
    }
}

/// Exports for auditors and officers.
#[derive(Default)]
pub struct ExportQueries;

#[Object]
impl ExportQueries {
    /// The audit trail of an organisation's records: every event recorded from `recordedFrom`
    /// (inclusive) to `recordedTo` (exclusive), one per line, exactly as stored with its
    /// position and hashes. For auditors and admins.
    #[graphql(complexity = "VERIFY_COST")]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        recorded_from: DateTime<Utc>,
        recorded_to: DateTime<Utc>,
        #[graphql(default_with = "TrailFormat::JsonLines")] format: TrailFormat,
    ) -> ApiResult<Download> {
        require_auditor(ctx)?;
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(not_found("organisation").into());
        }
        if recorded_from >= recorded_to {
            return Err(
                ApiError::Validation("recordedFrom: must be before recordedTo".into()).into(),
            );
        }
        let db = ledger(ctx).db().clone();
        let format = format.into();
        let file = heavy(ctx)
            .run(async move {
                export::audit_trail(&db, &code, (recorded_from, recorded_to), format).await
            })
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(file.into())
    }

    /// "You said, we did" for an organisation, or one of its activities: each input item, the
    /// decision, what was done, the outcome, and when people were told.
    async fn you_said_we_did(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        activity_id: Option<ID>,
        #[graphql(default_with = "YouSaidFormat::Html")] format: YouSaidFormat,
    ) -> ApiResult<Download> {
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(not_found("organisation").into());
        }
        let activity = activity_id
            .as_ref()
            .map(|id| parse_id("activityId", id))
            .transpose()?;
        let file = export::you_said_we_did(
            ledger(ctx).db(),
            &code,
            activity,
            super::context::today(),
            format.into(),
        )
        .await
        .map_err(|e| internal(ctx, e))?;
        Ok(file.into())
    }
}
