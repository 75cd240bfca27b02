//! The request journal: a bounded ring buffer of what the server received.
//!
//! Only the request line, the headers (with credentials redacted), the status
//! and the latency are kept; never a body. Each header value and the query are
//! capped (see [`MAX_VALUE_BYTES`](crate::journal_cap::MAX_VALUE_BYTES)), and the
//! journal as a whole is bounded by its entry count and its bytes.

use std::sync::{Arc, Mutex};

use crate::journal_entry::JournalEntry;
use crate::journal_ring::Ring;
use crate::sync::lock;

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
    ///
    /// ```
    /// use people_mock::Expect;
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert!(state.verify(&Expect::requests("GET", "/api/v1/people").never()).is_ok());
    /// ```
    pub fn requests(method: &str, path: &str) -> Self {
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            min: 1,
            max: None,
        }
    }

    /// Exactly `n` requests.
    ///
    /// ```
    /// use people_mock::Expect;
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// let err = state.verify(&Expect::requests("GET", "/api/v1/people").times(1)).unwrap_err();
    /// assert!(err.contains("exactly 1"), "{err}");
    /// ```
    pub fn times(mut self, n: usize) -> Self {
        self.min = n;
        self.max = Some(n);
        self
    }

    /// At least `n` requests.
    ///
    /// ```
    /// use people_mock::Expect;
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert!(state.verify(&Expect::requests("POST", "/api/v1/*").at_least(1)).is_err());
    /// ```
    pub fn at_least(mut self, n: usize) -> Self {
        self.min = n;
        self
    }

    /// At most `n` requests; with the default of at least one, between one and `n`
    /// (`at_least(0)` lets none through too).
    ///
    /// ```
    /// use people_mock::Expect;
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// let token_requests = Expect::requests("POST", "/api/v1/oauth/token");
    /// assert!(state.verify(&token_requests.clone().at_most(1)).is_err(), "none yet");
    /// assert!(state.verify(&token_requests.at_least(0).at_most(1)).is_ok());
    /// ```
    pub fn at_most(mut self, n: usize) -> Self {
        self.max = Some(n);
        if self.min > n {
            self.min = 0;
        }
        self
    }

    /// No such request.
    ///
    /// ```
    /// use people_mock::Expect;
    ///
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert!(state.verify(&Expect::requests("DELETE", "/api/v1/people/*").never()).is_ok());
    /// ```
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
    use chrono::Utc;
    use http::HeaderMap;

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
