//! Rate-limit headers: [`RateLimit`].
//!
//! Every `/people…` response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
//! `X-RateLimit-Reset` (Unix seconds at which the window ends). The SDK parses them from every
//! response: [`Client::last_rate_limit`](crate::Client::last_rate_limit) has those of the last
//! response the client saw, [`Page::rate_limit`](crate::Page::rate_limit) and
//! [`Fetched::rate_limit`](crate::Fetched::rate_limit) those of one response, and
//! [`Error::rate_limit`](crate::Error::rate_limit) those of an error response.
//!
//! `Retry-After` (delay seconds or an HTTP date), the other header that says how fast to go, is
//! read here too: [`Error::retry_after`](crate::Error::retry_after) has it, and the retry policy
//! waits for it.
//!
//! ```
//! use http::HeaderMap;
//! use people_sdk::RateLimit;
//!
//! let mut headers = HeaderMap::new();
//! headers.insert("x-ratelimit-limit", "600".parse().unwrap());
//! headers.insert("x-ratelimit-remaining", "599".parse().unwrap());
//! headers.insert("x-ratelimit-reset", "1795694400".parse().unwrap());
//! let rl = RateLimit::from_headers(&headers).unwrap();
//! assert_eq!((rl.limit, rl.remaining, rl.reset), (600, 599, 1_795_694_400));
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName};

/// The rate-limit window of the client, as the server last reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed per window (`X-RateLimit-Limit`).
    pub limit: u64,
    /// Requests left in the current window (`X-RateLimit-Remaining`).
    pub remaining: u64,
    /// When the current window ends, in Unix seconds (`X-RateLimit-Reset`).
    pub reset: u64,
}

impl RateLimit {
    /// Parses the three `X-RateLimit-*` headers; `None` unless all three are present and valid.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        // Constant names: a `&str` name would be parsed and checked on every lookup.
        static LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
        static REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
        static RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
        fn num(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
            headers.get(name)?.to_str().ok()?.trim().parse().ok()
        }
        Some(RateLimit {
            limit: num(headers, &LIMIT)?,
            remaining: num(headers, &REMAINING)?,
            reset: num(headers, &RESET)?,
        })
    }

    /// The rate limit the client parsed from this response's headers when it arrived.
    pub(crate) fn of(response: &reqwest::Response) -> Option<RateLimit> {
        response.extensions().get::<RateLimit>().copied()
    }

    /// When the current window ends.
    pub fn reset_at(&self) -> SystemTime {
        UNIX_EPOCH
            .checked_add(Duration::from_secs(self.reset))
            .unwrap_or(UNIX_EPOCH)
    }

    /// How long until the current window ends (zero if it has ended).
    pub fn reset_in(&self) -> Duration {
        self.reset_at()
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
    }

    /// Whether no request is left in the current window.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == 0
    }
}

/// Parses `Retry-After` (delay seconds or an HTTP date) into a wait from now.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    parse_retry_after_value(value, SystemTime::now())
}

pub(crate) fn parse_retry_after_value(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_all_three_valid_headers() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", "10".parse().unwrap());
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&h), None);
        h.insert("x-ratelimit-reset", "nope".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&h), None);
        h.insert("x-ratelimit-reset", "0".parse().unwrap());
        let rl = RateLimit::from_headers(&h).unwrap();
        assert!(rl.is_exhausted());
        assert_eq!(rl.reset_in(), Duration::ZERO);
        h.insert("x-ratelimit-reset", u64::MAX.to_string().parse().unwrap());
        let _ = RateLimit::from_headers(&h).unwrap().reset_at();
    }
}
