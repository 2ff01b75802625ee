//! The projector task: the lease that makes one replica run it, and the loop that follows the
//! log batch by batch (or, on a replica without the lease, follows the one that has it).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::Row;
use tokio::sync::{mpsc, oneshot, watch, Notify};
use tracing::Instrument as _;

use super::batch::{apply_events, load_docs, missing_docs, rows_of, BATCH};
use super::rebuild::rebuild;
use super::tallies::TallyFollower;
use super::ProjectorHandle;
use super::{Docs, HeldDocs, Records};
use crate::cache::{Caching, SeenVersions};
use crate::projections::kept::{changes_of, Kept};
use crate::projections::log::{read_view_events_after, ViewEvent};
use crate::projections::status::{status, PROJECTOR_NAME};
use crate::projections::tally;
use crate::projections::write;
use crate::store::{stream_key, Db, LogPosition, LOG_CHANNEL};
use crate::telemetry::metrics::{PROJECTOR_BATCH, PROJECTOR_RUNNING};

const POLL: Duration = Duration::from_millis(500);
/// How long a rebuild asked of a replica not running the projector waits for the lease.
const LEASE_WAIT: Duration = Duration::from_secs(2);
/// How often the replica running the projector checks that it still holds the lease.
const LEASE_CHECK: Duration = Duration::from_secs(1);
/// How often the replica running the projector logs its position and lag.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// The projector task's state.
pub struct Projector {
    db: Db,
    checkpoint: LogPosition,
    wake: Arc<Notify>,
    position: watch::Sender<LogPosition>,
    /// Where the tallies stand, for their readers.
    tallies: watch::Sender<LogPosition>,
    leading: watch::Sender<bool>,
    rebuild: mpsc::Receiver<oneshot::Sender<anyhow::Result<u64>>>,
    /// On PostgreSQL, the session holding the advisory lock that makes this replica the one
    /// running the projector; it is released when the session ends, however the process dies.
    lease: Option<sqlx::PgConnection>,
    lease_checked: Instant,
    /// Whether `checkpoint` is known to be the stored one (else it is read before projecting).
    checkpoint_known: bool,
    /// On PostgreSQL, notifications of new events (for the replica running the projector) and
    /// of moved views (for the others).
    listener: Option<sqlx::postgres::PgListener>,
    /// The documents this projector last wrote, while it is the only writer of its tables.
    held: Arc<HeldDocs>,
    /// Each stream's latest version as read, while this projector reads every event.
    seen: Arc<SeenVersions>,
    /// Answers of joined input items and public pages, let go as the batches written touch them.
    kept: Arc<Kept>,
    /// This replica's id (see [`ProjectorHandle::replica`]).
    replica: Arc<str>,
    /// The tallies' own task, while [`Projector::run`] drives the projector; a projector
    /// driven by hand (a report, an as-of replay, the command line) brings the tallies up to
    /// each batch itself.
    follower: Option<TallyFollower>,
}

/// The advisory lock key of the views projector: "PLVIEWS1".
const LEASE_KEY: i64 = 0x504C_5649_4557_5331;
/// Sent on PostgreSQL when the views move, delivered at commit.
const VIEWS_CHANNEL: &str = "pl_views";

async fn load_checkpoint(db: &Db, name: &str) -> anyhow::Result<LogPosition> {
    const SQL: &str = "SELECT last_tx, last_position FROM projector_checkpoints WHERE name = $1";
    let row = on_db!(db, pool => sqlx::query(SQL).bind(name).fetch_optional(pool).await
        .map(|r| r.map(|r| LogPosition { tx: r.get(0), position: r.get(1) })))
    .context("could not read the projector checkpoint")?;
    Ok(row.unwrap_or_default())
}

impl Projector {
    /// Prepares the projector from its stored checkpoint, keeping caches.
    pub async fn new(db: Db) -> anyhow::Result<(Self, ProjectorHandle)> {
        Self::with_caching(db, Caching::On).await
    }

