//! The admin surface under `/__mock/`: JSON in and out (who may call it: `admin_guard`).

use std::time::Duration;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::body::{read_json_object, string_member};
use crate::errors::{ApiError, Detail};
use crate::fault::{Fault, FaultId};
use crate::json_form::{DataList, PersonJson};
use crate::respond::{empty, json_response};
use crate::routes::AdminRoute;
use crate::state::MockState;

fn fault_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "fault_not_found",
        404_005,
        format!("No fault with id '{}'", crate::errors::printable(id)),
    )
}

fn index() -> Value {
    json!({
        "routes": [
            {"method": "POST", "path": "/__mock/reset", "does": "restore seed data; forget tokens, faults, journal, rate counters"},
            {"method": "POST", "path": "/__mock/expire-tokens", "does": "expire every access and refresh token"},
            {"method": "POST", "path": "/__mock/revoke", "does": "revoke one token: {\"token\": \"...\"}"},
            {"method": "GET", "path": "/__mock/faults", "does": "list injected faults"},
            {"method": "POST", "path": "/__mock/faults", "does": "inject a fault: {\"kind\": \"status|delay|drop|malformed\", ...}"},
            {"method": "DELETE", "path": "/__mock/faults", "does": "remove every fault"},
            {"method": "GET", "path": "/__mock/faults/{id}", "does": "one fault"},
            {"method": "DELETE", "path": "/__mock/faults/{id}", "does": "remove one fault"},
            {"method": "GET", "path": "/__mock/journal", "does": "recorded requests, oldest first"},
            {"method": "DELETE", "path": "/__mock/journal", "does": "clear the journal"},
            {"method": "GET", "path": "/__mock/config", "does": "the configuration, without secrets"},
            {"method": "GET", "path": "/__mock/people", "does": "every live person"},
        ]
    })
}

fn field_u64(map: &Map<String, Value>, name: &str) -> Result<Option<u64>, ApiError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| {
            ApiError::invalid_json(format!("'{name}' must be a non-negative integer"))
                .with_details(vec![Detail::new(name, "must be a non-negative integer")])
        }),
    }
}

/// Builds a fault from its JSON description.
pub(crate) fn parse_fault(map: &Map<String, Value>) -> Result<Fault, ApiError> {
    let kind = string_member(map, "kind")?;
    let status = field_u64(map, "status")?;
    let retry_after = field_u64(map, "retry_after")?;
    let delay_ms = field_u64(map, "delay_ms")?;
    let times = field_u64(map, "times")?;
    let priority = field_u64(map, "priority")?;
    let method = string_member(map, "method")?;
    let path = string_member(map, "path")?;

    let mut details = Vec::new();
    let valid_status = |details: &mut Vec<Detail>| -> u16 {
        match status {
            Some(s @ 200..=599) => s as u16,
            Some(_) => {
                details.push(Detail::new("status", "must be between 200 and 599"));
                500
            }
            None => {
                details.push(Detail::new("status", "is required for this kind"));
                500
            }
        }
    };
    let fault = match kind {
        Some("status") => {
            let mut fault = Fault::status(valid_status(&mut details));
            if let Some(secs) = retry_after {
                fault = fault.retry_after(Duration::from_secs(secs));
            }
            Some(fault)
        }
        Some("delay") => match delay_ms {
            Some(ms) if ms <= 600_000 => Some(Fault::delay(Duration::from_millis(ms))),
            Some(_) => {
                details.push(Detail::new("delay_ms", "must be at most 600000"));
                None
            }
            None => {
                details.push(Detail::new("delay_ms", "is required for a delay"));
                None
            }
        },
        Some("drop") => Some(Fault::drop_connection()),
        Some("malformed") => Some(Fault::malformed_body(valid_status(&mut details))),
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
    };
    let times = match times.map(u32::try_from) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            details.push(Detail::new("times", "is too large"));
            None
        }
        None => None,
    };
    let priority = match priority.map(u8::try_from) {
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => {
            details.push(Detail::new("priority", "must be between 0 and 255"));
            None
        }
        None => None,
    };
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
    match fault {
        Some(mut fault) if details.is_empty() => {
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
        _ => Err(ApiError::validation(details)),
    }
}

