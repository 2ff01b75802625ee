//! Where the views are read from: the primary, or hot standbys (`DATABASE_READ_URL`).
//!
//! Every write, and every read a write makes, goes to the primary. A query or a page is read
//! from one of the read servers: each standby that answers, is no more than the most lag
//! allowed behind the primary, and has replayed the position the reader asks for (a receipt's
//! `X-Log-Position`, or the web session's last change), taking turns with the primary (unless
//! the primary is kept for writes). A reader asking for a position no standby has reached yet
//! is answered by the primary, or, when the primary is kept for writes, by the first standby
//! to reach it within [`STANDBY_WAIT`] (else the primary after all).
//!
//! A standby replays the primary's log, views and tallies as committed, so what it answers is
//! what the primary answered a moment earlier. The caches the replica running the projector
//! keeps (see [`crate::cache`]) answer reads from either, but are filled only from the primary
//! (see [`ReadFrom::may_keep`]).

mod standby;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use standby::{Replayed, Standby};

use super::ProjectorHandle;
use crate::store::{Db, LogPosition, PoolUse};
use crate::telemetry::metrics as names;

/// Longest a reader waits for a standby to reach its position when the primary is kept for
/// writes, before the primary answers it.
pub const STANDBY_WAIT: Duration = Duration::from_secs(1);

/// How long a read waits for a connection to a standby.
const STANDBY_ACQUIRE: Duration = Duration::from_secs(5);

/// How reads are spread.
#[derive(Debug, Clone)]
pub struct ReadSettings {
    /// The standbys' URLs.
    pub standbys: Vec<String>,
    /// Most connections to each standby.
    pub connections: u32,
    /// A standby further behind the primary than this is not read from.
    pub max_lag: Duration,
    /// Whether the primary takes its turn with the standbys (else it answers reads only when
    /// no standby can).
    pub share_primary: bool,
}

/// The read servers, and which answers a read next.
pub struct ReadServers {
    primary: ReadFrom,
    standbys: Vec<Arc<Standby>>,
    max_lag: Duration,
    share_primary: bool,
    turn: AtomicUsize,
    following: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for ReadServers {
    fn drop(&mut self) {
        for task in &self.following {
            task.abort();
        }
    }
}

/// Where one request reads the views: the primary, or a standby that had replayed them up to
/// a position when chosen.
#[derive(Clone)]
pub struct ReadFrom {
    db: Db,
    standby: Option<(Arc<Standby>, LogPosition)>,
}

impl ReadFrom {
    /// Reading from the primary.
    pub fn primary(db: Db) -> Self {
        Self { db, standby: None }
    }

    /// Reading from `standby`, which had replayed what `replayed` says.
    fn standby(standby: &Arc<Standby>, replayed: Replayed) -> Self {
        Self {
            db: standby.db.clone(),
            standby: Some((standby.clone(), replayed.views)),
        }
    }

    /// The database to read.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Whether a cache kept in step with the views may keep what is read here: only what is
    /// read from the primary. A standby may not yet hold a change whose batch let the cache's
    /// entries go, so what it answers could be kept after the change and never let go.
    pub fn may_keep(&self) -> bool {
        self.standby.is_none()
    }

    /// Waits until the tallies here hold everything the views did when this read was chosen
    /// (on the primary, where the views stand now), or `timeout` passes; says whether they do.
    pub async fn tallies_in_step(&self, projector: &ProjectorHandle, timeout: Duration) -> bool {
        match &self.standby {
            None => projector.tallies_in_step(timeout).await,
            Some((standby, at)) => {
                let at = *at;
                standby
                    .wait_until(timeout, |r| r.tallies.is_some_and(|t| t >= at))
                    .await
            }
        }
    }
}

impl ReadServers {
    /// Reads from the primary `db` alone.
    pub fn primary_only(db: Db) -> Self {
        Self {
            primary: ReadFrom::primary(db),
            standbys: Vec::new(),
            max_lag: Duration::ZERO,
            share_primary: true,
            turn: AtomicUsize::new(0),
            following: Vec::new(),
        }
    }

