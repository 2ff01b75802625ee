//! The peer: the same command mix through cqrs-es with postgres-es or sqlite-es directly, on our
//! aggregates, with no HTTP, no tokens, no projections and lookups answered from memory. Its
//! pool is set up as ours is (no check of a connection before each use). The long aggregate is
//! timed twice on the peer: with cqrs-es's event store, which replays every event for each
//! command, and with its aggregate store, which keeps the aggregate's state beside the events.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::NaiveDate;
use cqrs_es::persist::{PersistedEventRepository, PersistedEventStore};
use cqrs_es::{Aggregate, CqrsFramework};
use partnership_ledger::domain::action::{Action, ActionCommand};
use partnership_ledger::domain::activity::{Activity, ActivityCommand};
use partnership_ledger::domain::common::{
    AccessibleFormat, ActivityKind, Attendance, DecisionOutcome, InputKind, OdsCode, RaisedBy,
};
use partnership_ledger::domain::input_item::{InputItem, InputItemCommand};
use partnership_ledger::domain::services::{
    ActivityFacts, AppointmentFacts, BoardFacts, InputItemFacts, LookupFailed, Lookups,
    OrganisationFacts, ParticipantFacts, Services,
};
use tokio::sync::Mutex as AsyncMutex;
use uuid::Uuid;

use crate::mix::ORG;
use crate::stats::{closed_loop, quantile, Load};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

/// What the aggregates ask about other records, answered from what the peer itself wrote.
#[derive(Default)]
struct Memory {
    activities: Mutex<HashMap<Uuid, ActivityFacts>>,
    items: Mutex<HashMap<Uuid, InputItemFacts>>,
}

#[async_trait]
impl Lookups for Memory {
    fn today(&self) -> NaiveDate {
        chrono::Utc::now().date_naive()
    }
    async fn organisation(
        &self,
        code: &OdsCode,
    ) -> Result<Option<OrganisationFacts>, LookupFailed> {
        Ok((code.as_str() == ORG).then(|| OrganisationFacts {
            ods_code: code.clone(),
            kind: partnership_ledger::domain::common::OrganisationKind::NhsTrust,
            response_window_days: 60,
        }))
    }
    async fn activity(&self, id: Uuid) -> Result<Option<ActivityFacts>, LookupFailed> {
        Ok(self.activities.lock().expect("lock").get(&id).cloned())
    }
    async fn input_item(&self, id: Uuid) -> Result<Option<InputItemFacts>, LookupFailed> {
        Ok(self.items.lock().expect("lock").get(&id).cloned())
    }
    async fn board(&self, _: Uuid) -> Result<Option<BoardFacts>, LookupFailed> {
        Ok(None)
    }
    async fn participant(&self, _: Uuid) -> Result<Option<ParticipantFacts>, LookupFailed> {
        Ok(None)
    }
    async fn appointment(&self, _: Uuid) -> Result<Option<AppointmentFacts>, LookupFailed> {
        Ok(None)
    }
    async fn appointments_of(
        &self,
        _: Uuid,
        _: Uuid,
    ) -> Result<Vec<AppointmentFacts>, LookupFailed> {
        Ok(Vec::new())
    }
    async fn action_exists(&self, _: Uuid) -> Result<bool, LookupFailed> {
        Ok(false)
    }
}

type Framework<A, R> = CqrsFramework<A, PersistedEventStore<R, A>>;

/// The peer's frameworks over one repository kind.
pub struct Peer<R: PersistedEventRepository> {
    memory: Arc<Memory>,
    activities: Framework<Activity, R>,
    items: Framework<InputItem, R>,
    actions: Framework<Action, R>,
    /// Actions loaded from their stored state (cqrs-es's aggregate store), not replayed.
    kept_actions: Framework<Action, R>,
}

/// How the peer loads the long aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// Every event replayed for each command (cqrs-es's event store).
    Replayed,
    /// The aggregate's stored state (cqrs-es's aggregate store).
    Kept,
}

fn kept_framework<A: Aggregate<Services = Services>, R: PersistedEventRepository>(
    repo: R,
    services: &Services,
) -> Framework<A, R> {
    CqrsFramework::new(
        PersistedEventStore::new_aggregate_store(repo),
        vec![],
        services.clone(),
    )
}

