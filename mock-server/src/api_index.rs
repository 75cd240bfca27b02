//! `GET /api/v1/`: where things are, for a person who opens the API's root in a browser or
//! with curl, instead of an unknown route's 404 (feature `ui`).

use axum::body::Body;
use axum::response::Response;
use http::HeaderValue;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};

use crate::routes::{API_BASE, DOCS_INDEX, TOKEN_PATH};

/// A small JSON index of the server: the docs, the spec, the demo page, the token endpoint.
pub(crate) async fn answer() -> Response {
    let body = serde_json::json!({
        "name": "People API v1 (people-mock)",
        "links": {
            "docs": DOCS_INDEX,
            "spec": format!("{API_BASE}/openapi.yaml"),
            "spec_json": format!("{API_BASE}/openapi.json"),
            "demo": "/",
            "token": TOKEN_PATH,
            "people": format!("{API_BASE}/people"),
            "admin": "/__mock/",
        },
    });
    let mut response = Response::new(Body::from(body.to_string()));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
