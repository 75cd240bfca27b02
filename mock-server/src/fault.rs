//! Fault injection: canned failures for the next requests matching a method and a path.
//!
//! The vocabulary follows wiremock: a [`Fault`] is matched by method and path,
//! may be limited to a number of uses with [`Fault::times`], and when several
//! match, the one with the lowest [`Fault::priority`] wins (then the oldest).

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode};
use serde::Serialize;

use crate::errors::ApiError;
use crate::sync::lock;

/// The identifier of an injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FaultId(pub u64);

impl fmt::Display for FaultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a fault does to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status and the API's JSON error body for it (the OAuth
    /// shape on the token endpoint), with `Retry-After` when set, and always on
    /// a 503 or 429 (1 s by default).
    Status {
        /// The HTTP status (an invalid one is answered as 500).
        status: u16,
        /// The `Retry-After` value, sent in whole seconds.
        retry_after: Option<Duration>,
    },
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Close the connection without answering.
    DropConnection,
    /// Answer with this status, `Content-Type: application/json` and a body
    /// that is not valid JSON.
    MalformedBody {
        /// The HTTP status (an invalid one is answered as 500).
        status: u16,
    },
}

impl FaultKind {
    fn name(&self) -> &'static str {
        match self {
            FaultKind::Status { .. } => "status",
            FaultKind::Delay(_) => "delay",
            FaultKind::DropConnection => "drop",
            FaultKind::MalformedBody { .. } => "malformed",
        }
    }
}

/// Asks the connection's task to close the socket without answering.
#[derive(Debug, Clone)]
pub(crate) struct DropSignal(pub(crate) std::sync::Arc<tokio::sync::Notify>);

/// A fault to inject with [`PeopleMock::inject`](crate::PeopleMock::inject).
///
/// ```
/// use std::time::Duration;
/// use people_mock::Fault;
///
/// let outage = Fault::status(503)
///     .retry_after(Duration::from_secs(1))
///     .method("GET")
///     .path("/api/v1/people")
///     .times(2)
///     .priority(1);
/// let slow_everything = Fault::delay(Duration::from_millis(50)).path("/api/v1/*");
/// # let _ = (outage, slow_everything);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    kind: FaultKind,
    method: Option<String>,
    path: Option<String>,
    times: Option<u32>,
    priority: u8,
}

/// The priority of a fault that does not set one.
pub const DEFAULT_PRIORITY: u8 = 5;

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            method: None,
            path: None,
            times: None,
            priority: DEFAULT_PRIORITY,
        }
    }

    /// Answer with `status` and the JSON error body of that status.
    ///
    /// ```
    /// use people_mock::{Fault, FaultKind};
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(Fault::status(503));
    /// assert_eq!(state.faults()[0].kind, FaultKind::Status { status: 503, retry_after: None });
    /// ```
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status {
            status,
            retry_after: None,
        })
    }

    /// Wait `delay`, then handle the request normally.
    ///
    /// ```
    /// use std::time::Duration;
    /// use people_mock::{Fault, FaultKind};
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(Fault::delay(Duration::from_millis(20)));
    /// assert_eq!(state.faults()[0].kind, FaultKind::Delay(Duration::from_millis(20)));
    /// ```
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// Close the connection without sending a response.
    ///
    /// ```
    /// use people_mock::{Fault, FaultKind};
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(Fault::drop_connection());
    /// assert_eq!(state.faults()[0].kind, FaultKind::DropConnection);
    /// ```
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// Answer with `status` and a truncated, invalid JSON body.
    ///
    /// ```
    /// use people_mock::{Fault, FaultKind};
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(Fault::malformed_body(200));
    /// assert_eq!(state.faults()[0].kind, FaultKind::MalformedBody { status: 200 });
    /// ```
    pub fn malformed_body(status: u16) -> Self {
        Self::new(FaultKind::MalformedBody { status })
    }

    /// Sets `Retry-After` (whole seconds) on a status fault; ignored by other kinds.
    /// Without it a 503 or 429 fault sends `Retry-After: 1`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use people_mock::{Fault, FaultKind};
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(Fault::status(429).retry_after(Duration::from_secs(3)));
    /// let kind = state.faults()[0].kind.clone();
    /// let three = Some(Duration::from_secs(3));
    /// assert_eq!(kind, FaultKind::Status { status: 429, retry_after: three });
    /// ```
    pub fn retry_after(mut self, after: Duration) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(after);
        }
        self
    }

    /// Matches only this method (case-insensitive). Default: any method.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(500).method("post"));
    /// assert_eq!(state.faults()[0].method.as_deref(), Some("POST"));
    /// ```
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Matches only this path: exact, or a prefix when it ends with `*`
    /// (`/api/v1/people/*`). Compared with the path as sent (percent-encoded).
    /// Default: any path outside `/__mock/`.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(500).path("/api/v1/people/*"));
    /// assert_eq!(state.faults()[0].path.as_deref(), Some("/api/v1/people/*"));
    /// ```
    pub fn path(mut self, path: &str) -> Self {
        self.path = Some(path.to_string());
        self
    }

    /// Applies to the next `n` matching requests only. Default: unlimited.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(500).times(2));
    /// assert_eq!(state.faults()[0].times, Some(2));
    /// ```
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Lower numbers win when several faults match. Default: 5.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(500));
    /// state.inject(people_mock::Fault::status(500).priority(1));
    /// let faults = state.faults();
    /// assert_eq!((faults[0].priority, faults[1].priority), (people_mock::DEFAULT_PRIORITY, 1));
    /// ```
    pub fn priority(mut self, priority: u8) -> Self {
        self.priority = priority;
        self
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        if let Some(want) = &self.method
            && want != method.as_str()
        {
            return false;
        }
        match &self.path {
            None => true,
            Some(pattern) => match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == pattern,
            },
        }
    }
}

