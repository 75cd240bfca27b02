//! Waiting for what only time brings about (a token's end, a rate-limit window's end).
//!
//! The mock's clocks are `std::time::Instant`, not tokio's, so a paused tokio clock cannot
//! move them: the tests wait for real, polling the observable effect with a bound instead of
//! sleeping a fixed time.

use std::future::Future;
use std::time::{Duration, Instant};

/// The longest a poll waits: far beyond the one-second lifetimes and windows the tests set.
pub const POLL_BOUND: Duration = Duration::from_secs(15);
/// The pause between two probes.
const POLL_EVERY: Duration = Duration::from_millis(20);

/// Calls `probe` until it answers `Some`, and returns that; fails the test after
/// [`POLL_BOUND`], naming `what` it was waiting for.
pub async fn poll_until<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + POLL_BOUND;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {POLL_BOUND:?}"
        );
        tokio::time::sleep(POLL_EVERY).await;
    }
}
