//! Rate limiting: a token bucket per caller (the token's subject, or the address when there is
//! no valid token), refilled steadily; a caller over the limit gets 429 with `Retry-After`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an idle caller's bucket is kept.
const IDLE: Duration = Duration::from_secs(600);

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets by caller.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// Allows `per_minute` requests a minute per caller, in bursts of up to as many; 0 turns
    /// limiting off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Requests a minute allowed per caller (0: no limit).
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Takes one request from `caller`'s bucket; `Err(seconds)` to wait when it is empty.
    pub fn check(&self, caller: &str) -> Result<(), u64> {
        self.check_at(caller, Instant::now())
    }

    fn check_at(&self, caller: &str, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 10_000 {
            buckets.retain(|_, b| now.duration_since(b.at) < IDLE);
        }
        let bucket = buckets.entry(caller.to_owned()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            metrics::counter!(crate::telemetry::metrics::RATE_LIMITED).increment(1);
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait_then_more() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for _ in 0..60 {
            assert_eq!(limiter.check_at("a", start), Ok(()));
        }
        assert_eq!(limiter.check_at("a", start), Err(1));
        assert_eq!(limiter.check_at("b", start), Ok(()), "callers are apart");
        assert_eq!(
            limiter.check_at("a", start + Duration::from_secs(2)),
            Ok(())
        );
    }

    #[test]
    fn zero_is_no_limit() {
        let limiter = RateLimiter::new(0);
        assert!((0..1_000).all(|_| limiter.check("a").is_ok()));
    }
}
