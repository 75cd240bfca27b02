//! Handlers of `/people` and `/people/{lname}`.

use std::borrow::Cow;

use axum::extract::Request;
use axum::response::Response;
use http::header::{ETAG, LOCATION};
use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::body::{read_json_object, string_member};
use crate::errors::{ApiError, Detail};
use crate::etag::parse_if_match;
use crate::json_form::PeoplePage;
use crate::names::check_name;
use crate::negotiation::{require_content_type, require_json_accept};
use crate::page_cache::RenderedPage;
use crate::paging::{Params, pagination};
use crate::respond::{empty, json_response, set_header};
use crate::routes::person_path;
use crate::state::MockState;

/// `host:port` for absolute links: the request's `Host` when it looks like
/// one, else the server's own address.
pub(crate) fn link_authority<'a>(state: &MockState, headers: &'a HeaderMap) -> Cow<'a, str> {
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
        Some(host) => Cow::Borrowed(host),
        None => Cow::Owned(
            state
                .inner
                .host
                .get()
                .cloned()
                .unwrap_or_else(|| "localhost".to_string()),
        ),
    }
}

fn with_etag(mut response: Response, etag: &str) -> Response {
    set_header(&mut response, ETAG, etag);
    response
}

/// `GET /people`. A page is rendered once per query, authority and store generation, and
/// answered from [`PageCache`](crate::page_cache::PageCache) until the people change.
pub(crate) fn list(state: &MockState, req: &Request) -> Result<Response, ApiError> {
    require_json_accept(req.headers())?;
    let query = req.uri().query();
    let authority = link_authority(state, req.headers());
    let (store, pages) = (&state.inner.store, &state.inner.pages);
    // Only pages of valid queries are kept, so a kept page needs no second parse.
    if let Some(page) = pages.get(store.generation(), query, &authority) {
        return Ok(page.response());
    }
    let params = Params::parse(query)?;
    let page = store.list_with(&params.list_query(), |generation, total, data| {
        let (meta, link) = pagination(&params, total, data.len(), &authority);
        let page = RenderedPage::new(PeoplePage::new(&data, &meta).to_bytes(), &link);
        pages.put(generation, query, &authority, &page);
        page
    });
    Ok(page.response())
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
    let view = state.inner.store.create(fname, lname).await?;
    let mut response = empty(StatusCode::CREATED);
    set_header(&mut response, LOCATION, &person_path(lname));
    Ok(with_etag(response, &view.etag))
}

/// `GET /people/{lname}` (and HEAD).
pub(crate) fn get(state: &MockState, lname: &str, req: &Request) -> Result<Response, ApiError> {
    require_json_accept(req.headers())?;
    let view = state.inner.store.get(lname)?;
    Ok(with_etag(
        json_response(StatusCode::OK, &view.json()),
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
        .update(lname, Some(fname), if_match.as_ref())
        .await?;
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
        .update(lname, fname.flatten(), if_match.as_ref())
        .await?;
    Ok(with_etag(empty(StatusCode::NO_CONTENT), &view.etag))
}

/// `DELETE /people/{lname}`.
pub(crate) async fn delete(
    state: &MockState,
    lname: &str,
    headers: &http::HeaderMap,
) -> Result<Response, ApiError> {
    let if_match = parse_if_match(headers)?;
    state.inner.store.delete(lname, if_match.as_ref()).await?;
    Ok(empty(StatusCode::NO_CONTENT))
}
