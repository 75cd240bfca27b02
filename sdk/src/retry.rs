//! Retries: [`RetryPolicy`].
//!
//! By default a call is tried at most **3 times** in all. What is retried:
//!
//! | failure | methods |
//! |---|---|
//! | `429 Too Many Requests`, `503 Service Unavailable` | every method: the server did nothing |
//! | `502 Bad Gateway`, `504 Gateway Timeout` | idempotent methods only (`GET`, `HEAD`, `PUT`, `DELETE`) |
//! | connection failures and timeouts, before any response | idempotent methods only |
//! | anything else (other `4xx`, `500`, decoding errors, ...) | never |
//!
//! `POST` and `PATCH` are not idempotent, so a `502` to a create or a patch is returned at once:
//! the server may have acted on it.
//!
//! **Waiting.** When the response has a `Retry-After` header (seconds, or an HTTP date), the SDK
//! waits that long, if it is at most [`RetryPolicy::max_retry_after`] (default 30 s); if the server
//! asks for longer, the SDK does not wait and returns the error at once (its
//! [`Error::retry_after`](crate::Error::retry_after) says how long to wait). Without
//! `Retry-After`, the wait is an exponential backoff with jitter: the n-th retry waits a random
//! time between half and all of `min(initial_backoff * 2^(n-1), max_backoff)`, by default from
//! 100 ms, capped at 5 s.
//!
//! A call whose request body is a one-shot stream (an upload from an `AsyncRead`) is never
//! retried. Every retry is logged at `debug` level by `tracing`, with its reason and the wait.
//!
//! ```
//! use std::time::Duration;
//! use people_sdk::RetryPolicy;
//!
//! let patient = RetryPolicy::default()
//!     .with_max_attempts(5)
//!     .with_initial_backoff(Duration::from_millis(250))
//!     .with_max_retry_after(Duration::from_secs(120));
//! assert_eq!(patient.max_attempts(), 5);
//! assert_eq!(RetryPolicy::none().max_attempts(), 1);
//! ```

use std::time::Duration;

use http::{Method, StatusCode};

use crate::error::{Error, ErrorKind};

/// When and how often failed calls are retried. See the [module documentation](self).
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a policy does nothing until it is given to a client builder"]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// At most 3 attempts; backoff from 100 ms capped at 5 s, with jitter; `Retry-After` honoured
    /// up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again; the reason is for the log.
    Retry { wait: Duration, reason: String },
    /// Return the error.
    GiveUp,
}

impl RetryPolicy {
    /// The default policy (same as [`RetryPolicy::default`]).
    pub fn new() -> Self {
        RetryPolicy::default()
    }

    /// A policy that never retries: every call is tried once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The number of attempts in all, the first one included (at least 1; default 3).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry when the server sent no `Retry-After` (default 100 ms);
    /// it doubles with each further retry.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts (default 5 s).
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the SDK waits for (default 30 s). A longer one is not waited
    /// for: the error is returned at once.
    pub fn with_max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Whether backoffs are randomised (default `true`), so that many clients failing together do
    /// not retry together.
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The number of attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest `Retry-After` waited for.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether backoffs are randomised.
    pub fn jitter(&self) -> bool {
        self.jitter
    }

    /// The backoff before retry number `retry` (1 for the first retry), jitter included.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(30);
        let full = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        if !self.jitter || full.is_zero() {
            return full;
        }
        let half = full / 2;
        let spread = u64::try_from((full - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=spread))
    }

    /// Decides about `err`, the failure of attempt number `attempt` (from 1) of a call whose
    /// method is idempotent or not.
    pub(crate) fn decide(&self, err: &Error, idempotent: bool, attempt: u32) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        let status = err.status();
        let reason = match (err.kind(), status.map(|s| s.as_u16())) {
            (ErrorKind::RateLimited, _) | (ErrorKind::Unavailable, _) => match status {
                Some(s) => format!("HTTP {s}"),
                None => err.kind().to_string(),
            },
            (ErrorKind::Server, Some(code @ (502 | 504))) if idempotent => {
                format!(
                    "HTTP {}",
                    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY)
                )
            }
            (ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Transport, None)
                if idempotent =>
            {
                err.kind().to_string()
            }
            _ => return Decision::GiveUp,
        };
        let wait = match err.retry_after() {
            Some(wait) if wait > self.max_retry_after => return Decision::GiveUp,
            Some(wait) => wait,
            None => self.backoff(attempt),
        };
        Decision::Retry { wait, reason }
    }
}