    /// The primary `db` and the standbys of `settings`, each followed by a task of its own
    /// from now on. A standby that does not answer yet is read from once it does.
    pub fn start(
        db: Db,
        projector: ProjectorHandle,
        settings: &ReadSettings,
    ) -> anyhow::Result<Self> {
        let mut servers = Self::primary_only(db);
        servers.max_lag = settings.max_lag;
        servers.share_primary = settings.share_primary;
        for (i, url) in settings.standbys.iter().enumerate() {
            let db = Db::standby_postgres(url, settings.connections, STANDBY_ACQUIRE).map_err(
                |error| anyhow::anyhow!("DATABASE_READ_URL: standby {}: {error:#}", i + 1),
            )?;
            let standby = Standby::new(i + 1, db);
            servers
                .following
                .push(tokio::spawn(standby.clone().follow(projector.clone())));
            servers.standbys.push(standby);
        }
        if !servers.standbys.is_empty() {
            tracing::info!(
                standbys = servers.standbys.len(),
                max_lag_secs = settings.max_lag.as_secs_f64(),
                share_primary = settings.share_primary,
                "reading the views from hot standbys"
            );
        }
        Ok(servers)
    }

    /// Reading from the primary.
    pub fn primary(&self) -> &ReadFrom {
        &self.primary
    }

    /// Whether any standby is configured.
    pub fn has_standbys(&self) -> bool {
        !self.standbys.is_empty()
    }

    /// Each standby's number in `DATABASE_READ_URL` and its connection pool's use.
    pub fn standby_pools(&self) -> impl Iterator<Item = (&str, PoolUse)> {
        self.standbys
            .iter()
            .map(|standby| (standby.number.as_str(), standby.db.pool_use()))
    }

    /// Where the next read goes that must hold `wanted` (when given).
    pub async fn choose(&self, wanted: Option<LogPosition>) -> ReadFrom {
        if self.standbys.is_empty() {
            return self.primary.clone();
        }
        let fits = |r: &Replayed| {
            r.lag.is_some_and(|lag| lag <= self.max_lag) && wanted.is_none_or(|w| r.views >= w)
        };
        let mut able: Vec<ReadFrom> = self
            .standbys
            .iter()
            .filter_map(|s| {
                let replayed = s.replayed();
                fits(&replayed).then(|| ReadFrom::standby(s, replayed))
            })
            .collect();
        if self.share_primary {
            able.push(self.primary.clone());
        }
        let chosen = if able.is_empty() {
            self.first_to_reach(wanted).await
        } else {
            let turn = self.turn.fetch_add(1, Ordering::Relaxed) % able.len();
            able.swap_remove(turn)
        };
        let server = if chosen.standby.is_some() {
            "standby"
        } else {
            "primary"
        };
        metrics::counter!(names::READS, "server" => server).increment(1);
        chosen
    }

    /// The first standby close enough to the primary to reach `wanted` within
    /// [`STANDBY_WAIT`], else the primary.
    async fn first_to_reach(&self, wanted: Option<LogPosition>) -> ReadFrom {
        // One not read yet (just after the start) may well be close.
        let close = |r: &Replayed| !r.read || r.lag.is_some_and(|lag| lag <= self.max_lag);
        if let Some(wanted) = wanted {
            let waits = self
                .standbys
                .iter()
                .filter(|s| close(&s.replayed()))
                .map(|s| {
                    Box::pin(async move {
                        s.wait_until(STANDBY_WAIT, |r| r.views >= wanted)
                            .await
                            .then_some(s)
                    })
                });
            let mut waits: Vec<_> = waits.collect();
            while !waits.is_empty() {
                let (reached, _, rest) = futures_util::future::select_all(waits).await;
                if let Some(standby) = reached {
                    return ReadFrom::standby(standby, standby.replayed());
                }
                waits = rest;
            }
        }
        self.primary.clone()
    }
}
