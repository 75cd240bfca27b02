//! The request journal: a bounded ring buffer of what the server received.
//!
//! Only the request line, the headers (with credentials redacted), the status
//! and the latency are kept; never a body. Each header value and the query are
//! capped (see [`MAX_VALUE_BYTES`](crate::journal_cap::MAX_VALUE_BYTES)), and the
//! journal as a whole is bounded by its entry count and its bytes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use http::HeaderMap;

use crate::journal_cap::capped_text;
use crate::journal_ring::Ring;
use crate::sync::lock;

/// What replaces the value of a credential header or query parameter.
pub const REDACTED: &str = "[redacted]";

/// One recorded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// The request method, e.g. `GET`.
    pub method: String,
    /// The path as sent (percent-encoded), e.g. `/api/v1/people/O%27Brien`.
    pub path: String,
    /// The query string as sent, with credential parameters (`access_token`, `id_token`,
    /// `api_key`, `code`…) redacted.
    pub query: Option<String>,
    /// The request headers in order, credential values (`Authorization`, `Cookie`,
    /// `X-Auth-Token`, `Api-Key`…) redacted.
    pub headers: Vec<(String, String)>,
    /// The response status; 0 when the connection was dropped by a fault.
    pub status: u16,
    /// Time from receiving the request head to producing the response head.
    pub latency: Duration,
    /// When the request arrived.
    pub at: DateTime<Utc>,
    /// Whether a header value or the query was cut to
    /// [`MAX_JOURNAL_VALUE_BYTES`](crate::MAX_JOURNAL_VALUE_BYTES) bytes.
    pub truncated: bool,
}

impl JournalEntry {
    pub(crate) fn new(
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        at: DateTime<Utc>,
    ) -> Self {
        let (query, query_cut) = match query.map(redact_query) {
            Some(query) => {
                let (text, cut) = capped_text(query.as_bytes());
                (Some(text), cut)
            }
            None => (None, false),
        };
        let (headers, headers_cut) = redact_headers(headers);
        Self {
            method: method.to_string(),
            path: path.to_string(),
            query,
            headers,
            status: 0,
            latency: Duration::ZERO,
            at,
            truncated: query_cut || headers_cut,
        }
    }

    /// The value of the first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The JSON form used by the admin surface.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
            "status": self.status,
            "latency_ms": self.latency.as_secs_f64() * 1000.0,
            "at": crate::store::format_time(&self.at),
            "truncated": self.truncated,
        })
    }
}

/// The headers with secrets redacted and long values capped; `true` when a value was cut.
fn redact_headers(headers: &HeaderMap) -> (Vec<(String, String)>, bool) {
    let mut cut_any = false;
    let kept = headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_string();
            let value = if crate::redaction::is_secret(&name) {
                REDACTED.to_string()
            } else {
                let (text, cut) = capped_text(value.as_bytes());
                cut_any |= cut;
                text
            };
            (name, value)
        })
        .collect();
    (kept, cut_any)
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            if crate::redaction::is_secret(name) {
                format!("{name}={REDACTED}")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The bounded journal.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    entries: Mutex<Ring>,
}

impl Journal {
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(Ring::new(capacity, max_bytes)),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.capacity > 0
    }

    pub(crate) fn record(&self, entry: JournalEntry) {
        if self.capacity == 0 {
            return;
        }
        lock(&self.entries).push(entry);
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        lock(&self.entries).iter().cloned().collect()
    }

    /// The entries, oldest first, shared with the journal rather than copied.
    pub(crate) fn shared(&self) -> Vec<Arc<JournalEntry>> {
        lock(&self.entries).shared()
    }

    pub(crate) fn count(&self, method: &str, pattern: &str) -> usize {
        lock(&self.entries)
            .iter()
            .filter(|e| e.method.eq_ignore_ascii_case(method) && path_matches(pattern, &e.path))
            .count()
    }

    /// Forgets every entry and gives back their storage; returns how many there were.
    pub(crate) fn clear(&self) -> usize {
        lock(&self.entries).clear()
    }
}

/// Exact path, or a prefix when the pattern ends with `*`.
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => path == pattern,
    }
}

/// An expectation on the number of recorded requests, checked with
/// [`PeopleMock::verify`](crate::PeopleMock::verify).
///
/// ```
/// use people_mock::Expect;
/// let once = Expect::requests("POST", "/api/v1/oauth/token").times(1);
/// let some = Expect::requests("GET", "/api/v1/people*").at_least(2);
/// # let _ = (once, some);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    method: String,
    path: String,
    min: usize,
    max: Option<usize>,
}