/// Whether a method is idempotent (RFC 9110 section 9.2.2), so a failed attempt may be repeated.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use http::HeaderMap;

    use super::*;
    use crate::rate_limit::parse_retry_after_value;

    fn status_error(code: u16, retry_after: Option<&str>) -> Error {
        let mut headers = HeaderMap::new();
        if let Some(v) = retry_after {
            headers.insert(http::header::RETRY_AFTER, v.parse().unwrap());
        }
        Error::from_parts(StatusCode::from_u16(code).unwrap(), headers, b"")
    }

    #[test]
    fn which_failures_are_retried() {
        let p = RetryPolicy::default();
        for (code, idempotent, retried) in [
            (429, false, true),
            (503, false, true),
            (429, true, true),
            (502, true, true),
            (504, true, true),
            (502, false, false),
            (504, false, false),
            (500, true, false),
            (400, true, false),
            (404, true, false),
            (409, false, false),
            (412, true, false),
        ] {
            let d = p.decide(&status_error(code, None), idempotent, 1);
            assert_eq!(
                matches!(d, Decision::Retry { .. }),
                retried,
                "{code} {idempotent}"
            );
        }
        let connect = Error::new(ErrorKind::Connect);
        assert!(matches!(
            p.decide(&connect, true, 1),
            Decision::Retry { .. }
        ));
        assert_eq!(p.decide(&connect, false, 1), Decision::GiveUp);
        let decode = Error::new(ErrorKind::Decode);
        assert_eq!(p.decide(&decode, true, 1), Decision::GiveUp);
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy::default();
        let err = status_error(503, None);
        assert!(matches!(p.decide(&err, true, 2), Decision::Retry { .. }));
        assert_eq!(p.decide(&err, true, 3), Decision::GiveUp);
        assert_eq!(RetryPolicy::none().decide(&err, true, 1), Decision::GiveUp);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_limit() {
        let p = RetryPolicy::default();
        match p.decide(&status_error(429, Some("2")), false, 1) {
            Decision::Retry { wait, .. } => assert_eq!(wait, Duration::from_secs(2)),
            d => panic!("{d:?}"),
        }
        assert_eq!(
            p.decide(&status_error(503, Some("31")), true, 1),
            Decision::GiveUp
        );
    }

    #[test]
    fn retry_after_as_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(
            parse_retry_after_value(&later, now),
            Some(Duration::from_secs(7))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after_value(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after_value("soon", now), None);
        assert_eq!(parse_retry_after_value("-3", now), None);
    }

    /// The last second an HTTP date can name: 9999-12-31 23:59:59 UTC.
    const LAST_HTTP_DATE: u64 = 253_402_300_799;

    proptest::proptest! {
        #![proptest_config(crate::proptest_seed::config(256))]
        #[test]
        fn retry_after_parsing_never_panics(value in "\\PC{0,40}", secs in 0u64..4_000_000_000) {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
            let got = parse_retry_after_value(&value, now);
            // Every number and every date has a digit: without one, there is no wait.
            if !value.bytes().any(|b| b.is_ascii_digit()) {
                proptest::prop_assert_eq!(got, None);
            }
        }

        #[test]
        fn retry_after_seconds_round_trip(secs in proptest::prelude::any::<u64>()) {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
            proptest::prop_assert_eq!(
                parse_retry_after_value(&secs.to_string(), now),
                Some(Duration::from_secs(secs))
            );
        }

        #[test]
        fn retry_after_dates_are_waited_for_until_then_and_no_longer(
            at in 0u64..=LAST_HTTP_DATE,
            now_secs in 0u64..=LAST_HTTP_DATE,
            now_nanos in 0u32..1_000_000_000,
        ) {
            let date = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(at));
            let now = Duration::new(now_secs, now_nanos);
            let want = Duration::from_secs(at).checked_sub(now).unwrap_or(Duration::ZERO);
            let got = parse_retry_after_value(&date, SystemTime::UNIX_EPOCH + now);
            proptest::prop_assert_eq!(got, Some(want), "{}", date);
            if at <= now_secs {
                // A date that has passed means no wait.
                proptest::prop_assert_eq!(got, Some(Duration::ZERO));
            }
        }

        #[test]
        fn backoff_is_within_half_and_all_of_the_capped_step(
            initial_ms in 0u64..20_000,
            max_ms in 0u64..120_000,
            retry in 1u32..200,
            jitter in proptest::prelude::any::<bool>(),
        ) {
            let (initial, max) = (Duration::from_millis(initial_ms), Duration::from_millis(max_ms));
            let policy = RetryPolicy::default()
                .with_initial_backoff(initial)
                .with_max_backoff(max)
                .with_jitter(jitter);
            // initial * 2^(retry - 1), capped; with initial >= 1 ms the cap is reached long
            // before retry 31, so the doubling never needs more than 2^30.
            let doubled = u128::from(initial_ms) << (retry - 1).min(40);
            let step = Duration::from_millis(doubled.min(u128::from(max_ms)) as u64);
            let got = policy.backoff(retry);
            proptest::prop_assert!(got <= max, "{:?} over the cap {:?}", got, max);
            if jitter {
                proptest::prop_assert!(got >= step / 2 && got <= step, "{:?} for {:?}", got, step);
            } else {
                proptest::prop_assert_eq!(got, step);
            }
        }

        #[test]
        fn retry_after_is_waited_exactly_up_to_the_limit(
            limit in 0u64..1_000,
            beyond in -2i64..=2,
            status in proptest::sample::select(vec![429u16, 503]),
            attempt in 1u32..3,
        ) {
            // Around the limit, where an off-by-one would show.
            let retry_after = limit.saturating_add_signed(beyond);
            let policy = RetryPolicy::default().with_max_retry_after(Duration::from_secs(limit));
            let err = status_error(status, Some(&retry_after.to_string()));
            let decision = policy.decide(&err, false, attempt);
            if retry_after <= limit {
                let is_exact = matches!(
                    decision,
                    Decision::Retry { wait, .. } if wait == Duration::from_secs(retry_after)
                );
                proptest::prop_assert!(is_exact, "{:?}", decision);
            } else {
                proptest::prop_assert_eq!(decision, Decision::GiveUp);
            }
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default().with_jitter(false);
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(400));
        assert_eq!(p.backoff(40), Duration::from_secs(5));
        let j = RetryPolicy::default();
        for retry in 1..10 {
            let full = p.backoff(retry);
            let got = j.backoff(retry);
            assert!(got >= full / 2 && got <= full, "{got:?} vs {full:?}");
        }
    }
}
