//! The waits between attempts, for API calls and for token requests: `Retry-After` in seconds
//! and as an HTTP date, and the exponential backoff with its cap.
//!
//! The waits are measured on tokio's paused clock, which moves only when the client's runtime
//! has nothing to do but wait for a timer, and then jumps straight to that timer. For the
//! measure to be exact, the only timers of the client must be the retry waits:
//!
//! * the servers (wiremock) run on a thread and a runtime of their own, in real time, so a
//!   response on its way is I/O, which the paused clock does not skip over;
//! * the clients have no timeout, no connect timeout and no pool expiry (each is a timer the
//!   clock would jump to while a response is on its way);
//! * the error responses have empty bodies, so reading one never waits (the SDK bounds that
//!   read with a timer).
//!
//! Virtual time then moves by exactly the waits, rounded up to tokio's millisecond. The
//! `within` guard of the other tests is not used here: its timer would be the one the clock
//! jumps to while a response is on its way.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use people_sdk::{AccessToken, Client, ClientCredentials, Error, RetryPolicy, TokenSource};
use serde_json::json;
use support::token_endpoint;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PERSON: &str = "/api/v1/people/Farrell";

/// tokio's timers fire on whole milliseconds: a wait is rounded up to the next one.
const TICK: Duration = Duration::from_millis(1);

/// An HTTP client with no timer of its own (see the module documentation).
fn timerless_http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("HTTP client")
}

/// A token source that notes the (virtual) time of every attempt: the client asks it for a
/// token right before each one.
#[derive(Clone, Default)]
struct AttemptTimes(Arc<Mutex<Vec<Instant>>>);

impl AttemptTimes {
    /// The waits between consecutive attempts.
    fn gaps(&self) -> Vec<Duration> {
        let times = self.0.lock().unwrap();
        times.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

impl TokenSource for AttemptTimes {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        self.0.lock().unwrap().push(Instant::now());
        Box::pin(async { Ok(AccessToken::new("at_waits")) })
    }
}

/// A client of `server` with `policy`, noting its attempts in the returned [`AttemptTimes`].
fn api_client(server: &MockServer, policy: RetryPolicy) -> (Client, AttemptTimes) {
    let attempts = AttemptTimes::default();
    let client = Client::builder()
        .base_url(server.uri())
        .token_source(attempts.clone())
        .http_client(timerless_http())
        .timeout(None)
        .retry(policy)
        .build()
        .expect("client");
    (client, attempts)
}

/// A fresh server on its own thread (not from wiremock's pool, which is shared between tests).
async fn server() -> MockServer {
    MockServer::builder().start().await
}

/// Answers the next `times` requests for `PERSON` with `status` and, if given, `Retry-After`,
/// with an empty body.
async fn refuse(server: &MockServer, status: u16, retry_after: Option<&str>, times: u64) {
    let mut answer = ResponseTemplate::new(status);
    if let Some(value) = retry_after {
        answer = answer.insert_header("Retry-After", value);
    }
    Mock::given(method("GET"))
        .and(path(PERSON))
        .respond_with(answer)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

/// Answers every later request for `PERSON` with the person.
async fn then_succeed(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(PERSON))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"fname": "Doug", "lname": "Farrell", "timestamp": "2024-05-01T10:00:00Z"}),
        ))
        .expect(1)
        .mount(server)
        .await;
}

/// Answers every later token request with a token.
async fn then_issue_a_token(server: &MockServer) {
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at_after_waiting", "token_type": "Bearer", "expires_in": 3600
        })))
        .expect(1)
        .mount(server)
        .await;
}

