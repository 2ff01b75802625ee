//! The application service between the API and the domain: runs commands through cqrs-es with
//! metadata, idempotency and read-your-writes, and reports what they produced.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use cqrs_es::{Aggregate, AggregateError, CqrsFramework};

use crate::auth::Principal;
use crate::crypto::{KeyStore, ParticipantSealer};
use crate::domain::access::{AccessCommand, AccessPurpose, ParticipantAccess};
use crate::domain::action::Action;
use crate::domain::activity::Activity;
use crate::domain::appointment::Appointment;
use crate::domain::baseline::PopulationBaseline;
use crate::domain::board::Board;
use crate::domain::board_meeting::BoardMeeting;
use crate::domain::input_item::InputItem;
use crate::domain::organisation::Organisation;
use crate::domain::participant::{Participant, ParticipantCommand};
use crate::domain::services::Services;
use crate::domain::{Refusal, RefusalKind};
use crate::projections::ProjectorHandle;
use crate::store::{
    find_receipt, with_commit_capture, Committer, Db, LedgerStore, LogPosition, Sealer, StoreError,
    StoreLookups,
};

/// How long a mutation waits for the views to show its own effect.
const READ_YOUR_WRITES_WAIT: Duration = Duration::from_secs(10);

/// Who sent a command and why, written into every event's metadata.
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub principal: Principal,
    pub correlation_id: String,
    pub command: &'static str,
    pub idempotency_key: Option<String>,
    /// A hash of the request, so a key reused for a different request is refused.
    pub request_hash: String,
    /// The command creates a record under an id just made for it, so there is no stream to
    /// read first.
    pub new_record: bool,
}

/// What a command produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub aggregate_id: String,
    /// The log position of its last event (or of the first attempt, for a retry).
    pub position: LogPosition,
    /// True when an idempotency key matched an earlier request and nothing was appended.
    pub replayed: bool,
}

/// Why a command did not commit.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Refused by a business rule or a malformed field.
    #[error("{message}")]
    Refused { kind: RefusalKind, message: String },
    /// Another write to the same record won; retrying may succeed.
    #[error("the record was changed by another request; reload and retry")]
    Conflict,
    /// The idempotency key was first used for a different request.
    #[error("idempotency key was already used for a different request")]
    KeyReused,
    /// Committed, but the views did not show it within the wait; the record is safe, and
    /// reading it again (or retrying with the same idempotency key) answers once they do.
    #[error(
        "recorded at log position {}:{}, but the views have not shown it yet; read it again \
         shortly, or retry with the same idempotency key",
        position.tx,
        position.position
    )]
    Lagging { position: LogPosition },
    /// Storage failed; the detail is for the log only.
    #[error("internal failure")]
    Internal(#[source] anyhow::Error),
}

/// The command side of the ledger.
pub struct Ledger {
    db: Db,
    lookups: StoreLookups,
    projector: ProjectorHandle,
    organisations: CqrsFramework<Organisation, LedgerStore<Organisation>>,
    activities: CqrsFramework<Activity, LedgerStore<Activity>>,
    input_items: CqrsFramework<InputItem, LedgerStore<InputItem>>,
    actions: CqrsFramework<Action, LedgerStore<Action>>,
    participants: CqrsFramework<Participant, LedgerStore<Participant>>,
    access: CqrsFramework<ParticipantAccess, LedgerStore<ParticipantAccess>>,
    boards: CqrsFramework<Board, LedgerStore<Board>>,
    appointments: CqrsFramework<Appointment, LedgerStore<Appointment>>,
    meetings: CqrsFramework<BoardMeeting, LedgerStore<BoardMeeting>>,
    baselines: CqrsFramework<PopulationBaseline, LedgerStore<PopulationBaseline>>,
    keys: KeyStore,
    sealer: Arc<dyn Sealer>,
}

