//! The rate limit's window rolls over: a client at its limit gets 429 until the window has
//! passed, then 200 with a fresh count. The server runs on a manual clock, so the window
//! passes when the test says, with no waiting, and `X-RateLimit-Reset` is known exactly.

mod support;

use std::time::Duration;

use chrono::{DateTime, Utc};
use people_mock::{Clock, PeopleMock};
use support::*;

const PEOPLE: &str = "/api/v1/people";
const WINDOW: Duration = Duration::from_secs(1);

fn number(resp: &Resp, name: &str) -> u64 {
    resp.header(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn start() -> DateTime<Utc> {
    "2030-01-01T00:00:00.250Z".parse().unwrap()
}

/// Asserts a 429 of a client at its limit of 2 in a window of one second.
fn assert_limited(resp: &Resp, reset: u64, retry_after: &str) {
    resp.assert_error(429, "rate_limited", 429_001);
    assert_eq!(resp.header("retry-after"), Some(retry_after));
    assert_eq!(number(resp, "x-ratelimit-limit"), 2);
    assert_eq!(number(resp, "x-ratelimit-remaining"), 0);
    assert_eq!(number(resp, "x-ratelimit-reset"), reset);
}

#[tokio::test]
async fn a_limited_client_is_served_again_once_the_window_has_passed() {
    let app = App::with(
        PeopleMock::builder()
            .rate_limit(2, WINDOW)
            .clock(Clock::manual(start())),
    );
    let token = app.token().await;
    let began = start().timestamp() as u64;

    let first = app.get(&token, PEOPLE).await;
    assert_eq!(first.status, 200);
    assert_eq!(number(&first, "x-ratelimit-limit"), 2);
    assert_eq!(number(&first, "x-ratelimit-remaining"), 1);
    // The window ends one second after it began (00:00:01.25), rounded up to a whole second.
    let reset = number(&first, "x-ratelimit-reset");
    assert_eq!(reset, began + 2);

    let second = app.get(&token, PEOPLE).await;
    assert_eq!(second.status, 200);
    assert_eq!(number(&second, "x-ratelimit-remaining"), 0);
    assert_eq!(number(&second, "x-ratelimit-reset"), reset);

    // Refused requests are not counted, so asking again does not push the window back.
    assert_limited(&app.get(&token, PEOPLE).await, reset, "1");
    app.state.advance(Duration::from_millis(999));
    assert_limited(&app.get(&token, PEOPLE).await, reset, "1");
    // One microsecond short of the window's end is still inside it.
    app.state.advance(Duration::from_micros(999));
    assert_limited(&app.get(&token, PEOPLE).await, reset, "1");

    app.state.advance(Duration::from_micros(1));
    let fresh = app.get(&token, PEOPLE).await;
    assert_eq!(fresh.status, 200, "{:?}", fresh.body);
    assert_eq!(number(&fresh, "x-ratelimit-limit"), 2);
    assert_eq!(number(&fresh, "x-ratelimit-remaining"), 1);
    let next_reset = number(&fresh, "x-ratelimit-reset");
    assert_eq!(next_reset, began + 3);

    // The fresh window has the same limit.
    let last = app.get(&token, PEOPLE).await;
    assert_eq!(number(&last, "x-ratelimit-remaining"), 0);
    assert_limited(&app.get(&token, PEOPLE).await, next_reset, "1");
}

#[tokio::test]
async fn a_limited_write_does_nothing_until_the_window_has_passed() {
    let app = App::with(
        PeopleMock::builder()
            .rate_limit(1, Duration::from_secs(60))
            .clock(Clock::manual(start())),
    );
    let token = app.token().await;
    assert_eq!(app.get(&token, PEOPLE).await.status, 200);
    let refused = app.create(&token, "Homer", "Simpson").await;
    refused.assert_error(429, "rate_limited", 429_001);
    assert_eq!(refused.header("retry-after"), Some("60"));
    app.state.advance(Duration::from_secs(45));
    let still = app.create(&token, "Homer", "Simpson").await;
    assert_eq!(still.header("retry-after"), Some("15"));
    assert!(app.state.person("Simpson").is_none());

    app.state.advance(Duration::from_secs(15));
    let created = app.create(&token, "Homer", "Simpson").await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(number(&created, "x-ratelimit-remaining"), 0);
    let simpson = app.state.person("Simpson").unwrap();
    assert_eq!(simpson.fname, "Homer");
    assert_eq!(simpson.timestamp, start() + chrono::Duration::seconds(60));
}
