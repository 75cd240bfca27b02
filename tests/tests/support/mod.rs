//! Helpers shared by the request-level tests: driving the mock's router without a socket, and the
//! contract's rules for every answer (allowed statuses, the JSON error shape); the token endpoint
//! over a socket in `token_endpoint`.
#![allow(dead_code)]

pub mod seed;

pub mod token_endpoint;

use std::sync::LazyLock;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use people_mock::{MockState, PeopleMock, PeopleMockBuilder};
use serde_json::Value;
use tower::ServiceExt;

/// Every status the contract lets the server answer when no fault is injected.
pub const ALLOWED: [u16; 16] = [
    200, 201, 204, 400, 401, 403, 404, 405, 406, 409, 410, 412, 413, 415, 422, 429,
];

/// The token endpoint.
pub const TOKEN_PATH: &str = "/api/v1/oauth/token";

/// A whole answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `error` member of a JSON error body.
    pub fn error(&self) -> Option<String> {
        self.json()
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

/// A router and its state, with tokens of both default clients.
pub struct App {
    pub router: Router,
    pub state: MockState,
    pub token: String,
    pub reader: String,
}

/// A builder whose rate limit is out of reach, so that only the tested rules answer.
pub fn unlimited() -> PeopleMockBuilder {
    PeopleMock::builder().rate_limit(1_000_000_000, Duration::from_secs(3600))
}

impl App {
    pub async fn new() -> Self {
        Self::with(unlimited()).await
    }

    pub async fn with(builder: PeopleMockBuilder) -> Self {
        let (router, state) = builder.into_parts();
        let mut app = Self {
            router,
            state,
            token: String::new(),
            reader: String::new(),
        };
        app.renew_tokens().await;
        app
    }

    /// New tokens (after a reset, which forgets them).
    pub async fn renew_tokens(&mut self) {
        self.token = self.token_for("demo-client", "demo-secret").await;
        self.reader = self.token_for("reader", "reader-secret").await;
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        call(&self.router, request).await
    }

    pub async fn token_for(&self, id: &str, secret: &str) -> String {
        let body = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");
        let answer = self.send(form(TOKEN_PATH, body)).await;
        assert_eq!(answer.status, StatusCode::OK, "token: {answer:?}");
        answer.json()["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    /// An authenticated GET.
    pub async fn get(&self, path: &str) -> Answer {
        self.send(
            Request::get(path)
                .header(AUTHORIZATION, format!("Bearer {}", self.token))
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await
    }
}

/// Sends one request through the router, without a socket.
pub async fn call(router: &Router, request: Request<Body>) -> Answer {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// A form POST (the token endpoint).
pub fn form(path: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("a valid request")
}

/// Checks what the contract says of every answer: an allowed status, and for an error a JSON
/// body of the error shape (`message`, `error`, `error_code` = status * 1000 + n, optional
/// `details`), the OAuth shape on the token endpoint, and no body at all to HEAD.
pub fn check_answer(method: &Method, path: &str, answer: &Answer) -> Result<(), String> {
    let status = answer.status.as_u16();
    if !ALLOWED.contains(&status) {
        return Err(format!("status {status} is not one the contract allows"));
    }
    if *method == Method::HEAD {
        return if answer.body.is_empty() {
            Ok(())
        } else {
            Err("a HEAD answer has a body".into())
        };
    }
    if status < 400 {
        return Ok(());
    }
    let content_type = answer.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(format!("error {status} is {content_type:?}, not JSON"));
    }
    let text = String::from_utf8_lossy(&answer.body);
    for leak in ["panicked", "<html", "/src/", ".rs:"] {
        if text.contains(leak) {
            return Err(format!("error body holds {leak:?}: {text}"));
        }
    }
    let body: Value =
        serde_json::from_slice(&answer.body).map_err(|e| format!("error body is not JSON: {e}"))?;
    if path == TOKEN_PATH {
        return match body.get("error").and_then(Value::as_str) {
            Some(_) => Ok(()),
            None => Err(format!("token endpoint error without `error`: {body}")),
        };
    }
    let message = body.get("message").and_then(Value::as_str);
    let error = body.get("error").and_then(Value::as_str);
    let code = body.get("error_code").and_then(Value::as_u64);
    match (message, error, code) {
        (Some(m), Some(e), Some(c))
            if !m.is_empty() && !e.is_empty() && c / 1000 == u64::from(status) => {}
        _ => {
            return Err(format!(
                "error {status} body is not the error shape: {body}"
            ));
        }
    }
    if let Some(details) = body.get("details") {
        let ok = details.as_array().is_some_and(|items| {
            items.iter().all(|d| {
                d.get("field").and_then(Value::as_str).is_some()
                    && d.get("message").and_then(Value::as_str).is_some()
            })
        });
        if !ok {
            return Err(format!("malformed details: {body}"));
        }
    }
    Ok(())
}

/// Whether the spec accepts `name`: 1–64 characters matching the `Lname` schema's pattern for a
/// key (`is_key`), the `Fname` schema's otherwise. The patterns are read from the spec, so the
/// model is the spec's rule itself, not a reading of it.
pub fn name_ok(name: &str, is_key: bool) -> bool {
    static LNAME: LazyLock<regress::Regex> =
        LazyLock::new(|| spec_pattern("/components/schemas/Lname/pattern"));
    static FNAME: LazyLock<regress::Regex> =
        LazyLock::new(|| spec_pattern("/components/schemas/Fname/pattern"));
    let pattern = if is_key { &LNAME } else { &FNAME };
    (1..=64).contains(&name.chars().count()) && pattern.find(name).is_some()
}

/// The spec's pattern at `pointer` (a JSON pointer), compiled as the ECMAScript expression it is.
pub fn spec_pattern(pointer: &str) -> regress::Regex {
    let spec = people_contract_tests::spec();
    let text = spec
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no pattern at {pointer}"));
    regress::Regex::new(text).expect("the pattern compiles")
}

/// A path segment with every byte but ASCII letters and digits percent-encoded.
pub fn encode_all(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A multi-thread-free runtime for driving the router from a property test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}
