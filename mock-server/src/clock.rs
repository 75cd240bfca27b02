//! [`Clock`]: the time the server's protocol runs on, which a test may hold still and move.
//!
//! What reads it: the `timestamp` of people, the `uploaded_at` of attachments (and so the
//! people's ETags, which hash the timestamp), the end of access and refresh tokens, rate-limit
//! windows and `X-RateLimit-Reset`, the `at` of journal entries, and, with a manual clock, the
//! `Date` header. What stays on the real clock: socket and body timeouts, the shutdown drain,
//! injected delays, the latency the request log and journal report, and the `Date` of the
//! answers written before a request is read (hyper's own `400`/`414`/`431`, the `503` of a
//! connection over the limit). A test that moves the clock never cuts off its own connections.
//!
//! Default: the system clock. A manual clock starts where it is told and moves only when
//! [`advance`](Clock::advance)d or [`set`](Clock::set); a reset of the server puts it back at
//! its start.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Why a clock could not be moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockError {
    /// The server runs on the system clock, which nobody moves.
    NotManual,
    /// The time would leave the range a manual clock covers ([`Clock::EARLIEST`] to
    /// [`Clock::LATEST`]).
    OutOfRange,
}

impl std::fmt::Display for ClockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClockError::NotManual => f.write_str(
                "the server runs on the system clock; start it with a manual clock \
                 (`clock(Clock::manual(..))`, `--clock TIME`) to move time",
            ),
            ClockError::OutOfRange => {
                f.write_str("a manual clock covers 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z")
            }
        }
    }
}

impl std::error::Error for ClockError {}

/// A manual clock's start and current time, in microseconds since 1970.
#[derive(Debug)]
struct Manual {
    start: i64,
    now: AtomicI64,
}

/// The server's clock: the system clock, or a manual one a test moves. Cheap to clone; clones
/// share one time, so a test may keep one and hand another to the
/// [`builder`](crate::PeopleMockBuilder::clock).
///
/// ```
/// use std::time::Duration;
/// use people_mock::Clock;
///
/// let start = "2030-01-01T00:00:00Z".parse().unwrap();
/// let clock = Clock::manual(start);
/// assert_eq!(clock.now(), start);
/// clock.advance(Duration::from_secs(90)).unwrap();
/// assert_eq!(clock.now().to_rfc3339(), "2030-01-01T00:01:30+00:00");
/// assert!(Clock::system().advance(Duration::from_secs(1)).is_err());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Clock {
    manual: Option<Arc<Manual>>,
}

fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

fn from_micros(value: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(value).unwrap_or_default()
}

impl Clock {
    /// The earliest time a manual clock shows: 1970-01-01T00:00:00Z.
    pub const EARLIEST: DateTime<Utc> = DateTime::UNIX_EPOCH;
    /// The latest time a manual clock shows: 9999-12-31T23:59:59Z, a second before the API's
    /// four-digit years run out, which leaves room for the microseconds a change adds to a
    /// timestamp that stands still.
    pub const LATEST: DateTime<Utc> = match DateTime::from_timestamp_micros(253_402_300_799_000_000)
    {
        Some(time) => time,
        None => DateTime::UNIX_EPOCH,
    };

    /// The system clock (the default).
    ///
    /// ```
    /// assert!(!people_mock::Clock::system().is_manual());
    /// ```
    pub fn system() -> Self {
        Self::default()
    }

    /// A manual clock showing `start` (kept within [`EARLIEST`](Self::EARLIEST) and
    /// [`LATEST`](Self::LATEST), to the microsecond) until moved.
    ///
    /// ```
    /// let clock = people_mock::Clock::manual("2030-01-01T00:00:00Z".parse().unwrap());
    /// assert!(clock.is_manual());
    /// ```
    pub fn manual(start: DateTime<Utc>) -> Self {
        let start = micros(start.clamp(Self::EARLIEST, Self::LATEST));
        Self {
            manual: Some(Arc::new(Manual {
                start,
                now: AtomicI64::new(start),
            })),
        }
    }

