//! The rate limit's window rolls over: a client at its limit gets 429 until the window has
//! passed, then 200 with a fresh count.

mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use people_mock::PeopleMock;
use support::wait::poll_until;
use support::*;

const PEOPLE: &str = "/api/v1/people";
const WINDOW: Duration = Duration::from_secs(1);

fn number(resp: &Resp, name: &str) -> u64 {
    resp.header(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Asserts a 429 of a client at its limit of 2 in a window of one second.
fn assert_limited(resp: &Resp, reset: u64) {
    resp.assert_error(429, "rate_limited", 429_001);
    assert_eq!(resp.header("retry-after"), Some("1"));
    assert_eq!(number(resp, "x-ratelimit-limit"), 2);
    assert_eq!(number(resp, "x-ratelimit-remaining"), 0);
    assert_eq!(number(resp, "x-ratelimit-reset"), reset);
}

#[tokio::test]
async fn a_limited_client_is_served_again_once_the_window_has_passed() {
    let app = App::with(PeopleMock::builder().rate_limit(2, WINDOW));
    let token = app.token().await;

    let before = Instant::now();
    let unix_before = unix_now();
    let first = app.get(&token, PEOPLE).await;
    let unix_after = unix_now();
    assert_eq!(first.status, 200);
    assert_eq!(number(&first, "x-ratelimit-limit"), 2);
    assert_eq!(number(&first, "x-ratelimit-remaining"), 1);
    // The window ends one second after it began, rounded up to a whole second.
    let reset = number(&first, "x-ratelimit-reset");
    assert!(
        (unix_before + 1..=unix_after + 2).contains(&reset),
        "{reset} not within [{}, {}]",
        unix_before + 1,
        unix_after + 2
    );

    let second = app.get(&token, PEOPLE).await;
    assert_eq!(second.status, 200);
    assert_eq!(number(&second, "x-ratelimit-remaining"), 0);
    assert_eq!(number(&second, "x-ratelimit-reset"), reset);

    // Refused requests are not counted, so polling does not push the window back.
    assert_limited(&app.get(&token, PEOPLE).await, reset);
    let fresh = poll_until("the window rolls over", || async {
        let resp = app.get(&token, PEOPLE).await;
        if resp.status == 429 {
            assert_limited(&resp, reset);
            return None;
        }
        Some(resp)
    })
    .await;
    // The window began after `before`, so it cannot have ended before `before + WINDOW`.
    assert!(
        before.elapsed() >= WINDOW,
        "rolled over after {:?}",
        before.elapsed()
    );
    assert_eq!(fresh.status, 200, "{:?}", fresh.body);
    assert_eq!(number(&fresh, "x-ratelimit-limit"), 2);
    assert_eq!(number(&fresh, "x-ratelimit-remaining"), 1);
    let next_reset = number(&fresh, "x-ratelimit-reset");
    assert!(next_reset > reset, "{next_reset} after {reset}");

    // The fresh window has the same limit.
    let last = app.get(&token, PEOPLE).await;
    assert_eq!(number(&last, "x-ratelimit-remaining"), 0);
    assert_limited(&app.get(&token, PEOPLE).await, next_reset);
}

#[tokio::test]
async fn a_limited_write_does_nothing_until_the_window_has_passed() {
    let app = App::with(PeopleMock::builder().rate_limit(1, WINDOW));
    let token = app.token().await;
    assert_eq!(app.get(&token, PEOPLE).await.status, 200);
    let refused = app.create(&token, "Homer", "Simpson").await;
    refused.assert_error(429, "rate_limited", 429_001);
    assert!(app.state.person("Simpson").is_none());
    let created = poll_until("the window rolls over", || async {
        let resp = app.create(&token, "Homer", "Simpson").await;
        (resp.status != 429).then_some(resp)
    })
    .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(number(&created, "x-ratelimit-remaining"), 0);
    assert_eq!(
        app.state.person("Simpson").map(|p| p.fname).as_deref(),
        Some("Homer")
    );
}
