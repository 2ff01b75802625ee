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
//!   connection either; the rest wait their turn, and give it up when their request goes;
//! - while writers are about (a mutation running, or one finished within [`WRITERS_LINGER`]),
//!   take one query at a time for every two cores: a query's work in the database runs at the
//!   database's priority, which the lane's cannot lower, so readers yield there by running
//!   fewer at once. A dashboard then answers a little later while records are being written,
//!   and writing keeps its pace.
//!
//! Mutations and subscriptions stay on the runtime's workers.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::panic::AssertUnwindSafe;

use async_graphql::futures_util::stream::{FuturesUnordered, StreamExt};
use async_graphql::futures_util::FutureExt;
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};

/// Queries one lane thread runs at once: two, so that one can wait on the database while the
/// other runs. Those waiting for a turn take it in the order they came, so every reader waits
/// about as long as the others; with four a thread, answers took the same time on average but
/// their slowest hundredth a third longer (BENCHMARKS.md, the largest organisation's sixth
/// run), and with one, a fifth fewer were answered.
pub const IN_FLIGHT: usize = 2;
/// How much lower a lane thread's priority is than the workers' (the kernel's nice value).
const NICENESS: i32 = 10;
/// How long after a mutation ends writers still count as about (the next is usually near).
pub const WRITERS_LINGER: Duration = Duration::from_millis(100);

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Threads that run queries below the workers' priority.
pub struct ReadLane {
    threads: Vec<mpsc::UnboundedSender<Job>>,
    next: AtomicUsize,
    turns: Arc<Semaphore>,
    /// The turns a query also takes while writers are about.
    narrow: Arc<Semaphore>,
    /// Mutations running now.
    writing: AtomicUsize,
    /// When the last mutation ended, in milliseconds from `started`.
    last_write: AtomicU64,
    started: Instant,
}

tokio::task_local! {
    /// The narrow turn of the query this task runs, if it took one.
    static NARROW_TURN: Arc<NarrowTurn>;
}

/// A query's narrow turn, given back while it waits on something other than the database.
struct NarrowTurn {
    narrow: Arc<Semaphore>,
    held: std::sync::Mutex<Option<OwnedSemaphorePermit>>,
}

/// Waits for `wait` (something other than the database's work, such as the tallies catching
/// up) without the running query's narrow turn, so that other queries run meanwhile; takes
/// the turn again before the query goes back to the database.
pub async fn aside<T>(wait: impl Future<Output = T>) -> T {
    let turn = NARROW_TURN.try_with(Arc::clone).ok();
    let given_back = turn
        .as_ref()
        .and_then(|t| t.held.lock().ok()?.take())
        .is_some();
    let waited = wait.await;
    if let (true, Some(turn)) = (given_back, turn) {
        if let Ok(permit) = turn.narrow.clone().acquire_owned().await {
            if let Ok(mut held) = turn.held.lock() {
                *held = Some(permit);
            }
        }
    }
    waited
}

/// A mutation running: readers yield to it (see [`ReadLane::writing`]) until it is dropped.
pub struct Writing(Arc<ReadLane>);