/// An injected fault and how often it has been used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultInfo {
    /// Its identifier.
    pub id: FaultId,
    /// What it does.
    pub kind: FaultKind,
    /// The method it matches, if limited to one.
    pub method: Option<String>,
    /// The path pattern it matches, if limited.
    pub path: Option<String>,
    /// How many times it applies in all, if limited.
    pub times: Option<u32>,
    /// Its priority (lower wins).
    pub priority: u8,
    /// How many requests it has affected so far.
    pub uses: u32,
}

impl FaultInfo {
    /// Whether the fault still applies to matching requests.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(500).times(1));
    /// assert!(state.faults()[0].is_active());
    /// ```
    pub fn is_active(&self) -> bool {
        is_active(self.times, self.uses)
    }

    /// The JSON form used by the admin surface.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(503).path("/api/v1/people"));
    /// let json = state.faults()[0].to_json();
    /// assert_eq!((json["kind"].as_str(), json["status"].as_u64()), (Some("status"), Some(503)));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::json!({
            "id": self.id,
            "kind": self.kind.name(),
            "method": self.method,
            "path": self.path,
            "times": self.times,
            "priority": self.priority,
            "uses": self.uses,
            "active": self.is_active(),
        });
        if let Some(map) = value.as_object_mut() {
            match &self.kind {
                FaultKind::Status {
                    status,
                    retry_after,
                } => {
                    map.insert("status".into(), (*status).into());
                    map.insert(
                        "retry_after".into(),
                        retry_after.map(|d| d.as_secs()).into(),
                    );
                }
                FaultKind::Delay(d) => {
                    map.insert(
                        "delay_ms".into(),
                        u64::try_from(d.as_millis()).unwrap_or(u64::MAX).into(),
                    );
                }
                FaultKind::MalformedBody { status } => {
                    map.insert("status".into(), (*status).into());
                }
                FaultKind::DropConnection => {}
            }
        }
        value
    }
}

#[derive(Debug)]
struct Entry {
    id: FaultId,
    fault: Fault,
    uses: u32,
}

impl Entry {
    fn info(&self) -> FaultInfo {
        FaultInfo {
            id: self.id,
            kind: self.fault.kind.clone(),
            method: self.fault.method.clone(),
            path: self.fault.path.clone(),
            times: self.fault.times,
            priority: self.fault.priority,
            uses: self.uses,
        }
    }