    /// Whether this is a manual clock.
    ///
    /// ```
    /// assert!(!people_mock::Clock::default().is_manual());
    /// ```
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }

    /// The current time, to the microsecond (the API writes times to the microsecond: two
    /// times it shows alike are alike).
    ///
    /// ```
    /// let start = "2030-01-01T00:00:00Z".parse().unwrap();
    /// assert_eq!(people_mock::Clock::manual(start).now(), start);
    /// ```
    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            Some(manual) => from_micros(manual.now.load(Ordering::SeqCst)),
            None => from_micros(micros(Utc::now())),
        }
    }

    /// Moves a manual clock forward by `by` (to the microsecond) and returns the new time.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let clock = people_mock::Clock::manual("2030-01-01T00:00:00Z".parse().unwrap());
    /// let later = clock.advance(Duration::from_secs(3600)).unwrap();
    /// assert_eq!(later.to_rfc3339(), "2030-01-01T01:00:00+00:00");
    /// assert!(clock.advance(Duration::MAX).is_err(), "past 9999");
    /// ```
    pub fn advance(&self, by: Duration) -> Result<DateTime<Utc>, ClockError> {
        let manual = self.manual.as_ref().ok_or(ClockError::NotManual)?;
        let step = i64::try_from(by.as_micros()).map_err(|_| ClockError::OutOfRange)?;
        let latest = micros(Self::LATEST);
        let moved = manual
            .now
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                now.checked_add(step).filter(|&to| to <= latest)
            })
            .map_err(|_| ClockError::OutOfRange)?;
        Ok(from_micros(moved + step))
    }

    /// Sets a manual clock to `to` (to the microsecond), forward or back. A person's timestamp
    /// still only grows: a change made after the clock went back gets its old timestamp plus
    /// a microsecond.
    ///
    /// ```
    /// let clock = people_mock::Clock::manual("2030-01-01T00:00:00Z".parse().unwrap());
    /// let to = "2031-06-01T12:00:00Z".parse().unwrap();
    /// assert_eq!(clock.set(to), Ok(to));
    /// ```
    pub fn set(&self, to: DateTime<Utc>) -> Result<DateTime<Utc>, ClockError> {
        let manual = self.manual.as_ref().ok_or(ClockError::NotManual)?;
        if !(Self::EARLIEST..=Self::LATEST).contains(&to) {
            return Err(ClockError::OutOfRange);
        }
        manual.now.store(micros(to), Ordering::SeqCst);
        Ok(from_micros(micros(to)))
    }

    /// Puts a manual clock back at its start (a server's reset does).
    pub(crate) fn rewind(&self) {
        if let Some(manual) = &self.manual {
            manual.now.store(manual.start, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = Clock::manual(at("2030-01-01T00:00:00.123456789Z"));
        let start = clock.now();
        assert_eq!(start, at("2030-01-01T00:00:00.123456Z"), "microseconds");
        assert_eq!(clock.now(), start);
        let shared = clock.clone();
        shared.advance(Duration::from_millis(1500)).unwrap();
        assert_eq!(clock.now(), at("2030-01-01T00:00:01.623456Z"));
        clock.set(at("2000-01-01T00:00:00Z")).unwrap();
        assert_eq!(shared.now(), at("2000-01-01T00:00:00Z"));
        clock.rewind();
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn the_range_holds() {
        let clock = Clock::manual(Clock::LATEST);
        assert_eq!(Clock::LATEST, at("9999-12-31T23:59:59Z"));
        assert_eq!(
            clock.advance(Duration::from_micros(1)),
            Err(ClockError::OutOfRange)
        );
        assert_eq!(clock.advance(Duration::ZERO), Ok(Clock::LATEST));
        assert_eq!(
            clock.set(at("1969-12-31T23:59:59Z")),
            Err(ClockError::OutOfRange)
        );
        assert_eq!(
            Clock::manual(at("1900-01-01T00:00:00Z")).now(),
            Clock::EARLIEST
        );
        assert_eq!(
            Clock::system().set(Clock::EARLIEST),
            Err(ClockError::NotManual)
        );
        assert_eq!(clock.now(), Clock::LATEST, "a refused move changes nothing");
    }
}