    /// Prepares the projector from its stored checkpoint, keeping caches or not.
    pub async fn with_caching(db: Db, caching: Caching) -> anyhow::Result<(Self, ProjectorHandle)> {
        let checkpoint = load_checkpoint(&db, PROJECTOR_NAME).await?;
        let (position, position_rx) = watch::channel(checkpoint);
        let (tallies, tallies_rx) = watch::channel(checkpoint);
        let (leading, leading_rx) = watch::channel(false);
        let (rebuild_tx, rebuild) = mpsc::channel(4);
        let wake = Arc::new(Notify::new());
        let held = Arc::new(HeldDocs::new(caching));
        let seen = Arc::new(SeenVersions::new(caching));
        let kept = Arc::new(Kept::new(caching));
        let replica: Arc<str> = uuid::Uuid::new_v4().to_string().into();
        let handle = ProjectorHandle {
            wake: wake.clone(),
            position: position_rx,
            tallies: tallies_rx,
            leading: leading_rx,
            rebuild: rebuild_tx,
            held: held.clone(),
            seen: seen.clone(),
            kept: kept.clone(),
            replica: replica.clone(),
            caching,
        };
        Ok((
            Self {
                db,
                checkpoint,
                wake,
                position,
                leading,
                rebuild,
                lease: None,
                lease_checked: Instant::now(),
                checkpoint_known: false,
                listener: None,
                held,
                seen,
                kept,
                replica,
                tallies,
                follower: None,
            },
            handle,
        ))
    }

