//! Cross-origin resource sharing for the API under `/api/v1`, never for the admin surface.
//!
//! Pages on loopback origins (`http://localhost:5173`, `http://127.0.0.1:3000`, any port) may
//! always call the API: that is where a single-page app under development runs. Other origins
//! need [`cors_origin`](crate::PeopleMockBuilder::cors_origin) (`*` for all). Credentials
//! (cookies) are never allowed: the API's authority is a bearer token the page must hold itself.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, HeaderValue, ORIGIN, VARY,
};
use http::{HeaderMap, Method, Request, StatusCode};

use crate::errors::ApiError;
use crate::net_config::NetConfig;
use crate::routes::is_api_path;

/// The response headers a client of the API reads.
const EXPOSED: &str = "Location, ETag, Link, X-RateLimit-Limit, X-RateLimit-Remaining, \
                       X-RateLimit-Reset, Retry-After, WWW-Authenticate, Content-Disposition";
/// Every method the API offers.
const METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE";
/// The request headers a client of the API sends, when a preflight does not list its own.
const HEADERS: &str = "Authorization, Content-Type, Accept, If-Match, If-None-Match";

/// Whether `origin` is on a loopback host, over http or https, with any port.
fn is_loopback_origin(origin: &str) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|host| {
            matches!(host, "127.0.0.1" | "[::1]") || crate::host_guard::is_loopback_name(host)
        })
}

/// What `Access-Control-Allow-Origin` says to a page on `origin`, if it may call the API.
fn allow_origin(origin: &str, net: &NetConfig) -> Option<HeaderValue> {
    if net.cors_any {
        return Some(HeaderValue::from_static("*"));
    }
    let lower = origin.to_ascii_lowercase();
    (is_loopback_origin(&lower) || net.cors_origins.contains(&lower))
        .then(|| HeaderValue::from_str(origin).ok())
        .flatten()
}

fn origin_of(headers: &HeaderMap) -> Option<&str> {
    headers.get(ORIGIN).and_then(|v| v.to_str().ok())
}

/// The answer to a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
/// under `/api/v1`: 204 with the allowed methods and headers, or 403 for an origin not allowed.
/// `None` for any other request.
pub(crate) fn preflight<B>(req: &Request<B>, net: &NetConfig) -> Option<Response> {
    let headers = req.headers();
    if req.method() != Method::OPTIONS
        || !is_api_path(req.uri().path())
        || !headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
    {
        return None;
    }
    let origin = origin_of(headers)?;
    let Some(allowed) = allow_origin(origin, net) else {
        return Some(ApiError::origin_refused(origin).into_response());
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let out = response.headers_mut();
    out.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
    out.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(METHODS),
    );
    let requested = headers
        .get(ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static(HEADERS));
    out.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested);
    out.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    out.insert(
        VARY,
        HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ),
    );
    Some(response)
}

/// The CORS headers for the answer to a request from `origin` (from [`request_origin`]).
pub(crate) fn decorate(response: &mut Response, origin: Option<&str>, net: &NetConfig) {
    let headers = response.headers_mut();
    if !net.cors_any {
        headers.append(VARY, HeaderValue::from_static("Origin"));
    }
    let Some(allowed) = origin.and_then(|origin| allow_origin(origin, net)) else {
        return;
    };
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED),
    );
}

/// The `Origin` of a request under `/api/v1`, kept for [`decorate`]; `None` elsewhere.
pub(crate) fn request_origin<B>(req: &Request<B>) -> Option<Option<String>> {
    is_api_path(req.uri().path()).then(|| origin_of(req.headers()).map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins() {
        assert!(is_loopback_origin("http://localhost:5173"));
        assert!(is_loopback_origin("https://127.0.0.1"));
        assert!(is_loopback_origin("http://[::1]:8080"));
        assert!(!is_loopback_origin("http://localhost.evil.example"));
        assert!(is_loopback_origin("http://app.localhost:5173"));
        assert!(!is_loopback_origin("http://applocalhost:5173"));
        assert!(!is_loopback_origin("null"));
        assert!(!is_loopback_origin("file://localhost"));
    }

    #[test]
    fn configured_and_any() {
        let mut net = NetConfig::default();
        assert!(allow_origin("https://app.example", &net).is_none());
        net.cors_origins.push("https://app.example".into());
        assert!(allow_origin("https://APP.example", &net).is_some());
        net.cors_any = true;
        assert_eq!(allow_origin("https://x.example", &net).unwrap(), "*");
    }
}