fn framework<A: Aggregate<Services = Services>, R: PersistedEventRepository>(
    repo: R,
    services: &Services,
) -> Framework<A, R> {
    CqrsFramework::new(
        PersistedEventStore::new_event_store(repo),
        vec![],
        services.clone(),
    )
}

impl<R: PersistedEventRepository + 'static> Peer<R> {
    /// Frameworks over repositories `repo` makes (one each, sharing a pool).
    fn new(repo: impl Fn() -> R) -> Self {
        let memory = Arc::new(Memory::default());
        let services: Services = memory.clone();
        Self {
            activities: framework(repo(), &services),
            items: framework(repo(), &services),
            actions: framework(repo(), &services),
            kept_actions: kept_framework(repo(), &services),
            memory,
        }
    }

    async fn plan(&self, title: String) -> anyhow::Result<Uuid> {
        let id = Uuid::now_v7();
        self.activities
            .execute(
                &id.to_string(),
                ActivityCommand::Plan {
                    activity_id: id,
                    kind: ActivityKind::FocusGroup,
                    title,
                    topic: "Outpatients".into(),
                    lead_organisation: ORG.into(),
                    partner_organisations: vec![],
                    principles: vec![],
                    planned_on: day("2026-06-01"),
                },
            )
            .await?;
        self.memory.activities.lock().expect("lock").insert(
            id,
            ActivityFacts {
                id,
                lead_organisation: OdsCode::parse("lead", ORG)?,
                partner_organisations: vec![],
                planned_on: day("2026-06-01"),
                cancelled: false,
            },
        );
        Ok(id)
    }

    async fn record_item(&self, activity: Uuid) -> anyhow::Result<Uuid> {
        let id = Uuid::now_v7();
        self.items
            .execute(
                &id.to_string(),
                InputItemCommand::Record {
                    input_item_id: id,
                    activity_id: activity,
                    kind: InputKind::Recommendation,
                    summary: "Offer evening appointments".into(),
                    themes: vec!["access".into()],
                    raised_by: RaisedBy::Patient,
                    raised_on: day("2026-06-01"),
                },
            )
            .await?;
        self.memory.items.lock().expect("lock").insert(
            id,
            InputItemFacts {
                id,
                organisation: OdsCode::parse("organisation", ORG)?,
                referred_to: None,
                raised_on: day("2026-06-01"),
                withdrawn: false,
            },
        );
        Ok(id)
    }

    /// The mix at `clients` concurrent writers for `length`.
    pub async fn load(self: &Arc<Self>, clients: usize, length: Duration) -> Load {
        let cursors: Arc<Vec<AsyncMutex<Uuid>>> =
            Arc::new((0..clients).map(|_| AsyncMutex::new(Uuid::nil())).collect());
        let peer = self.clone();
        closed_loop(clients, length, move |c, i| {
            let (peer, cursors) = (peer.clone(), cursors.clone());
            async move {
                let mut activity = cursors[c].lock().await;
                let id = activity.to_string();
                match i % 4 {
                    0 => *activity = peer.plan(format!("Benchmark {c}/{i}")).await?,
                    1 => {
                        peer.activities
                            .execute(
                                &id,
                                ActivityCommand::RecordInformationPublished {
                                    published_on: day("2026-05-20"),
                                    accessible_formats: vec![AccessibleFormat::EasyRead],
                                },
                            )
                            .await?
                    }
                    2 => {
                        peer.activities
                            .execute(
                                &id,
                                ActivityCommand::RecordHeld {
                                    held_on: day("2026-06-01"),
                                    attendance: Attendance {
                                        patients: 9,
                                        carers: 2,
                                        public: 1,
                                        staff: 2,
                                    },
                                    demographics: Default::default(),
                                    before_planned_date: false,
                                },
                            )
                            .await?
                    }
                    _ => {
                        peer.record_item(*activity).await?;
                    }
                }
                anyhow::Ok(())
            }
        })
        .await
    }

    /// Builds an action with `events` progress notes, then times `samples` more, the action
    /// loaded as `loading` says.
    pub async fn long_stream(
        &self,
        events: usize,
        samples: usize,
        loading: Loading,
    ) -> anyhow::Result<(Duration, Duration)> {
        let actions = match loading {
            Loading::Replayed => &self.actions,
            Loading::Kept => &self.kept_actions,
        };
        let activity = self.plan("Long stream".into()).await?;
        let item = self.record_item(activity).await?;
        self.items
            .execute(
                &item.to_string(),
                InputItemCommand::Decide {
                    outcome: DecisionOutcome::Accepted,
                    reason: String::new(),
                    referred_to: None,
                    decided_on: day("2026-06-02"),
                    decided_by: ORG.into(),
                },
            )
            .await?;
        let action = Uuid::now_v7();
        let id = action.to_string();
        actions
            .execute(
                &id,
                ActionCommand::Propose {
                    action_id: action,
                    title: "Keep a long record".into(),
                    owner_organisation: ORG.into(),
                    owner_role: "Lead".into(),
                    decision_forum: "Board".into(),
                    due_on: day("2027-06-01"),
                    input_items: vec![item],
                    proposed_on: day("2026-06-02"),
                },
            )
            .await?;
        actions
            .execute(
                &id,
                ActionCommand::Agree {
                    agreed_on: day("2026-06-02"),
                },
            )
            .await?;
        let note = |n: usize| ActionCommand::RecordProgress {
            recorded_on: day("2026-06-03"),
            note: format!("Note {n}"),
        };
        for n in 0..events.saturating_sub(1) {
            actions.execute(&id, note(n)).await?;
        }
        let mut times = Vec::with_capacity(samples);
        for n in 0..samples {
            let sent = Instant::now();
            actions.execute(&id, note(events + n)).await?;
            times.push(sent.elapsed());
        }
        times.sort();
        Ok((quantile(&times, 0.5), quantile(&times, 0.99)))
    }
}

