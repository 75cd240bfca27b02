//! Matching a request path to a route, and the methods each route offers.

use http::Method;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// The API's base path, as a literal for `concat!`.
macro_rules! api_base {
    () => {
        "/api/v1"
    };
}

/// The base path of the API.
pub const API_BASE: &str = api_base!();
/// The collection of people, under which every `/people…` route lies.
pub(crate) const PEOPLE_PATH: &str = concat!(api_base!(), "/people");
/// The token endpoint.
pub(crate) const TOKEN_PATH: &str = concat!(api_base!(), "/oauth/token");
/// The interactive docs; Swagger UI's own files are served beside its index page.
#[cfg(feature = "ui")]
pub(crate) const DOCS_PATH: &str = concat!(api_base!(), "/ui");
/// The API's root, which answers with links to the docs, the spec and the demo page.
#[cfg(feature = "ui")]
pub(crate) const API_INDEX: &str = concat!(api_base!(), "/");
/// The docs' index page, where `/api/v1/docs` and `/api/v1/ui` redirect.
pub(crate) const DOCS_INDEX: &str = concat!(api_base!(), "/ui/");

/// Whether `path` is the API's base path or under it.
pub(crate) fn is_api_path(path: &str) -> bool {
    path.strip_prefix(API_BASE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What a path segment that is not valid UTF-8 decodes to: it contains `/`,
/// which no key may contain, so it never names anything.
const UNDECODABLE: &str = "/\u{fffd}";

/// Characters percent-encoded in a path segment of a `Location` or link.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'?')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

/// Percent-encodes one path segment (controls, space, quotes, `%`, `/`, `?`,
/// `#`, non-ASCII and other delimiters).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// `/api/v1/people/{lname}` with the lname encoded.
pub(crate) fn person_path(lname: &str) -> String {
    format!("{API_BASE}/people/{}", encode_segment(lname))
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .unwrap_or_else(|_| UNDECODABLE.to_string())
}

/// Whether `path` is on the admin surface.
pub(crate) fn is_admin_path(path: &str) -> bool {
    path == "/__mock" || path.starts_with("/__mock/")
}

/// The admin routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AdminRoute {
    Index,
    Reset,
    ExpireTokens,
    Faults,
    Fault(String),
    Journal,
    Config,
    Revoke,
    People,
    Clock,
    State,
}

/// Every route of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    Token,
    People,
    Person(String),
    Photo(String),
    Attachments(String),
    Attachment(String, String),
    OpenApiYaml,
    OpenApiJson,
    Docs,
    Admin(AdminRoute),
}

const GET_HEAD: &[Method] = &[Method::GET, Method::HEAD];

impl Route {
    /// Matches a raw (percent-encoded) path.
    pub(crate) fn parse(path: &str) -> Option<Route> {
        if let Some(rest) = path
            .strip_prefix(API_BASE)
            .and_then(|r| r.strip_prefix('/'))
        {
            // No route has more than four segments: more match nothing.
            let mut segments = [""; 4];
            let mut count = 0;
            for segment in rest.split('/') {
                *segments.get_mut(count)? = segment;
                count += 1;
            }
            let route = match &segments[..count] {
                ["oauth", "token"] => Route::Token,
                ["openapi.yaml"] => Route::OpenApiYaml,
                ["openapi.json"] => Route::OpenApiJson,
                // The docs' short address, only where there are docs (feature `ui`).
                ["docs"] if cfg!(feature = "ui") => Route::Docs,
                ["people"] => Route::People,
                ["people", lname] if !lname.is_empty() => Route::Person(decode(lname)),
                ["people", lname, "photo"] if !lname.is_empty() => Route::Photo(decode(lname)),
                ["people", lname, "attachments"] if !lname.is_empty() => {
                    Route::Attachments(decode(lname))
                }
                ["people", lname, "attachments", id] if !lname.is_empty() && !id.is_empty() => {
                    Route::Attachment(decode(lname), decode(id))
                }
                _ => return None,
            };
            return Some(route);
        }
        let rest = path.strip_prefix("/__mock")?;
        let admin = match rest {
            "" | "/" => AdminRoute::Index,
            "/reset" => AdminRoute::Reset,
            "/expire-tokens" => AdminRoute::ExpireTokens,
            "/faults" => AdminRoute::Faults,
            "/journal" => AdminRoute::Journal,
            "/config" => AdminRoute::Config,
            "/revoke" => AdminRoute::Revoke,
            "/people" => AdminRoute::People,
            "/clock" => AdminRoute::Clock,
            "/state" => AdminRoute::State,
            other => {
                let id = other.strip_prefix("/faults/")?;
                if id.is_empty() || id.contains('/') {
                    return None;
                }
                AdminRoute::Fault(decode(id))
            }
        };
        Some(Route::Admin(admin))
    }

