//! Closed-loop load with N concurrent clients, and latency percentiles.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a load run measured.
#[derive(Debug, Clone, Default)]
pub struct Load {
    pub failed: u64,
    pub per_second: f64,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

/// The `q` quantile (0..=1) of sorted latencies.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Runs `clients` loops of `op(client, iteration)` for `length`; each loop waits for its
/// operation before sending the next. The first error of each kind is printed once.
pub async fn closed_loop<F, Fut>(clients: usize, length: Duration, op: F) -> Load
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..clients {
        let op = op.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut failed = 0u64;
            let mut iteration = 0u64;
            while started.elapsed() < length {
                let sent = Instant::now();
                match op(client, iteration).await {
                    Ok(()) => latencies.push(sent.elapsed()),
                    Err(error) => {
                        if failed == 0 {
                            eprintln!("  client {client}: {error:#}");
                        }
                        failed += 1;
                    }
                }
                iteration += 1;
            }
            (latencies, failed)
        });
    }
    let mut all = Vec::new();
    let mut failed = 0;
    while let Some(Ok((latencies, f))) = tasks.join_next().await {
        all.extend(latencies);
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    Load {
        failed,
        per_second: all.len() as f64 / elapsed,
        p50: quantile(&all, 0.5),
        p95: quantile(&all, 0.95),
        p99: quantile(&all, 0.99),
    }
}

/// Milliseconds, for the table.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