fn framework<A: Aggregate<Services = Services>>(
    store: LedgerStore<A>,
    committer: &Arc<Committer>,
    services: &Services,
) -> CqrsFramework<A, LedgerStore<A>> {
    // No in-process queries: read models are built from the log by the projector.
    let store = store
        .committing_through(committer.clone())
        .trusting_held_state();
    CqrsFramework::new(store, vec![], services.clone())
}

impl Ledger {
    /// The ledger over `db`, waking `projector` after each commit and sealing personal data
    /// with participants' keys from `keys`.
    pub fn new(db: Db, projector: ProjectorHandle, keys: KeyStore) -> Self {
        let lookups = StoreLookups::new(db.clone()).trusting(projector.seen());
        let services: Services = Arc::new(lookups.clone());
        let sealer: Arc<dyn Sealer> = Arc::new(ParticipantSealer::new(keys.clone()));
        // Every store commits through one committer, so concurrent commands share transactions.
        let committer = Committer::start(db.clone(), projector.replica());
        let c = &committer;
        // Commands share the lookups' held states: what a command commits, the next lookup
        // of that stream reads without a round trip.
        let (organisations, activities, input_items, actions) = lookups.stores();
        Self {
            organisations: framework(organisations, c, &services),
            activities: framework(activities, c, &services),
            input_items: framework(input_items, c, &services),
            actions: framework(actions, c, &services),
            participants: CqrsFramework::new(
                LedgerStore::with_sealer(db.clone(), sealer.clone())
                    .committing_through(committer.clone()),
                vec![],
                services.clone(),
            ),
            access: framework(LedgerStore::new(db.clone()), c, &services),
            boards: framework(LedgerStore::new(db.clone()), c, &services),
            appointments: framework(LedgerStore::new(db.clone()), c, &services),
            meetings: framework(LedgerStore::new(db.clone()), c, &services),
            baselines: framework(LedgerStore::new(db.clone()), c, &services),
            db,
            lookups,
            projector,
            keys,
            sealer,
        }
    }

    /// Runs a participant command. Erasure also destroys the participant's key once the erasure
    /// is in the log (and start-up destroys it again, should that step have been cut short).
    pub async fn participant(
        &self,
        id: &str,
        command: <Participant as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        let erasing = matches!(command, ParticipantCommand::Erase { .. });
        let done = self.execute(&self.participants, id, command, ctx).await?;
        if erasing {
            self.keys.destroy(id).await.map_err(LedgerError::Internal)?;
            tracing::info!(correlation_id = %ctx.correlation_id, participant.id = id, "participant erased; key destroyed");
        }
        Ok(done)
    }

    /// Loads a participant with their details opened (or erased) through their key.
    pub async fn load_participant(&self, id: &str) -> Result<Participant, LedgerError> {
        let context = LedgerStore::<Participant>::with_sealer(self.db.clone(), self.sealer.clone())
            .load(id)
            .await
            .map_err(|e| LedgerError::Internal(e.into()))?;
        Ok(context.into_state())
    }

    /// Records that the caller read a participant's contact details.
    pub async fn record_contact_read(
        &self,
        participant_id: uuid::Uuid,
        purpose: AccessPurpose,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        let command = AccessCommand::RecordContactRead {
            participant_id,
            purpose,
        };
        // Reads may race; retry a conflict, as every read must be recorded.
        let mut attempts = 0;
        loop {
            match self
                .execute(
                    &self.access,
                    &participant_id.to_string(),
                    command.clone(),
                    ctx,
                )
                .await
            {
                Err(LedgerError::Conflict) if attempts < 5 => attempts += 1,
                other => return other,
            }
        }
    }

    /// The database, for reads.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Cross-aggregate lookups over the log.
    pub fn lookups(&self) -> &StoreLookups {
        &self.lookups
    }

    /// The projector handle.
    pub fn projector(&self) -> &ProjectorHandle {
        &self.projector
    }

