//! Waiting for what another task brings about in its own time (a client dropping a body).
//!
//! Tokens' ends and rate-limit windows need no waiting: those tests run the server on a manual
//! clock and move it. What is left polls the observable effect with a bound instead of
//! sleeping a fixed time.

use std::future::Future;
use std::time::{Duration, Instant};

/// The longest a poll waits: a bound against hanging, not a speed goal.
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
