//! `/__mock/clock`: reads the server's clock, and moves a manual one.
//!
//! `GET` answers `{"now": TIME, "manual": BOOL}`. `POST` takes `{"advance_secs": N}` (N ≥ 0,
//! fractions allowed, to the microsecond) or `{"set": TIME}` (RFC 3339), exactly one, and
//! answers like `GET` with the new time. Moving the system clock is a `409`
//! (`clock_not_manual`); a time outside 1970 to 9999, or a bad value, a `422`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::clock::{Clock, ClockError};
use crate::errors::{ApiError, Detail};
use crate::time_text::format_time;

/// The clock as `GET /__mock/clock` shows it.
pub(crate) fn show(clock: &Clock) -> Value {
    json!({ "now": format_time(&clock.now()), "manual": clock.is_manual() })
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::validation(vec![Detail::new(field, message)])
}

/// What a `POST` asks for.
enum Move {
    Advance(Duration),
    Set(DateTime<Utc>),
}

fn parse(body: &Map<String, Value>) -> Result<Move, ApiError> {
    if let Some(unknown) = body
        .keys()
        .find(|k| !["advance_secs", "set"].contains(&k.as_str()))
    {
        return Err(invalid(
            unknown,
            "is not a member of a clock move (advance_secs, set)",
        ));
    }
    match (body.get("advance_secs"), body.get("set")) {
        (Some(secs), None) => {
            let secs = secs.as_f64().ok_or_else(|| {
                ApiError::invalid_json("'advance_secs' must be a number")
                    .with_details(vec![Detail::new("advance_secs", "must be a number")])
            })?;
            Duration::try_from_secs_f64(secs)
                .map(Move::Advance)
                .map_err(|_| invalid("advance_secs", "must be a number of seconds, zero or more"))
        }
        (None, Some(Value::String(text))) => DateTime::parse_from_rfc3339(text)
            .map(|t| Move::Set(t.with_timezone(&Utc)))
            .map_err(|_| invalid("set", "must be an RFC 3339 date-time")),
        (None, Some(_)) => Err(ApiError::invalid_json("'set' must be a string")
            .with_details(vec![Detail::new("set", "must be a string")])),
        _ => Err(invalid(
            "advance_secs",
            "give exactly one of advance_secs and set",
        )),
    }
}

/// Moves the clock as `body` asks; the answer is the clock afterwards.
pub(crate) fn move_clock(clock: &Clock, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let moved = match parse(body)? {
        Move::Advance(by) => clock.advance(by),
        Move::Set(to) => clock.set(to),
    };
    match moved {
        Ok(_) => Ok(show(clock)),
        Err(ClockError::NotManual) => Err(ApiError::clock_not_manual()),
        Err(ClockError::OutOfRange) => {
            let field = if body.contains_key("set") {
                "set"
            } else {
                "advance_secs"
            };
            Err(invalid(field, &ClockError::OutOfRange.to_string()))
        }
    }
}
