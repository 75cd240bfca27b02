//! No combination of builder settings panics the server, on start or on a request: every
//! setting is drawn from ordinary and extreme values (zero, one, the largest of its type,
//! around [`FOREVER`]), the router of the unchecked settings answers a round of requests, and
//! when [`validate`](PeopleMockBuilder::validate) accepts the settings the server starts and
//! answers the same round over a socket. No answer is a 5xx.

mod support;

use std::time::Duration;

use axum::body::Body;
use http::{Method, Request};
use people_mock::{Clock, FOREVER, MAX_GENERATED_PEOPLE, PeopleMock, PeopleMockBuilder};
use proptest::prelude::*;
use proptest::sample::select;
use tower::ServiceExt;

fn durations() -> impl Strategy<Value = Duration> {
    select(vec![
        Duration::ZERO,
        Duration::from_millis(1),
        Duration::from_secs(1),
        Duration::from_secs(3600),
        FOREVER - Duration::from_secs(1),
        FOREVER,
        Duration::from_secs(u64::MAX),
        Duration::MAX,
    ])
}

fn sizes() -> impl Strategy<Value = u64> {
    select(vec![0, 1, 100, 64 * 1024, u64::MAX / 2, u64::MAX])
}

fn counts() -> impl Strategy<Value = usize> {
    select(vec![0, 1, 2, 1000, usize::MAX])
}

fn scopes() -> impl Strategy<Value = String> {
    select(vec![
        "",
        "people:read",
        "people:read people:write",
        "people:write,admin",
        "admin",
    ])
    .prop_map(str::to_string)
}

#[derive(Debug, Clone)]
struct Settings {
    token_ttl: Duration,
    refresh_ttl: Duration,
    rate: (u32, Duration),
    limits: (u64, u64, u64, u64),
    journal: (usize, usize),
    max_tokens: usize,
    people: usize,
    scopes: String,
    timeouts: (Duration, Duration),
    /// A manual clock's start (`None`: the system clock) and a token seed.
    clock: (Option<&'static str>, Option<u64>),
}

/// The system clock, or a manual one from the first to the last instant it covers.
fn clocks() -> impl Strategy<Value = (Option<&'static str>, Option<u64>)> {
    (
        select(vec![
            None,
            Some("1970-01-01T00:00:00Z"),
            Some("2030-01-01T00:00:00Z"),
            Some("9999-12-31T23:59:59Z"),
        ]),
        select(vec![None, Some(0), Some(u64::MAX)]),
    )
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        (durations(), durations()),
        (select(vec![0u32, 1, 2, u32::MAX]), durations()),
        (sizes(), sizes(), sizes(), sizes()),
        (counts(), counts(), counts()),
        select(vec![0usize, 3, MAX_GENERATED_PEOPLE + 1, usize::MAX]),
        scopes(),
        (durations(), durations()),
        clocks(),
    )
        .prop_map(
            |(
                (token_ttl, refresh_ttl),
                rate,
                limits,
                (journal, journal_bytes, max_tokens),
                people,
                scopes,
                timeouts,
                clock,
            )| {
                Settings {
                    token_ttl,
                    refresh_ttl,
                    rate,
                    limits,
                    journal: (journal, journal_bytes),
                    max_tokens,
                    people,
                    scopes,
                    timeouts,
                    clock,
                }
            },
        )
}

fn builder(s: &Settings) -> PeopleMockBuilder {
    let mut builder = PeopleMock::builder();
    if let Some(start) = s.clock.0 {
        builder = builder.clock(Clock::manual(start.parse().unwrap()));
    }
    if let Some(seed) = s.clock.1 {
        builder = builder.token_seed(seed);
    }
    builder
        .token_ttl(s.token_ttl)
        .refresh_ttl(s.refresh_ttl)
        .rate_limit(s.rate.0, s.rate.1)
        .photo_limit(s.limits.0)
        .attachment_limits(s.limits.1, s.limits.2)
        .json_limit(s.limits.3)
        .journal(s.journal.0)
        .journal_bytes(s.journal.1)
        .max_tokens_per_client(s.max_tokens)
        .people(s.people)
        .client("robot", "robot-secret", &[s.scopes.as_str()])
        .header_read_timeout(s.timeouts.0)
        .body_read_timeout(s.timeouts.1)
}

