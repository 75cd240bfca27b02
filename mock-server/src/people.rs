//! Handlers of `/people` and `/people/{lname}`.

use axum::extract::Request;
use axum::response::Response;
use http::header::{ETAG, LINK, LOCATION};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use crate::body::read_json_object;
use crate::errors::{ApiError, Detail};
use crate::etag::parse_if_match;
use crate::names::check_name;
use crate::negotiation::{require_content_type, require_json_accept};
use crate::paging::{Params, pagination};
use crate::respond::{empty, json_bytes_response, set_header};
use crate::routes::person_path;
use crate::state::MockState;
use crate::store::PersonJson;

/// `host:port` for absolute links: the request's `Host` when it looks like
/// one, else the server's own address.
pub(crate) fn link_authority(state: &MockState, headers: &HeaderMap) -> String {
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::trim)
        .filter(|h| {
            !h.is_empty()
                && h.len() < 256
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b))
        });
    match host {
        Some(host) => host.to_string(),
        None => state
            .inner
            .host
            .get()
            .cloned()
            .unwrap_or_else(|| "localhost".to_string()),
    }
}

/// A member that must be a string when present and not null.
fn string_member<'a>(map: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, ApiError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid_json(format!("'{name}' must be a string"))
            .with_details(vec![Detail::new(name, "must be a string")])),
    }
}

fn with_etag(mut response: Response, etag: &str) -> Response {
    set_header(&mut response, ETAG, etag);
    response
}

/// The body of a list page, `{"data":[person,...],"meta":{"pagination":{...}}}`:
/// the bytes serde_json writes for the same `Value`, written without building one.
fn list_body(data: &[PersonJson<'_>], pagination: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512 + 128 * data.len());
    out.extend_from_slice(b"{\"data\":[");
    for (i, person) in data.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        person.write_json(&mut out);
    }
    out.extend_from_slice(b"],\"meta\":{\"pagination\":");
    if serde_json::to_writer(&mut out, pagination).is_err() {
        return b"{}".to_vec();
    }
    out.extend_from_slice(b"}}");
    out
}

/// `GET /people`.
pub(crate) fn list(state: &MockState, req: &Request) -> Result<Response, ApiError> {
    require_json_accept(req.headers())?;
    let params = Params::parse(req.uri().query())?;
    let authority = link_authority(state, req.headers());
    let (mut response, link) = state
        .inner
        .store
        .list_with(&params.list_query(), |total, data| {
            let count = data.len();
            let (meta, link) = pagination(&params, total, count, &authority);
            let body = list_body(&data, &meta);
            (json_bytes_response(StatusCode::OK, body), link)
        });
    set_header(&mut response, LINK, &link);
    Ok(response)
}

/// `POST /people`.
pub(crate) async fn create(state: &MockState, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    require_content_type(&parts.headers, &["application/json"])?;
    let map = read_json_object(state.inner.config.json_limit, &parts.headers, body).await?;
    let fname = string_member(&map, "fname")?;
    let lname = string_member(&map, "lname")?;
    let mut details = Vec::new();
    check_name("fname", fname, false, &mut details);
    check_name("lname", lname, true, &mut details);
    let (Some(fname), Some(lname), true) = (fname, lname, details.is_empty()) else {
        return Err(ApiError::validation(details));
    };
    let view = state.inner.store.create(fname, lname)?;
    let mut response = empty(StatusCode::CREATED);
    set_header(&mut response, LOCATION, &person_path(lname));
    Ok(with_etag(response, &view.etag))
}

/// `GET /people/{lname}` (and HEAD).
pub(crate) fn get(state: &MockState, lname: &str, req: &Request) -> Result<Response, ApiError> {
    require_json_accept(req.headers())?;
    let view = state.inner.store.get(lname)?;
    let mut body = Vec::with_capacity(128);
    view.json().write_json(&mut body);
    Ok(with_etag(
        json_bytes_response(StatusCode::OK, body),
        &view.etag,
    ))
}