    /// Whether this replica runs the projector, trying for the lease for up to `wait`: a
    /// replica that has just stopped lets it go a moment after it goes.
    async fn lead_within(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            if self.lead().await {
                self.leading.send_replace(true);
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether this replica runs the projector: always on SQLite (one process); on PostgreSQL
    /// when it holds the lease, taking it if it is free.
    async fn lead(&mut self) -> bool {
        let Db::Postgres(pool) = &self.db else {
            return true;
        };
        if let Some(session) = &mut self.lease {
            // Checking the session each time round would cost a round trip per batch; a lost
            // lease found a second late is harmless, as each batch lands once (the checkpoint
            // moves only from where the batch started).
            if self.lease_checked.elapsed() < LEASE_CHECK {
                return true;
            }
            if sqlx::query("SELECT 1").execute(&mut *session).await.is_ok() {
                self.lease_checked = Instant::now();
                return true;
            }
            self.lease = None;
            self.held.clear();
            self.kept.clear();
            self.seen.stop_following();
            tracing::warn!(projector = PROJECTOR_NAME, "lost the projector lease");
        }
        let Ok(mut session) = pool.acquire().await.map(|c| c.detach()) else {
            return false;
        };
        let taken: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LEASE_KEY)
            .fetch_one(&mut session)
            .await;
        if matches!(taken, Ok(true)) {
            tracing::info!(
                projector = PROJECTOR_NAME,
                "this replica now runs the projector"
            );
            self.lease = Some(session);
            self.lease_checked = Instant::now();
            // Whoever ran the projector before may have moved the views on.
            self.checkpoint_known = false;
            true
        } else {
            false
        }
    }

    /// Follows the replica that runs the projector: the views' position is its checkpoint.
    async fn follow(&mut self) -> anyhow::Result<()> {
        self.checkpoint = load_checkpoint(&self.db, PROJECTOR_NAME).await?;
        // The tallies follow the views a moment later (while they are being made afresh,
        // their readers count item by item and need not wait).
        let tallies = tally::checkpoint(&self.db).await?;
        self.position.send_replace(self.checkpoint);
        self.tallies
            .send_replace(tallies.map_or(self.checkpoint, |t| t.min(self.checkpoint)));
        Ok(())
    }

    /// Waits for a notification from another replica (this one's own, which it has acted on
    /// already, are passed over); never, without a listener.
    async fn notified(listener: &mut Option<sqlx::postgres::PgListener>, replica: &str) {
        let Some(l) = listener else {
            return std::future::pending().await;
        };
        loop {
            match l.recv().await {
                Ok(notification) if notification.payload() == replica => continue,
                Ok(_) => return,
                Err(_) => {
                    // Reconnects on the next call; the poll keeps things moving meanwhile.
                    tokio::time::sleep(POLL).await;
                    return;
                }
            }
        }
    }

    async fn listen(&mut self) {
        if let (Db::Postgres(pool), None) = (&self.db, &self.listener) {
            match sqlx::postgres::PgListener::connect_with(pool).await {
                Ok(mut listener) => {
                    if listener
                        .listen_all([LOG_CHANNEL, VIEWS_CHANNEL])
                        .await
                        .is_ok()
                    {
                        self.listener = Some(listener);
                    }
                }
                Err(error) => tracing::warn!(
                    error = format!("{error:#}"),
                    "could not listen for other replicas; polling"
                ),
            }
        }
    }

    /// Follows the log until `shutdown` completes. Failures are logged and retried.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        self.follower = Some(TallyFollower::start(
            self.db.clone(),
            self.wake.clone(),
            self.checkpoint,
            self.tallies.clone(),
            self.leading.subscribe(),
        ));
        self.listen().await;
        let mut reported = Instant::now();
        loop {
            let leading = self.lead().await;
            self.leading
                .send_if_modified(|was| std::mem::replace(was, leading) != leading);
            metrics::gauge!(PROJECTOR_RUNNING).set(if leading { 1.0 } else { 0.0 });
            let step = if leading {
                self.catch_up().await.map(|_| ())
            } else {
                self.follow().await
            };
            if let Err(error) = step {
                tracing::error!(
                    projector = PROJECTOR_NAME,
                    error = format!("{error:#}"),
                    "projection failed; retrying"
                );
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            if leading && reported.elapsed() >= REPORT_EVERY {
                reported = Instant::now();
                if let Ok(s) = status(&self.db).await {
                    tracing::info!(
                        projector = PROJECTOR_NAME,
                        log.position = s.position.position,
                        lag_events = s.lag_events,
                        lag_seconds = s.lag_seconds,
                        "projection status"
                    );
                }
            }
            let listener = &mut self.listener;
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                () = Self::notified(listener, &self.replica) => {}
                () = tokio::time::sleep(POLL) => {}
                Some(reply) = self.rebuild.recv() => {
                    let answer = if leading || self.lead_within(LEASE_WAIT).await {
                        self.rebuild_now().await
                    } else {
                        Err(anyhow::anyhow!("another replica runs the projector; rebuild there"))
                    };
                    let _ = reply.send(answer);
                }
            }
        }
        // The tallies first follow the views as far as they went (the command line's import
        // leaves them complete on its way out), while this replica still leads.
        if let Some(follower) = self.follower.take() {
            follower.stop().await;
        }
        self.leading.send_replace(false);
        metrics::gauge!(PROJECTOR_RUNNING).set(0.0);
        self.seen.stop_following();
        tracing::info!(projector = PROJECTOR_NAME, "projector stopped");
    }

    /// Applies every event available after the checkpoint; answers with how many.
    pub async fn catch_up(&mut self) -> anyhow::Result<u64> {
        // The stored checkpoint is the truth: another process may have moved the views on
        // since this one last looked (a restart, or a previous owner of the projector). Once
        // read, this projector's own moves keep it known; a move made elsewhere makes the next
        // batch's write fail, and the checkpoint is read again then.
        if !self.checkpoint_known {
            self.forget();
            self.checkpoint = load_checkpoint(&self.db, PROJECTOR_NAME).await?;
            if self.follower.is_none() {
                // A crash can come between a batch's views and its tallies.
                tally::catch_up(&self.db, self.checkpoint, &|| ()).await?;
            }
            self.checkpoint_known = true;
            // The views are what the stored checkpoint says, whoever moved it (a rebuild's
            // switch-over, say).
            self.views_moved(self.checkpoint);
        }
        let mut applied = 0;
        loop {
            let started = Instant::now();
            let events = read_view_events_after(&self.db, self.checkpoint, BATCH)
                .await
                .context("could not read the log")?;
            let Some(last) = events.last().map(|e| e.at) else {
                return Ok(applied);
            };
            // Before anyone waiting on these events sees the views move.
            self.seen.saw(
                events
                    .iter()
                    .map(|e| (stream_key(&e.aggregate_type, &e.aggregate_id), e.sequence)),
            );
            let span = tracing::info_span!(
                "projector batch",
                events = events.len(),
                log.position = last.position
            );
            let written = async {
                let mut docs = self.apply_batch(&events).await?;
                let moved = self.write_batch(&mut docs, self.checkpoint, last).await?;
                anyhow::Ok(moved.then_some(docs))
            }
            .instrument(span)
            .await;
            let written = written.inspect_err(|_| {
                // What the tables hold is not known for sure: read them again.
                self.held.clear();
                self.kept.clear();
                self.checkpoint_known = false;
            })?;
            let Some(docs) = written else {
                self.forget();
                // Another process moved the views on while this batch was being applied; its
                // work stands and this batch is dropped, then read again from the new checkpoint.
                tracing::debug!(
                    projector = PROJECTOR_NAME,
                    "views moved on elsewhere; re-reading"
                );
                self.checkpoint = load_checkpoint(&self.db, PROJECTOR_NAME).await?;
                self.views_moved(self.checkpoint);
                continue;
            };
            // Let go of the answers the batch changed, and hold its documents, before the views
            // move: a mutation waiting on this batch then finds its record, and a dashboard
            // read after it does not find an answer from before it.
            self.kept.written(changes_of(docs.values().map(|(d, _)| d)));
            self.held.put(docs, last);
            let from = std::mem::replace(&mut self.checkpoint, last);
            // The tallies follow the views: in their own task, or here before the views are
            // said to have moved.
            if self.follower.is_none() {
                if let Err(error) = tally::follow(&self.db, from, &events, last).await {
                    self.checkpoint_known = false;
                    return Err(error.context("could not bring the tallies up to the views"));
                }
            }
            self.views_moved(last);
            applied += events.len() as u64;
            metrics::histogram!(PROJECTOR_BATCH).record(events.len() as f64);
            let short = events.len() < BATCH as usize;
            tracing::debug!(
                projector = PROJECTOR_NAME,
                events = events.len(),
                log.position = last.position,
                duration_ms = started.elapsed().as_millis() as u64,
                "views updated"
            );
            if short {
                // That was all there was; what commits next wakes the projector again.
                return Ok(applied);
            }
        }
    }

    /// The views now stand at `at`: said to whoever waits on them, and to the tallies' task
    /// when it runs (else the tallies stand there too).
    fn views_moved(&self, at: LogPosition) {
        self.position.send_replace(at);
        match &self.follower {
            Some(follower) => follower.views_moved(at),
            None => {
                self.tallies.send_replace(at);
            }
        }
    }

    /// Lets go of what this projector knew of the tables and the log: another process may have
    /// written the views (and so read events this one never will).
    fn forget(&self) {
        self.held.clear();
        self.kept.clear();
        // Versions are noted only by a projector that `run` drives as the leader, not by one
        // driven by hand (a report, an as-of replay).
        if *self.leading.borrow() {
            self.seen.start_following();
        }
    }

    async fn rebuild_now(&mut self) -> anyhow::Result<u64> {
        let rebuilt = rebuild(&self.db).await;
        // New tables, or perhaps so: the next catch-up reads the checkpoint again and lets go
        // of what this projector held.
        self.checkpoint_known = false;
        let mut applied = rebuilt?;
        // Whatever was committed while the rebuild ran is in the views before this answers;
        // on PostgreSQL a transaction open elsewhere can hold reading back a moment.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            applied += self.catch_up().await?;
            if status(&self.db).await?.lag_events == 0 {
                break;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "rebuild could not read the whole log within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // And the tallies made afresh from them, in their own task when it runs.
        while self.follower.is_some()
            && *self.leading.borrow()
            && tally::checkpoint(&self.db)
                .await?
                .is_none_or(|at| at < self.checkpoint)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(applied)
    }

    /// Applies the batch in memory, to the documents held or else read from the tables;
    /// answers with each changed document and the position that created it.
    async fn apply_batch(&self, events: &[ViewEvent]) -> anyhow::Result<Docs> {
        let keys: Records = events
            .iter()
            .map(|e| stream_key(&e.aggregate_type, &e.aggregate_id))
            .collect();
        let mut docs = self.held.take(keys.iter().map(String::as_str));
        let mut stored = load_docs(&self.db, "", missing_docs(events, &docs)).await?;
        apply_events(events, &mut docs, &mut stored)?;
        Ok(docs)
    }

    /// Writes the documents and moves the checkpoint from `from` to `last`, all or nothing.
    /// Answers `false`, writing nothing, when the stored checkpoint is no longer `from`.
    async fn write_batch(
        &self,
        docs: &mut Docs,
        from: LogPosition,
        last: LogPosition,
    ) -> anyhow::Result<bool> {
        let rows = rows_of(docs.values_mut())?;
        let target = write::Target {
            name: PROJECTOR_NAME,
            suffix: "",
            notify: Some(&*self.replica),
        };
        write::write_batch(&self.db, &target, rows, from, last)
            .await
            .context("could not write the views")
    }
}