    fn active(&self) -> bool {
        is_active(self.fault.times, self.uses)
    }
}

/// Whether a fault allowed `times` uses (all when `None`) applies after `uses`.
fn is_active(times: Option<u32>, uses: u32) -> bool {
    times.is_none_or(|t| uses < t)
}

/// The injected faults.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    entries: Mutex<Vec<Entry>>,
    next_id: AtomicU64,
}

impl FaultSet {
    pub(crate) fn add(&self, fault: Fault) -> FaultId {
        let id = FaultId(self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        lock(&self.entries).push(Entry { id, fault, uses: 0 });
        id
    }

    pub(crate) fn list(&self) -> Vec<FaultInfo> {
        lock(&self.entries).iter().map(Entry::info).collect()
    }

    pub(crate) fn remove(&self, id: FaultId) -> bool {
        let mut entries = lock(&self.entries);
        let before = entries.len();
        entries.retain(|e| e.id != id);
        entries.len() != before
    }

    pub(crate) fn clear(&self) -> usize {
        let mut entries = lock(&self.entries);
        let count = entries.len();
        entries.clear();
        count
    }

    /// Picks the fault for a request and counts the use.
    pub(crate) fn take(&self, method: &Method, path: &str) -> Option<FaultKind> {
        let mut entries = lock(&self.entries);
        let chosen = entries
            .iter_mut()
            .filter(|e| e.active() && e.fault.matches(method, path))
            .min_by_key(|e| (e.fault.priority, e.id))?;
        chosen.uses += 1;
        Some(chosen.fault.kind.clone())
    }
}

fn status_or_500(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .ok()
        .filter(|s| !s.is_informational())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The response of a status fault: the API's error body for the status, or
/// the OAuth shape on the token endpoint. A 503 or 429 always carries
/// `Retry-After` (1 s unless the fault sets it).
pub(crate) fn status_response(status: u16, retry_after: Option<Duration>, oauth: bool) -> Response {
    let status = status_or_500(status);
    let retry_after = match (retry_after, status.as_u16()) {
        (Some(after), _) => Some(after.as_secs()),
        (None, 429 | 503) => Some(1),
        (None, _) => None,
    };
    let mut response = if oauth {
        let (error, description) = match status.as_u16() {
            503 => (
                "temporarily_unavailable",
                "the service is unavailable (injected fault)",
            ),
            500..=599 => ("server_error", "internal error (injected fault)"),
            _ => ("invalid_request", "injected fault"),
        };
        crate::errors::oauth_error(status, error, description)
    } else {
        ApiError::injected(status).into_response()
    };
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// The response of a malformed-body fault.
pub(crate) fn malformed_response(status: u16) -> Response {
    let mut response = Response::new(Body::from(r#"{"data": [{"fname": "Doug", "lname": "#));
    *response.status_mut() = status_or_500(status);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A response whose body fails at once, for a dropped connection without a socket to close.
pub(crate) fn broken_response() -> Response {
    let stream = futures::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by an injected fault",
        ))
    });
    Response::new(Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_then_age() {
        let set = FaultSet::default();
        set.add(Fault::status(500).times(1));
        set.add(
            Fault::status(503)
                .priority(1)
                .path("/api/v1/people")
                .times(1),
        );
        let get = Method::GET;
        assert_eq!(
            set.take(&get, "/api/v1/people"),
            Some(FaultKind::Status {
                status: 503,
                retry_after: None
            })
        );
        assert_eq!(
            set.take(&get, "/api/v1/people"),
            Some(FaultKind::Status {
                status: 500,
                retry_after: None
            })
        );
        assert_eq!(set.take(&get, "/api/v1/people"), None);
        let uses: Vec<u32> = set.list().iter().map(|f| f.uses).collect();
        assert_eq!(uses, [1, 1]);
    }

    #[test]
    fn matching() {
        let f = Fault::drop_connection()
            .method("post")
            .path("/api/v1/people/*");
        assert!(f.matches(&Method::POST, "/api/v1/people/Farrell"));
        assert!(!f.matches(&Method::GET, "/api/v1/people/Farrell"));
        assert!(!f.matches(&Method::POST, "/api/v1/oauth/token"));
    }
}