/// `PUT /people/{lname}`.
pub(crate) async fn put(
    state: &MockState,
    lname: &str,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    require_content_type(&parts.headers, &["application/json"])?;
    let map = read_json_object(state.inner.config.json_limit, &parts.headers, body).await?;
    let fname = string_member(&map, "fname")?;
    let body_lname = string_member(&map, "lname")?;
    let if_match = parse_if_match(&parts.headers)?;
    let mut details = Vec::new();
    check_name("fname", fname, false, &mut details);
    let lname_checked = details.len();
    check_name("lname", body_lname, true, &mut details);
    if details.len() == lname_checked && body_lname != Some(lname) {
        details.push(Detail::new("lname", "must equal the lname in the path"));
    }
    let (Some(fname), true) = (fname, details.is_empty()) else {
        return Err(ApiError::validation(details));
    };
    let view = state
        .inner
        .store
        .update(lname, Some(fname), if_match.as_ref())?;
    Ok(with_etag(empty(StatusCode::NO_CONTENT), &view.etag))
}

/// `PATCH /people/{lname}` (JSON merge patch).
pub(crate) async fn patch(
    state: &MockState,
    lname: &str,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    require_content_type(
        &parts.headers,
        &["application/merge-patch+json", "application/json"],
    )?;
    let map = read_json_object(state.inner.config.json_limit, &parts.headers, body).await?;
    let fname = match map.get("fname") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.as_str())),
        Some(_) => {
            return Err(ApiError::invalid_json("'fname' must be a string")
                .with_details(vec![Detail::new("fname", "must be a string")]));
        }
    };
    let body_lname = match map.get("lname") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.as_str())),
        Some(_) => {
            return Err(ApiError::invalid_json("'lname' must be a string")
                .with_details(vec![Detail::new("lname", "must be a string")]));
        }
    };
    let if_match = parse_if_match(&parts.headers)?;
    let mut details = Vec::new();
    match fname {
        Some(None) => details.push(Detail::new("fname", "cannot be removed")),
        Some(value) => check_name("fname", value, false, &mut details),
        None => {}
    }
    match body_lname {
        Some(None) => details.push(Detail::new("lname", "cannot be removed")),
        Some(Some(given)) => {
            let lname_checked = details.len();
            check_name("lname", Some(given), true, &mut details);
            if details.len() == lname_checked && given != lname {
                details.push(Detail::new(
                    "lname",
                    "cannot be changed; it must equal the lname in the path",
                ));
            }
        }
        None => {}
    }
    if !details.is_empty() {
        return Err(ApiError::validation(details));
    }
    let view = state
        .inner
        .store
        .update(lname, fname.flatten(), if_match.as_ref())?;
    Ok(with_etag(empty(StatusCode::NO_CONTENT), &view.etag))
}

/// `DELETE /people/{lname}`.
pub(crate) fn delete(state: &MockState, lname: &str, req: &Request) -> Result<Response, ApiError> {
    let if_match = parse_if_match(req.headers())?;
    state.inner.store.delete(lname, if_match.as_ref())?;
    Ok(empty(StatusCode::NO_CONTENT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::PersonView;

    #[test]
    fn list_body_matches_value_body() {
        let at = chrono::Utc::now();
        let page = [
            PersonView {
                fname: "Doug".into(),
                lname: "Farrell".into(),
                timestamp: at,
                etag: String::new(),
            },
            PersonView {
                fname: "Zoë \"Q\"".into(),
                lname: "Lévi-Strauss".into(),
                timestamp: at,
                etag: String::new(),
            },
        ];
        let meta =
            serde_json::json!({"total": 2, "count": 2, "links": {"next": "http://h/x?a=1&b=2"}});
        for count in 0..=page.len() {
            let direct: Vec<PersonJson> = page[..count].iter().map(PersonView::json).collect();
            let data: Vec<Value> = page[..count].iter().map(|p| p.to_json()).collect();
            let value = serde_json::json!({ "data": data, "meta": { "pagination": meta } });
            assert_eq!(
                String::from_utf8(list_body(&direct, &meta)).unwrap(),
                serde_json::to_string(&value).unwrap()
            );
        }
    }
}
