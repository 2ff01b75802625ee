//! Running one command: answer a retried request from its receipt, else load the stream, let
//! the aggregate decide, append what it decided, and wait for the views to show it.
//!
//! The middle steps are cqrs-es's `CqrsFramework::execute_with_metadata` (load, `handle` with
//! an `EventSink`, collect, commit; no in-process queries are registered, the views being built
//! from the log), run here so that the store is told what cqrs-es cannot tell it (the command
//! creates a new record) and answers what cqrs-es cannot return (where the commit landed, and
//! whether the state was decided on unread).

use std::collections::HashMap;
use std::time::Duration;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use tracing::Instrument as _;

use super::{CommandContext, Committed, Ledger, LedgerError};
use crate::domain::services::Services;
use crate::domain::Refusal;
use crate::store::{find_receipt, keys, CommitInfo, LedgerStore, StoreError};
use crate::telemetry::metrics::COMMANDS;

/// How long a mutation waits for the views to show its own effect.
const READ_YOUR_WRITES_WAIT: Duration = Duration::from_secs(10);

/// Why one attempt at a command did not commit.
enum Failed<E> {
    /// A business rule refused it.
    Refused(E),
    /// The store refused it (a conflict on the stream among others) or failed.
    Store(StoreError),
}

/// One attempt at `command` on stream `id`: load (with `new_record`, the empty state without a
/// read), decide, append. Answers with the commit (none when the command decided nothing) and
/// whether the state was decided on unread (see [`crate::store::LedgerContext::held_unread`]).
async fn attempt<A: Aggregate>(
    store: &LedgerStore<A>,
    services: &A::Services,
    id: &str,
    command: A::Command,
    metadata: HashMap<String, String>,
    new_record: bool,
) -> (Result<Option<CommitInfo>, Failed<A::Error>>, bool) {
    let mut context = match store.load_for_command(id, new_record).await {
        Ok(context) => context,
        Err(error) => return (Err(Failed::Store(error)), false),
    };
    let held_unread = context.held_unread();
    // The sink applies each event to the state as the aggregate writes it.
    let sink = EventSink::default();
    if let Err(refusal) = context.state_mut().handle(command, services, &sink).await {
        // The state, part-changed, is dropped: the next load reads the log.
        return (Err(Failed::Refused(refusal)), held_unread);
    }
    let events = sink.collect().await;
    let committed = store.commit_command(events, context, metadata).await;
    (committed.map_err(Failed::Store), held_unread)
}