/// One request: method, path (from the origin), bearer token, content type and body.
type Call = (Method, String, Option<String>, Option<&'static str>, String);

/// The round of requests: tokens (both grants), reads, a write, an upload, the journal.
fn round(token: Option<&str>, refresh: Option<&str>) -> Vec<Call> {
    let form = "application/x-www-form-urlencoded";
    let bearer = token.map(str::to_string);
    let mut calls = vec![
        (
            Method::POST,
            "/api/v1/oauth/token".to_string(),
            None,
            Some(form),
            "grant_type=client_credentials&client_id=robot&client_secret=robot-secret".to_string(),
        ),
        (Method::GET, "/api/v1/people?per_page=100".to_string(), bearer.clone(), None, String::new()),
        (Method::GET, "/api/v1/people".to_string(), None, None, String::new()),
        (
            Method::POST,
            "/api/v1/people".to_string(),
            bearer.clone(),
            Some("application/json"),
            r#"{"fname":"Ada","lname":"Lovelace"}"#.to_string(),
        ),
        (
            Method::POST,
            "/api/v1/people/Farrell/photo".to_string(),
            bearer.clone(),
            Some("multipart/form-data; boundary=b"),
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.gif\"\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n--b--\r\n".to_string(),
        ),
        (Method::GET, "/__mock/journal".to_string(), None, None, String::new()),
        (Method::GET, "/__mock/config".to_string(), None, None, String::new()),
    ];
    if let Some(refresh) = refresh {
        for _ in 0..2 {
            calls.push((
                Method::POST,
                "/api/v1/oauth/token".to_string(),
                None,
                Some(form),
                format!("grant_type=refresh_token&refresh_token={refresh}&client_id=robot&client_secret=robot-secret"),
            ));
        }
    }
    calls
}

fn request(call: &Call, origin: &str) -> Request<Body> {
    let (method, path, token, content_type, body) = call.clone();
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{origin}{path}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.body(Body::from(body)).unwrap()
}

/// Sends the round through `send`, checking every status; a token from the first answer is
/// used by a second round.
async fn exercise<F, Fut>(send: F) -> Result<(), TestCaseError>
where
    F: Fn(Request<Body>) -> Fut,
    Fut: Future<Output = (u16, bytes::Bytes)>,
{
    let mut tokens = (None, None);
    for _ in 0..2 {
        for call in round(tokens.0.as_deref(), tokens.1.as_deref()) {
            let (status, body) = send(request(&call, "")).await;
            prop_assert!(status < 500, "{} {} answered {status}", call.0, call.1);
            if call.1.ends_with("oauth/token") && status == 200 {
                let token: serde_json::Value = serde_json::from_slice(&body).unwrap();
                tokens = (
                    token["access_token"].as_str().map(str::to_string),
                    token["refresh_token"].as_str().map(str::to_string),
                );
            }
        }
    }
    Ok(())
}

async fn check(s: Settings) -> Result<(), TestCaseError> {
    let (router, _) = builder(&s).into_parts();
    exercise(|req| {
        let router = router.clone();
        async move {
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            (
                status,
                axum::body::to_bytes(resp.into_body(), usize::MAX)
                    .await
                    .unwrap(),
            )
        }
    })
    .await?;
    if builder(&s).validate().is_err() {
        let started = builder(&s).try_start().await;
        prop_assert_eq!(
            started.map(drop).unwrap_err().kind(),
            std::io::ErrorKind::InvalidInput
        );
        return Ok(());
    }
    let mock = builder(&s)
        .try_start()
        .await
        .expect("accepted settings start");
    let http = reqwest::Client::new();
    let origin = mock.uri();
    // A read timeout under a second may cut a request off on a busy machine: the server then
    // closes the connection, as it should. A panic would show in the router round above, which
    // has no timeouts.
    let may_cut_off = [s.timeouts.0, s.timeouts.1]
        .iter()
        .any(|t| !t.is_zero() && *t < Duration::from_secs(2));
    exercise(|req| {
        let http = http.clone();
        let origin = origin.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let sent = http
                .request(parts.method, format!("{origin}{}", parts.uri))
                .headers(parts.headers)
                .body(body)
                .send()
                .await;
            let resp = match sent {
                Ok(resp) => resp,
                Err(err) if may_cut_off && !err.is_timeout() => return (0, bytes::Bytes::new()),
                Err(err) => panic!("the server answers: {err}"),
            };
            let status = resp.status().as_u16();
            match resp.bytes().await {
                Ok(bytes) => (status, bytes),
                Err(_) if may_cut_off => (0, bytes::Bytes::new()),
                Err(err) => panic!("the server sends the whole body: {err}"),
            }
        }
    })
    .await
}

proptest! {
    #![proptest_config(support::seed::seeded_config("no_settings_panic_on_start_or_request", 96))]
    #[test]
    fn no_settings_panic_on_start_or_request(s in settings()) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(check(s))?;
    }
}
