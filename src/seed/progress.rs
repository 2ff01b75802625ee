//! How a seeding run reports itself: a progress line every few seconds while it runs, never one
//! per mutation (those are at `debug`), and the totals at the end from the caller.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a running seed logs its progress.
pub(super) const EVERY: Duration = Duration::from_secs(5);

/// Counts shared by the seeding tasks.
#[derive(Debug)]
pub(super) struct Progress {
    started: Instant,
    systems: usize,
    done: AtomicUsize,
    mutations: AtomicU64,
}

impl Progress {
    /// Nothing done yet of `systems` systems.
    pub(super) fn new(systems: usize) -> Arc<Self> {
        Arc::new(Self {
            started: Instant::now(),
            systems,
            done: AtomicUsize::new(0),
            mutations: AtomicU64::new(0),
        })
    }

    /// One more mutation written.
    pub(super) fn mutation(&self) {
        self.mutations.fetch_add(1, Ordering::Relaxed);
    }

    /// One more system finished (written now, or found complete).
    pub(super) fn system(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Mutations written so far.
    pub(super) fn mutations(&self) -> u64 {
        self.mutations.load(Ordering::Relaxed)
    }

    /// Time since the run started.
    pub(super) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Logs one progress line at `info`.
    fn log(&self) {
        tracing::info!(
            systems.done = self.done.load(Ordering::Relaxed),
            systems.total = self.systems,
            mutations = self.mutations(),
            elapsed_s = self.elapsed().as_secs(),
            "seeding"
        );
    }

    /// Logs progress every [`EVERY`] until the returned task is aborted.
    pub(super) fn report(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let progress = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(EVERY);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                progress.log();
            }
        })
    }
}