    /// Runs an organisation command.
    pub async fn organisation(
        &self,
        id: &str,
        command: <Organisation as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.organisations, id, command, ctx).await
    }

    /// Runs an activity command.
    pub async fn activity(
        &self,
        id: &str,
        command: <Activity as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.activities, id, command, ctx).await
    }

    /// Runs an input item command.
    pub async fn input_item(
        &self,
        id: &str,
        command: <InputItem as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.input_items, id, command, ctx).await
    }

    /// Runs an action command.
    pub async fn action(
        &self,
        id: &str,
        command: <Action as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.actions, id, command, ctx).await
    }

    /// Runs a board command.
    pub async fn board(
        &self,
        id: &str,
        command: <Board as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.boards, id, command, ctx).await
    }

    /// Runs an appointment command.
    pub async fn appointment(
        &self,
        id: &str,
        command: <Appointment as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.appointments, id, command, ctx).await
    }

    /// Runs a board meeting command.
    pub async fn board_meeting(
        &self,
        id: &str,
        command: <BoardMeeting as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.meetings, id, command, ctx).await
    }

    /// Runs a population baseline command (the aggregate id is the organisation's ODS code).
    pub async fn baseline(
        &self,
        id: &str,
        command: <PopulationBaseline as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        self.execute(&self.baselines, id, command, ctx).await
    }

    /// The organisation's population baseline, read from its stream.
    pub async fn load_baseline(
        &self,
        organisation: &str,
    ) -> Result<PopulationBaseline, LedgerError> {
        load_baseline(&self.db, organisation)
            .await
            .map_err(|e| LedgerError::Internal(e.into()))
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

    async fn execute<A>(
        &self,
        framework: &CqrsFramework<A, LedgerStore<A>>,
        id: &str,
        command: A::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError>
    where
        A: Aggregate,
        A::Command: Clone,
        A::Error: Refusal,
    {
        if let Some(done) = self.replay(ctx).await? {
            return self.shown(done, ctx).await;
        }
        let (result, captured) = with_commit_capture(
            ctx.new_record,
            framework.execute_with_metadata(id, command.clone(), metadata(ctx)),
        )
        .await;
        // A command decided on a held state that was behind the log (another replica wrote),
        // or on an empty one for a stream that exists after all, is refused by the log, or by
        // a rule that a fresh state would pass: the state is no longer held, so running it
        // again reads the log and gives the true answer.
        let (result, captured) = match result {
            Err(AggregateError::UserError(_) | AggregateError::AggregateConflict)
                if captured.held_unread =>
            {
                with_commit_capture(
                    false,
                    framework.execute_with_metadata(id, command, metadata(ctx)),
                )
                .await
            }
            other => (other, captured),
        };
        match result {
            Ok(()) => {
                let position = captured
                    .commit
                    .map_or_else(|| self.projector.position(), |c| c.last);
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
            Err(AggregateError::UserError(refusal)) => Err(LedgerError::Refused {
                kind: refusal.kind(),
                message: refusal.to_string(),
            }),
            Err(AggregateError::AggregateConflict) => Err(LedgerError::Conflict),
            Err(AggregateError::UnexpectedError(e))
                if matches!(
                    e.downcast_ref::<StoreError>(),
                    Some(StoreError::DuplicateIdempotencyKey)
                ) =>
            {
                // A concurrent twin with the same key committed first: answer with its result.
                match self.replay(ctx).await? {
                    Some(done) => self.shown(done, ctx).await,
                    None => Err(LedgerError::Conflict),
                }
            }
            Err(other) => Err(LedgerError::Internal(anyhow::anyhow!("{other}"))),
        }
    }
}

fn metadata(ctx: &CommandContext) -> HashMap<String, String> {
    use crate::store::keys;
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
    m
}

/// An organisation's population baseline, read from its stream (empty when none was uploaded).
pub async fn load_baseline(
    db: &Db,
    organisation: &str,
) -> Result<PopulationBaseline, crate::store::StoreError> {
    let context = LedgerStore::<PopulationBaseline>::new(db.clone())
        .load(organisation)
        .await?;
    Ok(context.into_state())
}
