//! The read lane: where queries run, so that readers cannot take the cores writers need.
//!
//! Dashboards are read all day, by many at once, and each answer costs a little CPU; with
//! enough readers they would fill both cores and the runtime's workers, and mutations (and the
//! projector they wait on) would queue behind them. So a query's execution is handed to a few
//! threads of its own (one a core), which:
//! - run at a lower scheduling priority (nice 10) than the runtime's workers: when writers and
//!   readers both want a core, the kernel gives it to the writers, and readers use what is
//!   left; with no writers about, readers have every core;
//! - each drive many queries at once on the service's runtime (its I/O and timers), so that
//!   a query waiting on the database holds no thread;
//! - take at most [`IN_FLIGHT`] queries a core at once, so readers cannot hold every database
//!   connection either; the rest wait their turn, and give it up when their request goes.
//!
//! Mutations and subscriptions stay on the runtime's workers.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use std::panic::AssertUnwindSafe;

use async_graphql::futures_util::stream::{FuturesUnordered, StreamExt};
use async_graphql::futures_util::FutureExt;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Queries one lane thread runs at once.
pub const IN_FLIGHT: usize = 4;
/// How much lower a lane thread's priority is than the workers' (the kernel's nice value).
const NICENESS: i32 = 10;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Threads that run queries below the workers' priority.
pub struct ReadLane {
    threads: Vec<mpsc::UnboundedSender<Job>>,
    next: AtomicUsize,
    turns: Arc<Semaphore>,
}

impl ReadLane {
    /// One lane thread a core, on the current runtime.
    pub fn start() -> std::io::Result<Arc<Self>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runtime = tokio::runtime::Handle::current();
        let mut threads = Vec::with_capacity(cores);
        for n in 0..cores {
            let (send, mut jobs) = mpsc::unbounded_channel::<Job>();
            let runtime = runtime.clone();
            std::thread::Builder::new()
                .name(format!("read-lane-{n}"))
                .spawn(move || {
                    lower_priority();
                    runtime.block_on(async move {
                        let mut running = FuturesUnordered::new();
                        loop {
                            tokio::select! {
                                job = jobs.recv() => match job {
                                    Some(job) => running.push(job),
                                    None => break,
                                },
                                Some(()) = running.next(), if !running.is_empty() => {}
                            }
                        }
                        while running.next().await.is_some() {}
                    });
                })?;
            threads.push(send);
        }
        Ok(Arc::new(Self {
            turns: Arc::new(Semaphore::new(IN_FLIGHT * threads.len())),
            threads,
            next: AtomicUsize::new(0),
        }))
    }

    /// Runs `work` on the lane once a turn is free. Dropping the returned future (the request
    /// timed out, or its client went) stops the work at its next await. A panic in `work` is
    /// raised again here, in the caller's task (where the HTTP layers answer it), and leaves
    /// the lane thread running.
    pub async fn run<T, F>(&self, work: F) -> Option<T>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let turn = self.turns.clone().acquire_owned().await.ok()?;
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::pin(async move {
            let _turn = turn;
            let mut answer = answer;
            tokio::select! {
                done = AssertUnwindSafe(work).catch_unwind() => { let _ = answer.send(done); }
                () = answer.closed() => {}
            }
        });
        let at = self.next.fetch_add(1, Ordering::Relaxed) % self.threads.len();
        self.threads[at].send(job).ok()?;
        match answered.await.ok()? {
            Ok(done) => Some(done),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

/// Lowers the calling thread's scheduling priority (Linux keeps one for each thread, and a
/// thread may always lower its own).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(error) =
        rustix::process::setpriority_process(Some(rustix::thread::gettid()), NICENESS)
    {
        tracing::warn!(%error, "read lane: could not lower its threads' priority");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_reaches_the_caller_and_the_lane_goes_on() {
        let lane = ReadLane::start().expect("lane");
        let answered = lane.run(async { 6 * 7 }).await;
        assert_eq!(answered, Some(42));
        for _ in 0..lane.threads.len() * 2 {
            let panicking = lane.clone();
            let caller = tokio::spawn(async move {
                panicking
                    .run(async {
                        panic!("a resolver's bug");
                    })
                    .await
            });
            let failed = caller.await.expect_err("the caller panics in turn");
            assert!(failed.is_panic());
        }
        // Every lane thread took a panic and still answers.
        for n in 0..lane.threads.len() * 2 {
            assert_eq!(lane.run(async move { n }).await, Some(n));
        }
    }
}
