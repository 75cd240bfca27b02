//! Durations long enough to mean "never": a token lifetime, a rate-limit window or a read
//! timeout of [`FOREVER`] or more never ends, instead of overflowing the clock's arithmetic.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// 100 years: any duration setting at least this long means "never".
pub const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The time `after` from `from`, or `None` for never (at least [`FOREVER`], or past the
/// clock's range).
pub(crate) fn deadline(from: DateTime<Utc>, after: Duration) -> Option<DateTime<Utc>> {
    if after >= FOREVER {
        None
    } else {
        from.checked_add_signed(chrono::Duration::from_std(after).ok()?)
    }
}

/// `duration`, or `None` when it means never.
pub(crate) fn finite(duration: Duration) -> Option<Duration> {
    (duration < FOREVER).then_some(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_durations_mean_never() {
        let now = Utc::now();
        assert_eq!(deadline(now, Duration::MAX), None);
        assert_eq!(deadline(now, FOREVER), None);
        assert_eq!(
            deadline(now, Duration::from_secs(1)),
            Some(now + chrono::Duration::seconds(1))
        );
        assert_eq!(finite(Duration::from_secs(u64::MAX)), None);
        assert_eq!(finite(Duration::ZERO), Some(Duration::ZERO));
    }
}