/// The peer on a fresh PostgreSQL database at `url`, with postgres-es's own table.
pub async fn postgres(
    url: &str,
) -> anyhow::Result<Arc<Peer<postgres_es::PostgresEventRepository>>> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .test_before_acquire(false)
        .connect(url)
        .await?;
    sqlx::raw_sql(
        "CREATE TABLE events (aggregate_type text NOT NULL, aggregate_id text NOT NULL, \
         sequence bigint CHECK (sequence >= 0) NOT NULL, event_type text NOT NULL, \
         event_version text NOT NULL, payload json NOT NULL, metadata json NOT NULL, \
         PRIMARY KEY (aggregate_type, aggregate_id, sequence)); \
         CREATE TABLE snapshots (aggregate_type text NOT NULL, aggregate_id text NOT NULL, \
         last_sequence bigint CHECK (last_sequence >= 0) NOT NULL, \
         current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL, payload json NOT NULL, \
         PRIMARY KEY (aggregate_type, aggregate_id, last_sequence))",
    )
    .execute(&pool)
    .await?;
    Ok(Arc::new(Peer::new(move || {
        postgres_es::PostgresEventRepository::new(pool.clone())
    })))
}

/// The peer on a fresh SQLite file in `dir`, as durable as ours (WAL, synchronous FULL).
pub async fn sqlite(dir: &Path) -> anyhow::Result<Arc<Peer<sqlite_es::SqliteEventRepository>>> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!(
        "sqlite://{}",
        dir.join("peer.sqlite3").display()
    ))?
    .create_if_missing(true)
    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
    .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
    .busy_timeout(Duration::from_secs(10));
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    sqlx::raw_sql(
        "CREATE TABLE events (aggregate_type text NOT NULL, aggregate_id text NOT NULL, \
         sequence integer CHECK (sequence >= 0) NOT NULL, event_type text NOT NULL, \
         event_version text NOT NULL, payload text NOT NULL, metadata text NOT NULL, \
         PRIMARY KEY (aggregate_type, aggregate_id, sequence)) STRICT; \
         CREATE TABLE snapshots (aggregate_type text NOT NULL, aggregate_id text NOT NULL, \
         last_sequence integer CHECK (last_sequence >= 0) NOT NULL, \
         current_snapshot integer CHECK (current_snapshot >= 0) NOT NULL, payload text NOT NULL, \
         PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)) STRICT",
    )
    .execute(&pool)
    .await?;
    Ok(Arc::new(Peer::new(move || {
        sqlite_es::SqliteEventRepository::new(pool.clone())
    })))
}