impl Drop for Writing {
    fn drop(&mut self) {
        let lane = &self.0;
        lane.last_write.store(lane.since_start(), Ordering::Relaxed);
        lane.writing.fetch_sub(1, Ordering::Relaxed);
    }
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
            narrow: Arc::new(Semaphore::new(threads.len().div_ceil(2))),
            threads,
            next: AtomicUsize::new(0),
            writing: AtomicUsize::new(0),
            last_write: AtomicU64::new(0),
            started: Instant::now(),
        }))
    }

    /// Says a mutation is running until the answer is dropped: while writers are about,
    /// queries run fewer at once.
    pub fn writing(self: &Arc<Self>) -> Writing {
        self.writing.fetch_add(1, Ordering::Relaxed);
        Writing(self.clone())
    }

    /// Milliseconds since the lane started, from 1 (0 stands for no write yet).
    fn since_start(&self) -> u64 {
        self.started.elapsed().as_millis() as u64 + 1
    }

    /// Whether a mutation is running or ended within [`WRITERS_LINGER`].
    fn writers_about(&self) -> bool {
        if self.writing.load(Ordering::Relaxed) > 0 {
            return true;
        }
        let last = self.last_write.load(Ordering::Relaxed);
        last > 0 && self.since_start().saturating_sub(last) < WRITERS_LINGER.as_millis() as u64
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
        // A turn first, then the narrow turn: a query holding the narrow turn never waits for
        // another, so a query taking its narrow turn back after waiting aside (holding its
        // turn meanwhile) cannot wait on one that waits on it.
        let turn = self.turns.clone().acquire_owned().await.ok()?;
        let narrow = match self.writers_about() {
            true => Some(self.narrow.clone().acquire_owned().await.ok()?),
            false => None,
        };
        let narrow = Arc::new(NarrowTurn {
            narrow: self.narrow.clone(),
            held: std::sync::Mutex::new(narrow),
        });
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::pin(NARROW_TURN.scope(narrow, async move {
            let _turn = turn;
            let mut answer = answer;
            tokio::select! {
                done = AssertUnwindSafe(work).catch_unwind() => { let _ = answer.send(done); }
                () = answer.closed() => {}
            }
        }));
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

    /// The most queries that ran at once, of `n` each taking 30 ms, started together.
    async fn most_at_once(lane: &Arc<ReadLane>, n: usize) -> usize {
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let queries: Vec<_> = (0..n)
            .map(|_| {
                let (lane, now, most) = (lane.clone(), now.clone(), most.clone());
                tokio::spawn(async move {
                    lane.run(async move {
                        let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(running, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(30)).await;
                        now.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for query in queries {
            query.await.expect("ran").expect("answered");
        }
        most.load(Ordering::SeqCst)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queries_run_fewer_at_once_while_writers_are_about() {
        let lane = ReadLane::start().expect("lane");
        let narrow = lane.threads.len().div_ceil(2);
        let wide = IN_FLIGHT * lane.threads.len();
        // No writers: as many at once as the lane takes.
        assert_eq!(most_at_once(&lane, wide).await, wide);
        // A mutation running: one at a time for every two cores.
        let writing = lane.writing();
        assert_eq!(most_at_once(&lane, wide).await, narrow);
        // Just after it ended, still; and then as many as before.
        drop(writing);
        assert_eq!(most_at_once(&lane, wide).await, narrow);
        tokio::time::sleep(WRITERS_LINGER).await;
        assert_eq!(most_at_once(&lane, wide).await, wide);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_query_waiting_aside_lets_others_run() {
        let lane = ReadLane::start().expect("lane");
        let wide = IN_FLIGHT * lane.threads.len();
        let rounds = (wide / lane.threads.len().div_ceil(2)) as u64;
        let _writing = lane.writing();
        // Each query waits 200 ms aside (for the tallies, say), then works 5 ms. Holding the
        // narrow turns through the waits, they would take at least rounds × 200 ms.
        let started = Instant::now();
        let queries: Vec<_> = (0..wide)
            .map(|_| {
                let lane = lane.clone();
                tokio::spawn(async move {
                    lane.run(async {
                        aside(tokio::time::sleep(Duration::from_millis(200))).await;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    })
                    .await
                })
            })
            .collect();
        for query in queries {
            query.await.expect("ran").expect("answered");
        }
        let took = started.elapsed();
        assert!(
            took < Duration::from_millis(200 * rounds / 2),
            "the waits overlapped: {took:?}"
        );
    }

    /// More queries than the lane takes at once, all waiting aside while writers are about:
    /// those waiting for a turn must not hold the narrow turn the ones back from aside need.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queries_back_from_aside_are_not_locked_out() {
        let lane = ReadLane::start().expect("lane");
        let _writing = lane.writing();
        let queries: Vec<_> = (0..IN_FLIGHT * lane.threads.len() * 3)
            .map(|_| {
                let lane = lane.clone();
                tokio::spawn(async move {
                    lane.run(async {
                        aside(tokio::time::sleep(Duration::from_millis(20))).await;
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    })
                    .await
                })
            })
            .collect();
        let all = async {
            for query in queries {
                query.await.expect("ran").expect("answered");
            }
        };
        tokio::time::timeout(Duration::from_secs(20), all)
            .await
            .expect("every query answered: none locked out");
    }
}