impl Ledger {
    /// Runs `command` on stream `id` of `store` for the request `ctx`, answering once the views
    /// show its effect; counted in the metrics by command and outcome.
    pub(super) async fn execute<A>(
        &self,
        store: &LedgerStore<A>,
        id: &str,
        command: A::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError>
    where
        A: Aggregate<Services = Services>,
        A::Command: Clone,
        A::Error: Refusal,
    {
        // One span per command, for traces: its name and outcome, never the record's id or text.
        let span = tracing::info_span!(
            "command",
            otel.name = ctx.command,
            command = ctx.command,
            outcome = tracing::field::Empty,
        );
        let result = self
            .run(store, id, command, ctx)
            .instrument(span.clone())
            .await;
        let outcome = match &result {
            Ok(done) if done.replayed => "replayed",
            Ok(_) => "recorded",
            Err(LedgerError::Refused { .. } | LedgerError::KeyReused) => "refused",
            Err(LedgerError::Conflict) => "conflict",
            Err(LedgerError::Lagging { .. }) => "lagging",
            Err(LedgerError::Internal(_)) => "failed",
        };
        span.record("outcome", outcome);
        metrics::counter!(COMMANDS, "command" => ctx.command, "outcome" => outcome).increment(1);
        result
    }

    async fn run<A>(
        &self,
        store: &LedgerStore<A>,
        id: &str,
        command: A::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError>
    where
        A: Aggregate<Services = Services>,
        A::Command: Clone,
        A::Error: Refusal,
    {
        if let Some(done) = self.replay(ctx).await? {
            return self.shown(done, ctx).await;
        }
        let services = &self.services;
        let (result, held_unread) = attempt(
            store,
            services,
            id,
            command.clone(),
            metadata(ctx),
            ctx.new_record,
        )
        .await;
        // A command decided on a held state that was behind the log (another replica wrote),
        // or on an empty one for a stream that exists after all, is refused by the log, or by
        // a rule that a fresh state would pass: the state is no longer held, so running it
        // again reads the log and gives the true answer.
        let result = match result {
            Err(Failed::Refused(_) | Failed::Store(StoreError::Conflict)) if held_unread => {
                attempt(store, services, id, command, metadata(ctx), false)
                    .await
                    .0
            }
            other => other,
        };
        match result {
            Ok(commit) => {
                let position = commit.map_or_else(|| self.projector.position(), |c| c.last);
                // One line per mutation is noise at `info` (a seed of one system writes ~900):
                // the log of events is the record; this is for following a request.
                tracing::debug!(
                    command = ctx.command,
                    correlation_id = %ctx.correlation_id,
                    aggregate.id = id,
                    log.position = position.position,
                    "command committed"
                );
                self.shown(
                    Committed {
                        aggregate_id: id.to_owned(),
                        position,
                        replayed: false,
                    },
                    ctx,
                )
                .await
            }
            Err(Failed::Refused(refusal)) => Err(LedgerError::Refused {
                kind: refusal.kind(),
                message: refusal.to_string(),
            }),
            Err(Failed::Store(StoreError::Conflict)) => Err(LedgerError::Conflict),
            Err(Failed::Store(StoreError::DuplicateIdempotencyKey)) => {
                // A concurrent twin with the same key committed first: answer with its result.
                match self.replay(ctx).await? {
                    Some(done) => self.shown(done, ctx).await,
                    None => Err(LedgerError::Conflict),
                }
            }
            Err(Failed::Store(other)) => Err(LedgerError::Internal(other.into())),
        }
    }

    /// Answers a retried request from its receipt, if its key was seen before.
    async fn replay(&self, ctx: &CommandContext) -> Result<Option<Committed>, LedgerError> {
        let Some(key) = &ctx.idempotency_key else {
            return Ok(None);
        };
        let receipt = find_receipt(&self.db, &ctx.principal.subject, key)
            .await
            .map_err(|e| LedgerError::Internal(e.into()))?;
        match receipt {
            None => Ok(None),
            Some(r) if r.request_hash != ctx.request_hash => Err(LedgerError::KeyReused),
            Some(r) => Ok(Some(Committed {
                aggregate_id: r.aggregate_id,
                position: r.last,
                replayed: true,
            })),
        }
    }

    /// `done`, once the views show it; `Lagging` if they do not within the wait.
    async fn shown(&self, done: Committed, ctx: &CommandContext) -> Result<Committed, LedgerError> {
        if self
            .projector
            .wait_for(done.position, READ_YOUR_WRITES_WAIT)
            .instrument(tracing::info_span!("views wait"))
            .await
        {
            Ok(done)
        } else {
            tracing::warn!(
                command = ctx.command,
                correlation_id = %ctx.correlation_id,
                log.position = done.position.position,
                "committed, but the views did not catch up in time"
            );
            Err(LedgerError::Lagging {
                position: done.position,
            })
        }
    }
}

/// The metadata written into every event of the request `ctx`, with the idempotency key and
/// request hash the store takes out for the receipt.
fn metadata(ctx: &CommandContext) -> HashMap<String, String> {
    let mut m = HashMap::from([
        (
            keys::ACTOR_SUBJECT.to_owned(),
            ctx.principal.subject.clone(),
        ),
        (
            "actor.organisations".to_owned(),
            ctx.principal.organisations.join(","),
        ),
        ("actor.role".to_owned(), ctx.principal.role.to_string()),
        ("correlation_id".to_owned(), ctx.correlation_id.clone()),
        ("causation_id".to_owned(), ctx.correlation_id.clone()),
        ("command".to_owned(), ctx.command.to_owned()),
    ]);
    if let Some(key) = &ctx.idempotency_key {
        m.insert(keys::IDEMPOTENCY_KEY.to_owned(), key.clone());
        m.insert(keys::REQUEST_HASH.to_owned(), ctx.request_hash.clone());
    }
    if let Some(origin) = &ctx.origin {
        m.insert("import.file_sha256".to_owned(), origin.file_sha256.clone());
        m.insert("import.row".to_owned(), origin.row.clone());
        m.insert("import.by".to_owned(), origin.by.clone());
    }
    m
}