    /// Whether the route is one of `/people…` (authenticated, rate limited).
    pub(crate) fn is_people(&self) -> bool {
        matches!(
            self,
            Route::People
                | Route::Person(_)
                | Route::Photo(_)
                | Route::Attachments(_)
                | Route::Attachment(..)
        )
    }

    /// The methods the route offers.
    pub(crate) fn methods(&self) -> &'static [Method] {
        match self {
            Route::Token => &[Method::POST],
            Route::People => &[Method::GET, Method::HEAD, Method::POST],
            Route::Person(_) => &[
                Method::GET,
                Method::HEAD,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ],
            Route::Photo(_) => &[Method::GET, Method::HEAD, Method::POST, Method::DELETE],
            Route::Attachments(_) => &[Method::GET, Method::HEAD, Method::POST],
            Route::Attachment(..) => &[Method::GET, Method::HEAD, Method::DELETE],
            Route::OpenApiYaml | Route::OpenApiJson | Route::Docs => GET_HEAD,
            Route::Admin(admin) => match admin {
                AdminRoute::Index | AdminRoute::Config | AdminRoute::People => GET_HEAD,
                AdminRoute::Reset | AdminRoute::ExpireTokens | AdminRoute::Revoke => {
                    &[Method::POST]
                }
                AdminRoute::Faults => &[Method::GET, Method::HEAD, Method::POST, Method::DELETE],
                AdminRoute::Fault(_) => &[Method::GET, Method::HEAD, Method::DELETE],
                AdminRoute::Journal => &[Method::GET, Method::HEAD, Method::DELETE],
                AdminRoute::Clock => &[Method::GET, Method::HEAD, Method::POST],
                AdminRoute::State => &[Method::GET, Method::HEAD, Method::PUT],
            },
        }
    }

    /// The `Allow` header value.
    pub(crate) fn allow(&self) -> String {
        self.methods()
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_people_routes() {
        assert_eq!(Route::parse("/api/v1/people"), Some(Route::People));
        assert_eq!(
            Route::parse("/api/v1/people/O%27Brien"),
            Some(Route::Person("O'Brien".into()))
        );
        assert_eq!(
            Route::parse("/api/v1/people/100%25/photo"),
            Some(Route::Photo("100%".into()))
        );
        assert_eq!(
            Route::parse("/api/v1/people/%E6%9D%8E/attachments/att_1"),
            Some(Route::Attachment("李".into(), "att_1".into()))
        );
        assert_eq!(
            Route::parse("/api/v1/people/%FF"),
            Some(Route::Person(UNDECODABLE.into()))
        );
        assert_eq!(Route::parse("/api/v1/people/"), None);
        assert_eq!(Route::parse("/api/v1/people//photo"), None);
        assert_eq!(Route::parse("/api/v1/nothing"), None);
        assert_eq!(Route::parse("/"), None);
        assert_eq!(Route::parse("/__mockery"), None);
        assert_eq!(
            Route::parse("/__mock/faults/3"),
            Some(Route::Admin(AdminRoute::Fault("3".into())))
        );
    }

    #[test]
    fn encodes_segments() {
        assert_eq!(encode_segment("O'Brien"), "O%27Brien");
        assert_eq!(encode_segment("van der Berg"), "van%20der%20Berg");
        assert_eq!(encode_segment("100%"), "100%25");
        assert_eq!(encode_segment("Lévi-Strauss"), "L%C3%A9vi-Strauss");
        assert_eq!(encode_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
    }

    #[test]
    fn allow_lists() {
        assert_eq!(Route::People.allow(), "GET, HEAD, POST");
        assert_eq!(Route::Token.allow(), "POST");
    }
}
