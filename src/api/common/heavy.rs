//! Heavy work: replaying the log as recorded at a moment, verifying the whole log, exporting an
//! audit trail. Its cost grows with the log, not with the answer, so it is kept from starving
//! everyone else:
//! - it runs off the runtime's worker threads (on a blocking thread that drives it), so the
//!   two cores' workers stay free for ordinary requests;
//! - a bounded number run at once (half the cores, at least one); the rest wait their turn,
//!   and a request that times out while waiting gives up its place;
//! - it stops when the request that asked for it is dropped (timed out or disconnected): the
//!   work is cancelled at its next await, not left running to the end;
//! - the fields of one request that ask for the same moment share one replay, and views
//!   replayed for a settled moment (one far enough in the past that no transaction can still
//!   add events recorded before it) are kept for the next requests that ask for it.
//!
//! One request may ask for at most [`MAX_MOMENTS`] moments, and fields that start heavy work
//! carry a complexity cost ([`REPLAY_COST`], [`VERIFY_COST`]) that keeps one request to a few.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use tokio::sync::{oneshot, OnceCell, Semaphore};

use crate::audit::as_of::recorded_views;
use crate::store::Db;

/// Most different `recordedAsOf` moments one request may ask for: each costs a replay, shared
/// by every field asking for the same moment.
pub const MAX_MOMENTS: usize = 2;
/// The complexity a `recordedAsOf` adds to its field (reading from the replayed views; the
/// replay itself is bounded by [`MAX_MOMENTS`]).
pub const REPLAY_COST: usize = 25;
/// The complexity of verifying the whole log, signing a checkpoint (which verifies it first) or
/// exporting an audit trail: one of them fits in a request.
pub const VERIFY_COST: usize = 1_500;
/// How long after a moment the events recorded before it are certain to be committed: longer
/// than any request may run.
const SETTLED: Duration = Duration::seconds(120);
/// Replayed views kept, most recently made first.
const KEPT: usize = 2;

/// The complexity of a field given `recorded_as_of`.
pub fn replay_cost(recorded_as_of: &Option<DateTime<Utc>>) -> usize {
    if recorded_as_of.is_some() {
        REPLAY_COST
    } else {
        0
    }
}

type Kept = Arc<OnceCell<Db>>;

/// Runs heavy work, and keeps replayed views.
pub struct HeavyWork {
    turns: Arc<Semaphore>,
    replayed: Mutex<VecDeque<(DateTime<Utc>, Kept)>>,
}

impl Default for HeavyWork {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new((cores / 2).max(1))
    }
}

impl HeavyWork {
    /// Allows `at_once` pieces of heavy work to run at the same time.
    pub fn new(at_once: usize) -> Self {
        Self {
            turns: Arc::new(Semaphore::new(at_once)),
            replayed: Mutex::default(),
        }
    }