/// Answers the next `times` token requests with `status` and, if given, `Retry-After`, with an
/// empty body.
async fn refuse_tokens(server: &MockServer, status: u16, retry_after: Option<&str>, times: u64) {
    let mut answer = ResponseTemplate::new(status);
    if let Some(value) = retry_after {
        answer = answer.insert_header("Retry-After", value);
    }
    token_endpoint()
        .respond_with(answer)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

/// A `Retry-After` HTTP date `secs` seconds from now (real time: the SDK reads the wall clock).
fn http_date_in(secs: i64) -> String {
    let now = SystemTime::now();
    let at = if secs >= 0 {
        now + Duration::from_secs(secs.unsigned_abs())
    } else {
        now - Duration::from_secs(secs.unsigned_abs())
    };
    httpdate::fmt_http_date(at)
}

/// Asserts that `waited` is `want`, give or take tokio's rounding up to the millisecond.
fn assert_waited(waited: Duration, want: Duration, what: &str) {
    assert!(
        waited >= want && waited <= want + TICK,
        "{what}: waited {waited:?}, expected {want:?}"
    );
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::test(start_paused = true)]
async fn api_calls_wait_the_retry_after_seconds() {
    let server = server().await;
    refuse(&server, 429, Some("7"), 1).await;
    refuse(&server, 503, Some("3"), 1).await;
    then_succeed(&server).await;
    let (client, attempts) = api_client(&server, RetryPolicy::default());

    let person = client.person("Farrell").get().await.unwrap();

    assert_eq!(person.fname.as_str(), "Doug");
    let gaps = attempts.gaps();
    assert_eq!(gaps.len(), 2, "three attempts: {gaps:?}");
    assert_waited(gaps[0], secs(7), "after the 429");
    assert_waited(gaps[1], secs(3), "after the 503");
}

#[tokio::test(start_paused = true)]
async fn api_calls_wait_until_the_retry_after_date() {
    let server = server().await;
    // A minute ahead: the header is made before the call, so the wait measured when the 503
    // arrives is a little less (the date has whole seconds, and real time passes meanwhile).
    refuse(&server, 503, Some(&http_date_in(60)), 1).await;
    // A date in the past: no wait at all (not the backoff).
    refuse(&server, 503, Some(&http_date_in(-3600)), 1).await;
    then_succeed(&server).await;
    let policy = RetryPolicy::default().with_max_retry_after(secs(120));
    let (client, attempts) = api_client(&server, policy);

    client.person("Farrell").get().await.unwrap();

    let gaps = attempts.gaps();
    assert_eq!(gaps.len(), 2, "three attempts: {gaps:?}");
    assert!(
        gaps[0] >= secs(50) && gaps[0] <= secs(60) + TICK,
        "waited {:?} for a date 60 s ahead",
        gaps[0]
    );
    assert_eq!(gaps[1], Duration::ZERO, "a date in the past means no wait");
}

#[tokio::test(start_paused = true)]
async fn api_backoff_doubles_up_to_max_backoff() {
    let server = server().await;
    refuse(&server, 503, None, 5).await;
    then_succeed(&server).await;
    let policy = RetryPolicy::default()
        .with_max_attempts(6)
        .with_initial_backoff(secs(1))
        .with_max_backoff(secs(5))
        .with_jitter(false);
    let (client, attempts) = api_client(&server, policy);

    client.person("Farrell").get().await.unwrap();

    assert_eq!(
        attempts.gaps(),
        [secs(1), secs(2), secs(4), secs(5), secs(5)]
    );
}

#[tokio::test(start_paused = true)]
async fn api_backoff_with_jitter_stays_between_half_and_all_of_the_step() {
    let server = server().await;
    refuse(&server, 502, None, 4).await;
    then_succeed(&server).await;
    let policy = RetryPolicy::default()
        .with_max_attempts(5)
        .with_initial_backoff(secs(1))
        .with_max_backoff(secs(5));
    let (client, attempts) = api_client(&server, policy);

    client.person("Farrell").get().await.unwrap();

    let gaps = attempts.gaps();
    let steps = [secs(1), secs(2), secs(4), secs(5)];
    assert_eq!(gaps.len(), steps.len(), "{gaps:?}");
    for (gap, step) in gaps.iter().zip(steps) {
        assert!(
            *gap >= step / 2 && *gap <= step + TICK,
            "waited {gap:?} for a step of {step:?}: {gaps:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn token_requests_wait_the_retry_after_seconds() {
    let server = server().await;
    refuse_tokens(&server, 429, Some("4"), 1).await;
    refuse_tokens(&server, 503, Some("6"), 1).await;
    then_issue_a_token(&server).await;
    let creds = credentials(&server, RetryPolicy::default());

    let started = Instant::now();
    let token = creds.token().await.unwrap();

    assert_eq!(token.expose_secret(), "at_after_waiting");
    assert_waited(
        started.elapsed(),
        secs(10),
        "4 s after the 429, 6 s after the 503",
    );
}

/// Token requests to `server`'s token endpoint, with `policy` and no timer of their own.
fn credentials(server: &MockServer, policy: RetryPolicy) -> ClientCredentials {
    ClientCredentials::builder(
        format!("{}/api/v1/oauth/token", server.uri()),
        "id",
        "secret",
    )
    .http_client(timerless_http())
    .timeout(None)
    .retry(policy)
    .build()
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn token_requests_wait_until_the_retry_after_date() {
    let policy = RetryPolicy::default().with_max_retry_after(secs(120));
    let ahead = server().await;
    refuse_tokens(&ahead, 503, Some(&http_date_in(60)), 1).await;
    then_issue_a_token(&ahead).await;
    let started = Instant::now();
    credentials(&ahead, policy.clone()).token().await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= secs(50) && waited <= secs(60) + TICK,
        "waited {waited:?} for a date 60 s ahead"
    );

    let past = server().await;
    refuse_tokens(&past, 429, Some(&http_date_in(-60)), 1).await;
    then_issue_a_token(&past).await;
    let started = Instant::now();
    credentials(&past, policy).token().await.unwrap();
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "a date in the past means no wait (not the backoff)"
    );
}

#[tokio::test(start_paused = true)]
async fn token_backoff_doubles_up_to_max_backoff() {
    let server = server().await;
    refuse_tokens(&server, 503, None, 4).await;
    then_issue_a_token(&server).await;
    // Through the client: its policy is the one its token requests follow.
    let client = Client::builder()
        .base_url(server.uri())
        .client_credentials("id", "secret")
        .http_client(timerless_http())
        .timeout(None)
        .retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_initial_backoff(secs(1))
                .with_max_backoff(secs(6))
                .with_jitter(false),
        )
        .build()
        .unwrap();

    let started = Instant::now();
    client.token_info().await.unwrap();

    assert_waited(
        started.elapsed(),
        secs(1 + 2 + 4 + 6),
        "1 s, 2 s, 4 s, then 6 s (not 8 s)",
    );
}
