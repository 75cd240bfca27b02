//! A fault from its JSON description, as `POST /__mock/faults` takes it.

use std::time::Duration;

use http::Method;
use serde_json::{Map, Value};

use crate::body::string_member;
use crate::errors::{ApiError, Detail};
use crate::fault::Fault;

/// Longest delay a fault may ask for, in milliseconds.
const MAX_DELAY_MS: u64 = 600_000;

/// A member that must be a non-negative integer when present and not null.
fn u64_member(map: &Map<String, Value>, name: &str) -> Result<Option<u64>, ApiError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| {
            ApiError::invalid_json(format!("'{name}' must be a non-negative integer"))
                .with_details(vec![Detail::new(name, "must be a non-negative integer")])
        }),
    }
}

/// Builds a fault from its JSON description: a member of the wrong JSON type is a 400, every
/// value out of its range a detail of one 422.
pub(crate) fn parse_fault(map: &Map<String, Value>) -> Result<Fault, ApiError> {
    let kind = string_member(map, "kind")?;
    let status = u64_member(map, "status")?;
    let retry_after = u64_member(map, "retry_after")?;
    let delay_ms = u64_member(map, "delay_ms")?;
    let times = u64_member(map, "times")?;
    let priority = u64_member(map, "priority")?;
    let method = string_member(map, "method")?;
    let path = string_member(map, "path")?;

    let mut details = Vec::new();
    let fault = kind_of(kind, status, retry_after, delay_ms, &mut details);
    let times = narrowed::<u32>(times, "times", "is too large", &mut details);
    let priority = narrowed::<u8>(
        priority,
        "priority",
        "must be between 0 and 255",
        &mut details,
    );
    if let Some(method) = method
        && (method.is_empty() || Method::from_bytes(method.as_bytes()).is_err())
    {
        details.push(Detail::new("method", "must be an HTTP method"));
    }
    if let Some(path) = path
        && !path.starts_with('/')
    {
        details.push(Detail::new("path", "must start with '/'"));
    }
    let Some(mut fault) = fault.filter(|_| details.is_empty()) else {
        return Err(ApiError::validation(details));
    };
    if let Some(method) = method {
        fault = fault.method(method);
    }
    if let Some(path) = path {
        fault = fault.path(path);
    }
    if let Some(times) = times {
        fault = fault.times(times);
    }
    if let Some(priority) = priority {
        fault = fault.priority(priority);
    }
    Ok(fault)
}

/// The fault of `kind` with its own members; `None` (and a detail) when one is missing or out
/// of range.
fn kind_of(
    kind: Option<&str>,
    status: Option<u64>,
    retry_after: Option<u64>,
    delay_ms: Option<u64>,
    details: &mut Vec<Detail>,
) -> Option<Fault> {
    let mut valid_status = || match status {
        Some(s @ 200..=599) => Some(s as u16),
        Some(_) => {
            details.push(Detail::new("status", "must be between 200 and 599"));
            None
        }
        None => {
            details.push(Detail::new("status", "is required for this kind"));
            None
        }
    };
    match kind {
        Some("status") => {
            let fault = Fault::status(valid_status()?);
            Some(match retry_after {
                Some(secs) => fault.retry_after(Duration::from_secs(secs)),
                None => fault,
            })
        }
        Some("malformed") => Some(Fault::malformed_body(valid_status()?)),
        Some("drop") => Some(Fault::drop_connection()),
        Some("delay") => match delay_ms {
            Some(ms) if ms <= MAX_DELAY_MS => Some(Fault::delay(Duration::from_millis(ms))),
            Some(_) => {
                details.push(Detail::new("delay_ms", "must be at most 600000"));
                None
            }
            None => {
                details.push(Detail::new("delay_ms", "is required for a delay"));
                None
            }
        },
        Some(_) => {
            details.push(Detail::new(
                "kind",
                "must be one of status, delay, drop, malformed",
            ));
            None
        }
        None => {
            details.push(Detail::new("kind", "is required"));
            None
        }
    }
}

/// `value` in the narrower type `T`; out of its range, `None` and a detail.
fn narrowed<T: TryFrom<u64>>(
    value: Option<u64>,
    name: &str,
    problem: &str,
    details: &mut Vec<Detail>,
) -> Option<T> {
    match value.map(T::try_from) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            details.push(Detail::new(name, problem));
            None
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fault(value: Value) -> Result<Fault, ApiError> {
        parse_fault(value.as_object().unwrap())
    }

    #[test]
    fn parses_fault_descriptions() {
        let f = fault(json!({"kind":"status","status":503,"retry_after":1,"method":"GET","path":"/api/v1/people","times":2,"priority":1})).unwrap();
        assert_eq!(
            f,
            Fault::status(503)
                .retry_after(Duration::from_secs(1))
                .method("GET")
                .path("/api/v1/people")
                .times(2)
                .priority(1)
        );
        assert_eq!(
            fault(json!({"kind":"delay","delay_ms":5})).unwrap(),
            Fault::delay(Duration::from_millis(5))
        );
        assert_eq!(
            fault(json!({"kind":"drop"})).unwrap(),
            Fault::drop_connection()
        );
        assert_eq!(
            fault(json!({"kind":"malformed","status":200})).unwrap(),
            Fault::malformed_body(200)
        );
        assert_eq!(fault(json!({"kind":"nope"})).unwrap_err().code, 422_001);
        assert_eq!(fault(json!({"kind":"status"})).unwrap_err().code, 422_001);
        assert_eq!(
            fault(json!({"kind":"status","status":"x"}))
                .unwrap_err()
                .code,
            400_001
        );
        assert_eq!(
            fault(json!({"kind":"status","status":700}))
                .unwrap_err()
                .code,
            422_001
        );
        assert_eq!(
            fault(json!({"kind":"drop","path":"x"})).unwrap_err().code,
            422_001
        );
    }
}
