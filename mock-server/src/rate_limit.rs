//! Fixed-window rate limiting per client.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::response::Response;
use chrono::{DateTime, Utc};
use http::{HeaderName, HeaderValue};

use crate::clock::Clock;
use crate::sync::lock;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: DateTime<Utc>,
    reset_unix: u64,
    count: u32,
}

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// The state of one key's window after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateStatus {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) reset_unix: u64,
    /// Seconds until the window ends, at least 1.
    pub(crate) retry_after: u64,
    pub(crate) exceeded: bool,
}

impl RateStatus {
    /// Adds `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.
    pub(crate) fn apply(&self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert(LIMIT, HeaderValue::from(self.limit));
        headers.insert(REMAINING, HeaderValue::from(self.remaining));
        headers.insert(RESET, HeaderValue::from(self.reset_unix));
    }
}

/// Counters of every key's current window.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, Window>>,
    clock: Clock,
}

const PRUNE_ABOVE: usize = 4096;

/// Time from `earlier` to `later`; zero when the clock went back in between.
fn since(earlier: DateTime<Utc>, later: DateTime<Utc>) -> Duration {
    (later - earlier).to_std().unwrap_or(Duration::ZERO)
}

impl RateLimiter {
    pub(crate) fn new(limit: u32, window: Duration, clock: Clock) -> Self {
        Self {
            limit: limit.max(1),
            // A window of 100 years never ends, and keeps the clock's arithmetic in range.
            window: window.clamp(Duration::from_millis(1), crate::FOREVER),
            windows: Mutex::new(HashMap::new()),
            clock,
        }
    }

    fn fresh(&self, now: DateTime<Utc>) -> Window {
        let end = since(DateTime::UNIX_EPOCH, now) + self.window;
        let reset_unix = end.as_secs() + u64::from(end.subsec_nanos() > 0);
        Window {
            started: now,
            reset_unix,
            count: 0,
        }
    }

    fn status(&self, window: &Window, now: DateTime<Utc>, exceeded: bool) -> RateStatus {
        let left = self.window.saturating_sub(since(window.started, now));
        let retry_after = (left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1);
        RateStatus {
            limit: self.limit,
            remaining: self.limit.saturating_sub(window.count),
            reset_unix: window.reset_unix,
            retry_after,
            exceeded,
        }
    }

    /// Counts one request for `key`; `exceeded` when it is over the limit (and not counted).
    pub(crate) fn hit(&self, key: &str) -> RateStatus {
        let now = self.clock.now();
        let mut windows = lock(&self.windows);
        if windows.len() > PRUNE_ABOVE {
            let span = self.window;
            windows.retain(|_, w| since(w.started, now) < span);
        }
        // A known key is looked up without allocating a copy of it.
        if !windows.contains_key(key) {
            windows.insert(key.to_string(), self.fresh(now));
        }
        let window = windows.get_mut(key).expect("inserted above");
        if since(window.started, now) >= self.window {
            *window = self.fresh(now);
        }
        if window.count >= self.limit {
            return self.status(window, now, true);
        }
        window.count += 1;
        self.status(window, now, false)
    }

    /// The state of a window nothing has counted against.
    pub(crate) fn full(&self) -> RateStatus {
        let now = self.clock.now();
        self.status(&self.fresh(now), now, false)
    }

    /// The current state for `key` without counting.
    pub(crate) fn peek(&self, key: &str) -> RateStatus {
        let now = self.clock.now();
        let windows = lock(&self.windows);
        match windows.get(key) {
            Some(w) if since(w.started, now) < self.window => self.status(w, now, false),
            _ => self.full(),
        }
    }

    /// Forgets every counter.
    pub(crate) fn clear(&self) {
        lock(&self.windows).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_then_refuses() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60), Clock::system());
        let first = limiter.hit("a");
        assert_eq!((first.remaining, first.exceeded), (1, false));
        assert_eq!(limiter.hit("a").remaining, 0);
        let third = limiter.hit("a");
        assert!(third.exceeded);
        assert!(third.retry_after >= 1 && third.retry_after <= 60);
        assert_eq!(limiter.hit("b").remaining, 1);
        assert_eq!(limiter.peek("b").remaining, 1);
        limiter.clear();
        assert_eq!(limiter.peek("a").remaining, 2);
    }

    #[test]
    fn a_huge_window_never_ends() {
        let limiter = RateLimiter::new(1, Duration::MAX, Clock::system());
        assert!(!limiter.hit("a").exceeded);
        let refused = limiter.hit("a");
        assert!(refused.exceeded);
        assert!(refused.retry_after >= crate::FOREVER.as_secs() - 1);
    }
}
