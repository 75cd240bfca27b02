//! Who may drive the admin surface under `/__mock/`.
//!
//! A web page must not: a request whose `Origin` is not the server's own, or that a browser marks
//! as cross-site (`Sec-Fetch-Site`), is refused with a 403, and the admin surface never answers
//! CORS. With an admin token configured (required off loopback), every admin request must carry
//! it as a bearer token. Writes must also be JSON (see [`require_json`]), which no page can send
//! to another origin without a preflight.

use http::header::{AUTHORIZATION, ORIGIN};
use http::uri::Authority;
use http::{HeaderMap, Request};

use crate::errors::ApiError;
use crate::net_config::NetConfig;

/// Whether `origin` (`scheme://host[:port]`) names the same host and port as `authority`.
fn same_origin(origin: &str, authority: Option<&Authority>) -> bool {
    let (Ok(url), Some(authority)) = (url::Url::parse(origin), authority) else {
        return false;
    };
    let default_port = if url.scheme() == "https" { 443 } else { 80 };
    url.host_str()
        .is_some_and(|host| host.eq_ignore_ascii_case(authority.host()))
        && url.port_or_known_default() == Some(authority.port_u16().unwrap_or(default_port))
}

/// Compares without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(AUTHORIZATION)?.as_bytes();
    let (scheme, token) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then_some(token)
}

/// 403 for a cross-site request, 401 without the admin token (when one is configured).
pub(crate) fn check<B>(
    req: &Request<B>,
    authority: Option<&Authority>,
    net: &NetConfig,
) -> Result<(), ApiError> {
    let headers = req.headers();
    for origin in headers.get_all(ORIGIN) {
        let text = String::from_utf8_lossy(origin.as_bytes());
        if !same_origin(&text, authority) {
            return Err(ApiError::origin_refused(&text));
        }
    }
    if let Some(site) = headers.get("sec-fetch-site")
        && matches!(site.as_bytes(), b"cross-site" | b"same-site")
    {
        return Err(ApiError::origin_refused("another site"));
    }
    match &net.admin_token {
        Some(token) if !bearer(headers).is_some_and(|b| constant_time_eq(b, token.as_bytes())) => {
            Err(ApiError::admin_token_required())
        }
        _ => Ok(()),
    }
}

/// 415 unless an admin write is `application/json` (UTF-8): a page can send only form and
/// plain-text bodies to another origin without a preflight.
pub(crate) fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    crate::negotiation::require_content_type(headers, &["application/json"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority(text: &str) -> Authority {
        text.parse().unwrap()
    }

    #[test]
    fn origins() {
        let here = authority("127.0.0.1:8080");
        assert!(same_origin("http://127.0.0.1:8080", Some(&here)));
        assert!(!same_origin("http://127.0.0.1:8081", Some(&here)));
        assert!(!same_origin("https://evil.example", Some(&here)));
        assert!(!same_origin("null", Some(&here)));
        assert!(same_origin(
            "http://localhost",
            Some(&authority("LOCALHOST"))
        ));
        assert!(!same_origin("http://localhost", None));
    }

    #[test]
    fn tokens() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, "bearer s3cret".parse().unwrap());
        assert_eq!(bearer(&headers), Some(&b"s3cret"[..]));
        headers.insert(AUTHORIZATION, "Basic x".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
