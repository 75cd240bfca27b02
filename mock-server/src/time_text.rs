//! Times as the API writes them: RFC 3339, UTC, microseconds and a `Z`.

use chrono::{DateTime, SecondsFormat, Utc};

/// RFC 3339 UTC with microseconds and a `Z`.
pub(crate) fn format_time(time: &DateTime<Utc>) -> String {
    TimeText::new(time).as_str().to_string()
}

/// A time as [`format_time`] writes it, without a heap allocation in the usual
/// case (a four-digit year, no leap second), where it is written digit by
/// digit; chrono writes the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimeText {
    Usual([u8; 27]),
    Other(String),
}

impl TimeText {
    /// The text of `time`.
    pub(crate) fn new(time: &DateTime<Utc>) -> Self {
        use chrono::{Datelike, Timelike};
        let naive = time.naive_utc();
        let (date, clock) = (naive.date(), naive.time());
        let nanos = clock.nanosecond();
        match u32::try_from(date.year()) {
            Ok(year @ 0..=9999) if nanos < 1_000_000_000 => {
                let mut text = *b"0000-00-00T00:00:00.000000Z";
                put_digits(&mut text[0..4], year);
                put_digits(&mut text[5..7], date.month());
                put_digits(&mut text[8..10], date.day());
                put_digits(&mut text[11..13], clock.hour());
                put_digits(&mut text[14..16], clock.minute());
                put_digits(&mut text[17..19], clock.second());
                put_digits(&mut text[20..26], nanos / 1_000);
                TimeText::Usual(text)
            }
            _ => TimeText::Other(time.to_rfc3339_opts(SecondsFormat::Micros, true)),
        }
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only ASCII digits and separators are ever written there.
            TimeText::Usual(text) => std::str::from_utf8(text).unwrap_or_default(),
            TimeText::Other(text) => text,
        }
    }
}

impl serde::Serialize for TimeText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Writes the last `digits.len()` decimal digits of `value` into `digits`.
fn put_digits(digits: &mut [u8], mut value: u32) {
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_as_chrono_does() {
        use chrono::{TimeZone, Timelike};
        let mut times = vec![
            Utc::now(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 6, 15, 12, 30, 45).unwrap(),
            Utc.with_ymd_and_hms(2026, 2, 28, 9, 5, 7).unwrap(),
        ];
        let nanos = [
            0,
            1,
            999,
            1_000,
            123_456_789,
            999_999_999,
            1_000_000_000,
            1_999_999_999,
        ];
        let base = times.clone();
        for time in base {
            for n in nanos {
                if let Some(t) = time.with_nanosecond(n) {
                    times.push(t);
                }
            }
        }
        for time in times {
            assert_eq!(
                format_time(&time),
                time.to_rfc3339_opts(SecondsFormat::Micros, true),
                "{time:?}"
            );
        }
    }
}
