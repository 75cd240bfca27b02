//! The headers of each attempt, as `TRACE` events of target `people_sdk::headers`, with every
//! value that is a secret or may name a person redacted.
//!
//! Off unless a subscriber enables that target at `TRACE`: formatting costs nothing otherwise.
//! Redacted: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` (secrets), and
//! `Location`, `Link`, `Content-Location`, `Content-Disposition` (paths, queries and file names,
//! which hold people's names, as the spans' rule for paths has it). The header's name stays, so
//! a reader sees that it was sent.

use std::fmt;

use http::HeaderMap;
use http::header::{
    AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_LOCATION, COOKIE, HeaderName, LINK, LOCATION,
    PROXY_AUTHORIZATION, SET_COOKIE,
};

/// The target of the header events.
pub(crate) const TARGET: &str = "people_sdk::headers";

/// Headers whose values are never shown.
const REDACTED: [HeaderName; 8] = [
    AUTHORIZATION,
    PROXY_AUTHORIZATION,
    COOKIE,
    SET_COOKIE,
    LOCATION,
    LINK,
    CONTENT_LOCATION,
    CONTENT_DISPOSITION,
];

/// Headers shown one `name: value` a line, redacted as the module says.
pub(crate) struct Shown<'a>(pub(crate) &'a HeaderMap);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            if REDACTED.contains(name) || value.is_sensitive() {
                write!(f, "{name}: [redacted]")?;
            } else {
                write!(f, "{name}: {}", String::from_utf8_lossy(value.as_bytes()))?;
            }
        }
        Ok(())
    }
}

/// Emits the request's headers.
pub(crate) fn request(headers: &HeaderMap) {
    tracing::trace!(target: TARGET, direction = "request", headers = %Shown(headers), "headers");
}

/// Emits the response's headers.
pub(crate) fn response(headers: &HeaderMap) {
    tracing::trace!(target: TARGET, direction = "response", headers = %Shown(headers), "headers");
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn secrets_and_names_are_redacted() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer at_secret"));
        headers.insert(LOCATION, HeaderValue::from_static("/api/v1/people/Farrell"));
        headers.insert("x-ratelimit-limit", HeaderValue::from_static("600"));
        let shown = Shown(&headers).to_string();
        assert!(
            !shown.contains("at_secret") && !shown.contains("Farrell"),
            "{shown}"
        );
        assert!(shown.contains("authorization: [redacted]"), "{shown}");
        assert!(shown.contains("x-ratelimit-limit: 600"), "{shown}");
    }
}
