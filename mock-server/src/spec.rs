//! The server's own OpenAPI description, as YAML and as JSON.

use std::sync::OnceLock;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};

use crate::errors::ApiError;

/// The OpenAPI description of the People API v1, as served at `/api/v1/openapi.yaml`.
// `spec/people.yaml` in this crate is a link to the workspace's, so a packaged crate carries it.
pub const OPENAPI_YAML: &str = include_str!("../spec/people.yaml");

fn json_text() -> Option<&'static str> {
    static JSON: OnceLock<Option<String>> = OnceLock::new();
    JSON.get_or_init(|| {
        let value: serde_json::Value = serde_yaml_ng::from_str(OPENAPI_YAML).ok()?;
        serde_json::to_string_pretty(&value).ok()
    })
    .as_deref()
}

/// The description converted to JSON (computed once); `None` if it does not parse.
pub fn openapi_json() -> Option<serde_json::Value> {
    json_text().and_then(|text| serde_json::from_str(text).ok())
}

fn text_response(content_type: &'static str, body: &'static str) -> Response {
    let mut response = Response::new(Body::from(body));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

pub(crate) fn yaml() -> Response {
    text_response("application/yaml", OPENAPI_YAML)
}

pub(crate) fn json() -> Response {
    match json_text() {
        Some(text) => text_response("application/json", text),
        None => {
            ApiError::service_unavailable("The OpenAPI description could not be converted to JSON")
                .into_response()
        }
    }
}

/// `/api/v1/docs` → the interactive docs at `/api/v1/ui/`.
pub(crate) fn docs() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    response.headers_mut().insert(
        http::header::LOCATION,
        HeaderValue::from_static(crate::routes::DOCS_INDEX),
    );
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_converts_to_json() {
        let value = super::openapi_json().expect("spec parses");
        assert!(value.get("openapi").is_some());
    }
}
