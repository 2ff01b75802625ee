//! The application service between the API and the domain: runs commands (load the stream,
//! let the aggregate decide, append what it decided) with metadata, idempotency and
//! read-your-writes, reports what they produced, and answers the lookups rules and the API's
//! access checks need.
//!
//! - `command`: running one command, from idempotency replay to the views showing it.
//! - `lookups`: what rules may ask of other records ([`LedgerLookups`]).

mod command;
mod lookups;

use std::sync::Arc;

use cqrs_es::Aggregate;

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
use crate::domain::RefusalKind;
use crate::projections::reads::ReadServers;
use crate::projections::{Projected, ProjectorHandle};
use crate::store::{Committer, Db, LedgerStore, LogPosition, Sealer};

pub use lookups::LedgerLookups;

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
    /// Where the command came from when it was not typed in: an imported file and row.
    pub origin: Option<Origin>,
}

/// An imported row a command records: the file's SHA-256, the row (its sheet, number and
/// reference) and who brought the file in, written into the events' metadata so an auditor can
/// see where a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file_sha256: String,
    pub row: String,
    /// The subject who uploaded the file, or `command line` for the CLI's operator.
    pub by: String,
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
    lookups: LedgerLookups,
    /// What every aggregate may ask while it decides: the lookups, shared.
    services: Services,
    projector: ProjectorHandle,
    organisations: LedgerStore<Organisation>,
    activities: LedgerStore<Activity>,
    input_items: LedgerStore<InputItem>,
    actions: LedgerStore<Action>,
    participants: LedgerStore<Participant>,
    access: LedgerStore<ParticipantAccess>,
    boards: LedgerStore<Board>,
    appointments: LedgerStore<Appointment>,
    meetings: LedgerStore<BoardMeeting>,
    baselines: LedgerStore<PopulationBaseline>,
    keys: KeyStore,
    sealer: Arc<dyn Sealer>,
    /// Where queries read the views (see [`ReadServers`]).
    reads: ReadServers,
}

/// `store`, committing through `committer` and letting commands decide on its held states.
fn for_commands<A>(store: LedgerStore<A>, committer: &Arc<Committer>) -> LedgerStore<A> {
    store
        .committing_through(committer.clone())
        .trusting_held_state()
}

impl Ledger {
    /// The ledger over `db`, waking `projector` after each commit and sealing personal data
    /// with participants' keys from `keys`.
    pub fn new(db: Db, projector: ProjectorHandle, keys: KeyStore) -> Self {
        let caching = projector.caching();
        let lookups = LedgerLookups::new(db.clone(), caching).trusting(projector.seen());
        let services: Services = Arc::new(lookups.clone());
        let sealer: Arc<dyn Sealer> = Arc::new(ParticipantSealer::new(keys.clone()));
        // Every store commits through one committer, so concurrent commands share transactions.
        let committer = Committer::start(db.clone(), projector.replica());
        let c = &committer;
        // Commands share the lookups' held states: what a command commits, the next lookup
        // of that stream reads without a round trip.
        let (organisations, activities, input_items, actions) = lookups.stores();
        Self {
            organisations: for_commands(organisations, c),
            activities: for_commands(activities, c),
            input_items: for_commands(input_items, c),
            actions: for_commands(actions, c),
            // Sealed streams hold no state, so there is none to trust.
            participants: LedgerStore::with_sealer(db.clone(), sealer.clone())
                .committing_through(committer.clone()),
            access: for_commands(LedgerStore::new(db.clone(), caching), c),
            boards: for_commands(LedgerStore::new(db.clone(), caching), c),
            appointments: for_commands(LedgerStore::new(db.clone(), caching), c),
            meetings: for_commands(LedgerStore::new(db.clone(), caching), c),
            baselines: for_commands(LedgerStore::new(db.clone(), caching), c),
            reads: ReadServers::primary_only(db.clone()),
            db,
            lookups,
            services,
            projector,
            keys,
            sealer,
        }
    }

    /// The ledger reading its queries from `reads`.
    pub fn reading_from(mut self, reads: ReadServers) -> Self {
        self.reads = reads;
        self
    }

    /// Runs a participant command. Erasure also destroys the participant's key once the erasure
    /// is in the log (and start-up destroys it again, should that step have been cut short).
    pub async fn participant(
        &self,
        id: &str,
        command: <Participant as Aggregate>::Command,
        ctx: &CommandContext,
    ) -> Result<Committed, LedgerError> {
        let erasing = match &command {
            ParticipantCommand::Erase {
                reason,
                requested_on,
            } => id.parse().ok().map(|participant| crate::crypto::Erasure {
                participant,
                reason: *reason,
                requested_on: *requested_on,
            }),
            _ => None,
        };
        let done = self.execute(&self.participants, id, command, ctx).await?;
        if let Some(erasure) = erasing {
            self.keys.destroy(id).await.map_err(LedgerError::Internal)?;
            self.keys.note_erasure(erasure);
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

    /// The primary database: for writes, and reads that must see them.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The servers queries read the views from.
    pub fn reads(&self) -> &ReadServers {
        &self.reads
    }

    /// Cross-aggregate lookups over the log.
    pub fn lookups(&self) -> &LedgerLookups {
        &self.lookups
    }

    /// The projector handle.
    pub fn projector(&self) -> &ProjectorHandle {
        &self.projector
    }

    /// The record a command just changed (`done`) as the views show it, with the log position
    /// that created it, when this replica writes the views and holds it in memory; `None` when
    /// the caller is to read it from the views' tables.
    pub fn as_shown<T: Projected>(&self, done: &Committed) -> Option<(T, i64)> {
        self.projector.held::<T>(&done.aggregate_id, done.position)
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
}

/// An organisation's population baseline, read from its stream (empty when none was uploaded).
pub async fn load_baseline(
    db: &Db,
    organisation: &str,
) -> Result<PopulationBaseline, crate::store::StoreError> {
    let context = LedgerStore::<PopulationBaseline>::new(db.clone(), crate::cache::Caching::Off)
        .load(organisation)
        .await?;
    Ok(context.into_state())
}
