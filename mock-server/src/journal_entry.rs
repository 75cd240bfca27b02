//! One entry of the request journal: the request line, the headers with credentials redacted
//! and each value capped, the status and the latency; never a body.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::HeaderMap;

use crate::journal_cap::capped_text;

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
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use tower::ServiceExt as _;
    ///
    /// let (router, state) = people_mock::PeopleMock::builder().into_parts();
    /// let request = http::Request::get("/api/v1/people")
    ///     .header("authorization", "Bearer secret-token")
    ///     .body(axum::body::Body::empty())
    ///     .unwrap();
    /// router.oneshot(request).await.unwrap();
    /// let entry = &state.journal()[0];
    /// assert_eq!(entry.header("Authorization"), Some(people_mock::REDACTED));
    /// # }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The JSON form used by the admin surface.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use tower::ServiceExt as _;
    ///
    /// let (router, state) = people_mock::PeopleMock::builder().into_parts();
    /// let request = http::Request::get("/api/v1/people")
    ///     .header("authorization", "Bearer secret-token")
    ///     .body(axum::body::Body::empty())
    ///     .unwrap();
    /// router.oneshot(request).await.unwrap();
    /// let entry = &state.journal()[0];
    /// assert_eq!(entry.to_json()["status"], 401);
    /// # }
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
            "status": self.status,
            "latency_ms": self.latency.as_secs_f64() * 1000.0,
            "at": crate::time_text::format_time(&self.at),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal_cap::MAX_VALUE_BYTES;
    use http::HeaderValue;

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
}