    /// Runs `work` on a blocking thread once a turn is free; dropping the returned future
    /// stops the work at its next await.
    pub async fn run<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        F: Future<Output = anyhow::Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let turn = self.turns.clone().acquire_owned().await?;
        // Dropped with this future: the work sees it and stops.
        let (_asking, gone) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Handle::current();
        let job = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            runtime.block_on(async move {
                tokio::select! {
                    done = work => Some(done),
                    _ = gone => None,
                }
            })
        });
        job.await
            .context("heavy work panicked")?
            .context("heavy work stopped")?
    }

    /// Where `moment`'s replayed views are kept for `request`: shared with its other fields
    /// that ask for the same moment, and with later requests once the moment has settled.
    /// Refused (with the limit) when the request already asked for [`MAX_MOMENTS`] others.
    pub fn place(
        &self,
        moment: DateTime<Utc>,
        request: Option<&ThisRequest>,
    ) -> Result<Replay, usize> {
        let Some(request) = request else {
            return Ok(Replay(self.kept(moment)));
        };
        let mut asked = request.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, kept)) = asked.iter().find(|(m, _)| *m == moment) {
            return Ok(Replay(kept.clone()));
        }
        if asked.len() >= MAX_MOMENTS {
            return Err(MAX_MOMENTS);
        }
        let kept = self.kept(moment);
        asked.push((moment, kept.clone()));
        Ok(Replay(kept))
    }

    /// The views as they stood at `moment`, replayed from `db`'s log into `place`, or already
    /// there.
    pub async fn recorded_views(
        &self,
        place: Replay,
        db: &Db,
        moment: DateTime<Utc>,
    ) -> anyhow::Result<Db> {
        let db = db.clone();
        let replayed = place
            .0
            .get_or_try_init(|| self.run(async move { recorded_views(&db, moment).await }))
            .await?;
        Ok(replayed.clone())
    }

    /// The place for `moment`'s views: shared if the moment has settled, else a new one.
    fn kept(&self, moment: DateTime<Utc>) -> Kept {
        if moment > Utc::now() - SETTLED {
            return Kept::default();
        }
        let mut replayed = self.replayed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, kept)) = replayed.iter().find(|(m, _)| *m == moment) {
            return kept.clone();
        }
        let kept = Kept::default();
        replayed.push_front((moment, kept.clone()));
        replayed.truncate(KEPT);
        kept
    }
}

/// Where one moment's replayed views are, or will be once replayed.
pub struct Replay(Kept);

/// The moments one request has asked for, shared among its fields: the HTTP layer puts a
/// fresh one in each request's data.
#[derive(Clone, Default)]
pub struct ThisRequest(Arc<Mutex<Vec<Asked>>>);

/// A moment asked for, and where its views are kept.
type Asked = (DateTime<Utc>, Kept);

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_stops_when_its_request_is_dropped() {
        let heavy = HeavyWork::new(1);
        let steps = Arc::new(AtomicUsize::new(0));
        let counted = steps.clone();
        let endless = heavy.run(async move {
            loop {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            #[expect(unreachable_code, reason = "the loop only ends when dropped")]
            Ok(())
        });
        let timed_out = tokio::time::timeout(Duration::from_millis(100), endless).await;
        assert!(timed_out.is_err());
        tokio::time::sleep(Duration::from_millis(50)).await;
        let stopped_at = steps.load(Ordering::SeqCst);
        assert!(stopped_at > 0, "it ran");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(steps.load(Ordering::SeqCst), stopped_at, "and then stopped");
        // Its turn is free again.
        assert_eq!(heavy.run(async { Ok(7) }).await.expect("runs"), 7);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_work_leaves_the_workers_free() {
        // As many pieces as there are workers, each busy without awaiting, as a replay's
        // decoding is: on the workers they would leave nobody to answer anyone else.
        let heavy = Arc::new(HeavyWork::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let mut jobs = Vec::new();
        for _ in 0..2 {
            let (heavy, running) = (heavy.clone(), running.clone());
            jobs.push(tokio::spawn(async move {
                heavy
                    .run(async move {
                        running.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(1_500));
                        running.fetch_sub(1, Ordering::SeqCst);
                        Ok(())
                    })
                    .await
            }));
        }
        while running.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        assert_eq!(tokio::spawn(async { 1 }).await.expect("answered"), 1);
        assert_eq!(
            running.load(Ordering::SeqCst),
            2,
            "a small task was answered while both pieces were still busy"
        );
        for job in jobs {
            job.await.expect("joined").expect("ran");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bounded_number_run_at_once() {
        let heavy = Arc::new(HeavyWork::new(1));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut jobs = Vec::new();
        for _ in 0..4 {
            let (heavy, running, most) = (heavy.clone(), running.clone(), most.clone());
            jobs.push(tokio::spawn(async move {
                heavy
                    .run(async move {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        running.fetch_sub(1, Ordering::SeqCst);
                        Ok(())
                    })
                    .await
            }));
        }
        for job in jobs {
            job.await.expect("joined").expect("ran");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }
}
