//! The `Host` of a request: exactly one (RFC 9112 section 3.2), and a name this server answers
//! to.
//!
//! A page on another site can make a browser send requests here through DNS rebinding: its own
//! name, resolved to this machine, with its own name as `Host`. Accepting only loopback names,
//! IP literals (which no DNS answer can rebind) and names configured with
//! [`allowed_host`](crate::PeopleMockBuilder::allowed_host) keeps such a page from reading the
//! people, the journal or anything else.

use std::net::IpAddr;

use http::header::HOST;
use http::uri::Authority;
use http::{Request, Version};

use crate::errors::ApiError;

/// The authority a request is addressed to: the request target's in absolute form, else the
/// single `Host` header's. A request with more than one `Host` is a 400, and so is an HTTP/1.1
/// request without one when it came over the wire (`from_wire`); a request a test hands to the
/// router may leave it out.
fn authority<B>(req: &Request<B>, from_wire: bool) -> Result<Option<Authority>, ApiError> {
    let mut hosts = req.headers().get_all(HOST).iter();
    let first = hosts.next();
    if hosts.next().is_some() {
        return Err(ApiError::invalid_host(
            "A request must not carry more than one Host header",
        ));
    }
    if let Some(authority) = req.uri().authority() {
        return Ok(Some(authority.clone()));
    }
    match first {
        Some(value) => Authority::try_from(value.as_bytes())
            .map(Some)
            .map_err(|_| ApiError::invalid_host("The Host header is not a valid host[:port]")),
        None if from_wire && req.version() >= Version::HTTP_11 => Err(ApiError::invalid_host(
            "An HTTP/1.1 request must carry a Host header",
        )),
        None => Ok(None),
    }
}

/// Whether `host` is `localhost` or a name under it (`app.localhost`), with or without the
/// root's trailing dot. RFC 6761 reserves these names for loopback and browsers resolve them
/// to it themselves, without asking DNS, so no other site can rebind one.
pub(crate) fn is_loopback_name(host: &str) -> bool {
    const LOCALHOST: &str = "localhost";
    let host = host.strip_suffix('.').unwrap_or(host);
    let Some(start) = host.len().checked_sub(LOCALHOST.len()) else {
        return false;
    };
    // `get` is `None` when `start` is inside a multi-byte character: then it is no match.
    let ends_in_localhost = host
        .get(start..)
        .is_some_and(|tail| tail.eq_ignore_ascii_case(LOCALHOST));
    // Either the whole name, or a dot after a label that is not empty.
    ends_in_localhost && (start == 0 || (start > 1 && host.as_bytes()[start - 1] == b'.'))
}

/// Whether `host` (without its port; IPv6 in brackets) is one this server answers to. A
/// configured name (kept lower-case, without the root's trailing dot) matches with or without
/// that dot.
fn is_allowed(host: &str, allowed: &[String]) -> bool {
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let name = host.strip_suffix('.').unwrap_or(host);
    is_loopback_name(host)
        || literal.parse::<IpAddr>().is_ok()
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// The request's authority (see [`authority`]); 400 for a missing or repeated `Host`, 421 for
/// a name this server does not answer to. The name is checked only over the wire: a request a
/// test hands to the router comes from no browser and cannot be rebound, so it may name any
/// host (its links then point there).
pub(crate) fn check<B>(
    req: &Request<B>,
    allowed: &[String],
    from_wire: bool,
) -> Result<Option<Authority>, ApiError> {
    let authority = authority(req, from_wire)?;
    if !from_wire {
        return Ok(authority);
    }
    // With an absolute-form target the Host header is not the authority, but the absolute links
    // of a page of people are built from it: it must be a name this server answers to as well.
    // Without one, `authority` is the Host header's already: not parsed a second time.
    let named = req.uri().authority().and_then(|_| {
        req.headers()
            .get(HOST)
            .and_then(|value| Authority::try_from(value.as_bytes()).ok())
    });
    match authority
        .iter()
        .chain(named.iter())
        .find(|a| !is_allowed(a.host(), allowed))
    {
        Some(foreign) => Err(ApiError::host_not_allowed(foreign.host())),
        None => Ok(authority),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(hosts: &[&str], version: Version) -> Request<()> {
        let mut builder = Request::get("/api/v1/people").version(version);
        for host in hosts {
            builder = builder.header(HOST, *host);
        }
        builder.body(()).unwrap()
    }

    fn code(hosts: &[&str], version: Version) -> Option<u32> {
        check(
            &request(hosts, version),
            &["mock.internal".to_string()],
            true,
        )
        .err()
        .map(|e| e.code)
    }

    #[test]
    fn host_rules() {
        let v11 = Version::HTTP_11;
        for ok in [
            "127.0.0.1:8080",
            "localhost",
            "LOCALHOST:1",
            "[::1]:9",
            "10.1.2.3",
            "mock.internal:80",
            "mock.internal.:80",
            "localhost.",
            "localhost.:8080",
            "app.localhost:5173",
            "A.B.LOCALHOST.",
        ] {
            assert_eq!(code(&[ok], v11), None, "{ok}");
        }
        assert_eq!(code(&["evil.example"], v11), Some(421_001));
        assert_eq!(code(&["localhost.evil.example:80"], v11), Some(421_001));
        assert_eq!(code(&[".localhost"], v11), Some(421_001));
        assert_eq!(code(&["localhost.."], v11), Some(421_001));
        assert_eq!(code(&["evillocalhost"], v11), Some(421_001));
        assert_eq!(code(&["mock.internal.evil"], v11), Some(421_001));
        assert_eq!(code(&[], v11), Some(400_005));
        assert_eq!(code(&[], Version::HTTP_10), None);
        assert_eq!(code(&["localhost", "localhost"], v11), Some(400_005));
        // A request handed to the router in process may leave Host out or name any host.
        assert!(check(&request(&[], v11), &[], false).is_ok());
        assert!(check(&request(&["evil.example"], v11), &[], false).is_ok());
        assert_eq!(code(&["a b"], v11), Some(400_005));
    }

    #[test]
    fn loopback_names() {
        for yes in [
            "localhost",
            "LocalHost.",
            "a.localhost",
            "é.localhost",
            "x.y.LOCALHOST",
        ] {
            assert!(is_loopback_name(yes), "{yes}");
        }
        for no in [
            "",
            ".",
            "localhost..",
            ".localhost",
            "élocalhost",
            "localhost.a",
            "ocalhost",
        ] {
            assert!(!is_loopback_name(no), "{no}");
        }
    }

    #[test]
    fn absolute_form_names_the_host() {
        let req = Request::get("http://evil.example/api/v1/people")
            .header(HOST, "localhost")
            .body(())
            .unwrap();
        assert_eq!(check(&req, &[], true).unwrap_err().code, 421_001);
        let req = Request::get("http://localhost/api/v1/people")
            .header(HOST, "evil.example")
            .body(())
            .unwrap();
        assert_eq!(check(&req, &[], true).unwrap_err().code, 421_001);
    }
}