impl Expect {
    /// Requests with this method and path (exact, or a prefix ending with `*`).
    /// Without a count, at least one is expected.
    pub fn requests(method: &str, path: &str) -> Self {
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            min: 1,
            max: None,
        }
    }

    /// Exactly `n` requests.
    pub fn times(mut self, n: usize) -> Self {
        self.min = n;
        self.max = Some(n);
        self
    }

    /// At least `n` requests.
    pub fn at_least(mut self, n: usize) -> Self {
        self.min = n;
        self
    }

    /// At most `n` requests.
    pub fn at_most(mut self, n: usize) -> Self {
        self.max = Some(n);
        if self.min > n {
            self.min = 0;
        }
        self
    }

    /// No such request.
    pub fn never(self) -> Self {
        self.times(0)
    }

    pub(crate) fn check(&self, journal: &Journal) -> Result<(), String> {
        let seen = journal.count(&self.method, &self.path);
        let ok = seen >= self.min && self.max.is_none_or(|max| seen <= max);
        if ok {
            return Ok(());
        }
        let wanted = match self.max {
            Some(max) if max == self.min => format!("exactly {max}"),
            Some(max) => format!("between {} and {max}", self.min),
            None => format!("at least {}", self.min),
        };
        Err(format!(
            "expected {wanted} {} {} request(s), received {seen}",
            self.method, self.path
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal_cap::MAX_VALUE_BYTES;
    use http::HeaderValue;

    fn entry(method: &str, path: &str) -> JournalEntry {
        JournalEntry::new(method, path, None, &HeaderMap::new(), Utc::now())
    }

    #[test]
    fn ring_buffer_is_bounded() {
        let journal = Journal::new(2, usize::MAX);
        journal.record(entry("GET", "/a"));
        journal.record(entry("GET", "/b"));
        journal.record(entry("GET", "/c"));
        let paths: Vec<_> = journal.entries().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["/b", "/c"]);
        let off = Journal::new(0, usize::MAX);
        off.record(entry("GET", "/a"));
        assert!(off.entries().is_empty());
    }

    #[test]
    fn redaction() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer secret"));
        headers.insert("cookie", HeaderValue::from_static("a=b"));
        headers.insert("accept", HeaderValue::from_static("*/*"));
        let e = JournalEntry::new(
            "GET",
            "/x",
            Some("page=1&access_token=abc"),
            &headers,
            Utc::now(),
        );
        assert_eq!(e.header("Authorization"), Some(REDACTED));
        assert_eq!(e.header("cookie"), Some(REDACTED));
        assert_eq!(e.header("accept"), Some("*/*"));
        assert_eq!(e.query.as_deref(), Some("page=1&access_token=[redacted]"));
        assert!(!e.truncated);
    }

    #[test]
    fn long_values_are_capped_and_flagged() {
        let long = "v".repeat(MAX_VALUE_BYTES * 50);
        let mut headers = HeaderMap::new();
        headers.insert("x-big", HeaderValue::from_str(&long).unwrap());
        headers.insert("accept", HeaderValue::from_static("*/*"));
        let e = JournalEntry::new("GET", "/x", None, &headers, Utc::now());
        assert_eq!(e.header("x-big").map(str::len), Some(MAX_VALUE_BYTES));
        assert_eq!(e.header("accept"), Some("*/*"));
        assert!(e.truncated);
        assert_eq!(e.to_json()["truncated"], true);
        let query = format!("q={long}");
        let e = JournalEntry::new("GET", "/x", Some(&query), &HeaderMap::new(), Utc::now());
        assert_eq!(e.query.as_deref().map(str::len), Some(MAX_VALUE_BYTES));
        assert!(e.truncated);
    }

    #[test]
    fn expectations() {
        let journal = Journal::new(10, usize::MAX);
        journal.record(entry("POST", "/api/v1/oauth/token"));
        assert!(
            Expect::requests("post", "/api/v1/oauth/token")
                .times(1)
                .check(&journal)
                .is_ok()
        );
        assert!(
            Expect::requests("POST", "/api/v1/*")
                .at_least(2)
                .check(&journal)
                .is_err()
        );
        assert!(
            Expect::requests("GET", "/api/v1/people")
                .never()
                .check(&journal)
                .is_ok()
        );
        let err = Expect::requests("GET", "/x")
            .times(2)
            .check(&journal)
            .unwrap_err();
        assert!(err.contains("exactly 2"), "{err}");
    }
}
