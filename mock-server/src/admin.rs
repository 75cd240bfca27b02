//! The admin surface under `/__mock/`: JSON in and out (who may call it: `admin_guard`).

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::body::{read_json_object, string_member};
use crate::errors::{ApiError, Detail};
use crate::fault::FaultId;
use crate::fault_json::parse_fault;
use crate::json_form::{DataList, PersonJson};
use crate::respond::{empty, json_response};
use crate::routes::AdminRoute;
use crate::state::MockState;

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
            {"method": "GET", "path": "/__mock/clock", "does": "the server's time: {\"now\": \"...\", \"manual\": true|false}"},
            {"method": "GET", "path": "/__mock/state", "does": "every person, photo, attachment and deleted key, in the fixture format (files in base64)"},
            {"method": "PUT", "path": "/__mock/state", "does": "replace all of it with such a document, checked whole first"},
            {"method": "POST", "path": "/__mock/clock", "does": "move a manual clock: {\"advance_secs\": 3600} or {\"set\": \"2030-01-01T00:00:00Z\"}"},
        ]
    })
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
    let parsed: u64 = id.parse().map_err(|_| ApiError::fault_not_found(id))?;
    state
        .faults()
        .into_iter()
        .find(|f| f.id == FaultId(parsed))
        .ok_or_else(|| ApiError::fault_not_found(id))
}

/// The JSON object body of an admin write (`{}` when it says nothing more).
async fn json_body(state: &MockState, req: Request) -> Result<Map<String, Value>, ApiError> {
    let (parts, body) = req.into_parts();
    read_json_object(state.inner.config.json_limit, &parts.headers, body).await
}

/// Handles one admin request (the method is already known to be allowed).
pub(crate) async fn handle(state: &MockState, route: AdminRoute, req: Request) -> Response {
    let method = req.method().clone();
    if (method == Method::POST || method == Method::PUT)
        && let Err(error) = crate::admin_guard::require_json(req.headers())
    {
        return error.into_response();
    }
    let is_get = method == Method::GET || method == Method::HEAD;
    let result: Result<Response, ApiError> = match route {
        AdminRoute::Index => Ok(json_response(StatusCode::OK, &index())),
        AdminRoute::Reset => match json_body(state, req).await {
            Ok(_) => state
                .reset_saved()
                .await
                .map(|()| json_response(StatusCode::OK, &json!({ "reset": true }))),
            Err(error) => Err(error),
        },
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
        AdminRoute::Clock if is_get => Ok(json_response(
            StatusCode::OK,
            &crate::admin_clock::show(state.clock()),
        )),
        AdminRoute::Clock => json_body(state, req)
            .await
            .and_then(|body| crate::admin_clock::move_clock(state.clock(), &body))
            .map(|clock| json_response(StatusCode::OK, &clock)),
        AdminRoute::State if is_get => Ok(crate::admin_state::get(state)),
        AdminRoute::State => crate::admin_state::put(state, req).await,
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