async fn add_fault(state: &MockState, req: Request) -> Result<Response, ApiError> {
    let map = json_body(state, req).await?;
    let fault = parse_fault(&map)?;
    let id = state.inject(fault);
    let info = state
        .faults()
        .into_iter()
        .find(|f| f.id == id)
        .map(|f| f.to_json())
        .unwrap_or_else(|| json!({ "id": id }));
    Ok(json_response(StatusCode::CREATED, &info))
}

async fn revoke(state: &MockState, req: Request) -> Result<Response, ApiError> {
    let map = json_body(state, req).await?;
    let Some(token) = string_member(&map, "token")? else {
        return Err(ApiError::validation(vec![Detail::new(
            "token",
            "is required",
        )]));
    };
    let revoked = state.revoke(token);
    Ok(json_response(
        StatusCode::OK,
        &json!({ "revoked": revoked }),
    ))
}

fn find_fault(state: &MockState, id: &str) -> Result<crate::fault::FaultInfo, ApiError> {
    let parsed: u64 = id.parse().map_err(|_| fault_not_found(id))?;
    state
        .faults()
        .into_iter()
        .find(|f| f.id == FaultId(parsed))
        .ok_or_else(|| fault_not_found(id))
}

/// The JSON object body of an admin write (`{}` when it says nothing more).
async fn json_body(state: &MockState, req: Request) -> Result<Map<String, Value>, ApiError> {
    let (parts, body) = req.into_parts();
    read_json_object(state.inner.config.json_limit, &parts.headers, body).await
}

/// Handles one admin request (the method is already known to be allowed).
pub(crate) async fn handle(state: &MockState, route: AdminRoute, req: Request) -> Response {
    let method = req.method().clone();
    if method == Method::POST
        && let Err(error) = crate::admin_guard::require_json(req.headers())
    {
        return error.into_response();
    }
    let is_get = method == Method::GET || method == Method::HEAD;
    let result: Result<Response, ApiError> = match route {
        AdminRoute::Index => Ok(json_response(StatusCode::OK, &index())),
        AdminRoute::Reset => json_body(state, req).await.map(|_| {
            state.reset();
            json_response(StatusCode::OK, &json!({ "reset": true }))
        }),
        AdminRoute::ExpireTokens => json_body(state, req).await.map(|_| {
            let expired = state.expire_tokens();
            json_response(StatusCode::OK, &json!({ "expired": expired }))
        }),
        AdminRoute::Revoke => revoke(state, req).await,
        AdminRoute::Faults if is_get => {
            let data: Vec<Value> = state.faults().iter().map(|f| f.to_json()).collect();
            Ok(json_response(StatusCode::OK, &json!({ "data": data })))
        }
        AdminRoute::Faults if method == Method::POST => add_fault(state, req).await,
        AdminRoute::Faults => {
            let removed = state.inner.faults.clear();
            Ok(json_response(
                StatusCode::OK,
                &json!({ "removed": removed }),
            ))
        }
        AdminRoute::Fault(id) if is_get => {
            find_fault(state, &id).map(|f| json_response(StatusCode::OK, &f.to_json()))
        }
        AdminRoute::Fault(id) => find_fault(state, &id).map(|f| {
            state.remove_fault(f.id);
            empty(StatusCode::NO_CONTENT)
        }),
        AdminRoute::Journal if is_get => Ok(crate::journal_stream::response(
            state.inner.config.journal,
            state.inner.journal.shared(),
        )),
        AdminRoute::Journal => {
            let removed = state.inner.journal.clear();
            Ok(json_response(
                StatusCode::OK,
                &json!({ "removed": removed }),
            ))
        }
        AdminRoute::Config => Ok(json_response(StatusCode::OK, &state.config_json())),
        AdminRoute::People => {
            let people = state.people();
            let list: DataList<_> = people
                .iter()
                .map(|p| PersonJson::new(&p.fname, &p.lname, &p.timestamp))
                .collect();
            Ok(json_response(StatusCode::OK, &list))
        }
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
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
