//! `POST /api/v1/oauth/token`: client credentials and rotating refresh tokens
//! (RFC 6749 sections 4.4 and 6), with the OAuth error shape.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::header::{CACHE_CONTROL, PRAGMA};
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::auth::{Client, Issued, KNOWN_SCOPES, RefreshError, basic_credentials, secrets_equal};
use crate::body::{ReadError, read_limited};
use crate::errors::oauth_error;
use crate::negotiation::content_type_essence;
use crate::respond::json_response;
use crate::state::MockState;

/// Largest form body.
const FORM_LIMIT: u64 = 64 * 1024;

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn invalid_client(description: &str) -> Response {
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description)
}

fn invalid_scope(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", description)
}

/// The 405 of the token endpoint, in the OAuth shape.
pub(crate) fn method_not_allowed() -> Response {
    let mut response = oauth_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request",
        "the token endpoint accepts only POST",
    );
    response
        .headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// Parses a space-separated scope list; `Err` names an unknown scope.
fn parse_scope(text: &str) -> Result<Vec<String>, String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in text.split(' ').filter(|s| !s.is_empty()) {
        if !KNOWN_SCOPES.contains(&scope) {
            return Err(scope.to_string());
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    Ok(scopes)
}

/// Handles a token request.
pub(crate) async fn handle(state: &MockState, req: Request) -> Response {
    answer(state, req).await.unwrap_or_else(|refusal| *refusal)
}

/// An OAuth error answer; boxed, as a response is large beside a token.
type Refusal = Box<Response>;

/// The steps of RFC 6749 in order: the form, the client, the grant type, the scope, the grant.
async fn answer(state: &MockState, req: Request) -> Result<Response, Refusal> {
    let (parts, body) = req.into_parts();
    let params = read_form(&parts.headers, body).await?;
    let client = authenticate_client(state, &parts.headers, &params)?;
    let refresh = match params.get("grant_type").map(String::as_str) {
        None => return Err(invalid_request("grant_type is required").into()),
        Some("client_credentials") => false,
        Some("refresh_token") => true,
        Some(_) => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be client_credentials or refresh_token",
            )
            .into());
        }
    };
    let requested = match params.get("scope").map(|s| parse_scope(s)) {
        None => None,
        Some(Ok(scopes)) if scopes.is_empty() => None,
        Some(Ok(scopes)) => Some(scopes),
        Some(Err(unknown)) => {
            return Err(invalid_scope(&format!("unknown scope '{unknown}'")).into());
        }
    };
    let issued = if refresh {
        let Some(refresh_token) = params.get("refresh_token") else {
            return Err(invalid_request("refresh_token is required").into());
        };
        refresh_grant(state, client, refresh_token, requested)?
    } else {
        client_credentials_grant(state, client, requested)?
    };
    Ok(token_response(&issued))
}

/// The form parameters; each at most once (an empty value counts as absent).
async fn read_form(headers: &HeaderMap, body: Body) -> Result<HashMap<String, String>, Refusal> {
    if content_type_essence(headers).as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(
            invalid_request("Content-Type must be application/x-www-form-urlencoded").into(),
        );
    }
    let bytes = match read_limited(headers, body, FORM_LIMIT).await {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge) => {
            return Err(oauth_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "the request body is too large",
            )
            .into());
        }
        Err(ReadError::Broken) => {
            return Err(invalid_request("the request body could not be read").into());
        }
    };
    let mut params: HashMap<String, String> = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(&bytes) {
        if value.is_empty() {
            continue;
        }
        if params
            .insert(name.to_string(), value.into_owned())
            .is_some()
        {
            return Err(
                invalid_request(&format!("parameter '{name}' is given more than once")).into(),
            );
        }
    }
    Ok(params)
}

/// The client, authenticated by HTTP Basic or by the form (one of them, not both).
fn authenticate_client<'s>(
    state: &'s MockState,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<&'s Client, Refusal> {
    let basic = basic_credentials(headers)
        .map_err(|()| invalid_client("malformed HTTP Basic credentials"))?;
    let in_form = params.contains_key("client_id") || params.contains_key("client_secret");
    let (client_id, secret) = match (basic, in_form) {
        (Some(_), true) => {
            return Err(invalid_request(
                "use either HTTP Basic or client_id and client_secret in the form, not both",
            )
            .into());
        }
        (Some(pair), false) => pair,
        (None, true) => (
            params.get("client_id").cloned().unwrap_or_default(),
            params.get("client_secret").cloned().unwrap_or_default(),
        ),
        (None, false) => return Err(invalid_client("client authentication is required").into()),
    };
    state
        .inner
        .config
        .clients
        .iter()
        .find(|c| c.id == client_id && secrets_equal(&c.secret, &secret))
        .ok_or_else(|| invalid_client("unknown client or wrong secret").into())
}

/// `client_credentials`: the requested scopes, each allowed to the client, or all of them.
fn client_credentials_grant(
    state: &MockState,
    client: &Client,
    requested: Option<Vec<String>>,
) -> Result<Issued, Refusal> {
    let scopes = match requested {
        Some(scopes) => {
            if let Some(denied) = scopes.iter().find(|s| !client.scopes.contains(s)) {
                return Err(invalid_scope(&format!(
                    "scope '{denied}' is not allowed for this client"
                ))
                .into());
            }
            scopes
        }
        None => client.scopes.clone(),
    };
    let config = &state.inner.config;
    Ok(state.inner.tokens.issue(
        &client.id,
        scopes.clone(),
        scopes,
        (config.token_ttl, config.refresh_ttl),
        None,
    ))
}

/// `refresh_token`: rotates the refresh token; the new access token may narrow the scope.
fn refresh_grant(
    state: &MockState,
    client: &Client,
    refresh_token: &str,
    requested: Option<Vec<String>>,
) -> Result<Issued, Refusal> {
    let tokens = &state.inner.tokens;
    let (original, family) = tokens
        .take_refresh(refresh_token, &client.id, requested.as_deref())
        .map_err(|error| match error {
            RefreshError::InvalidGrant(why) => {
                oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why)
            }
            RefreshError::InvalidScope => {
                invalid_scope("the requested scope exceeds the original grant")
            }
        })?;
    let access = requested.unwrap_or_else(|| original.clone());
    let config = &state.inner.config;
    Ok(tokens.issue(
        &client.id,
        access,
        original,
        (config.token_ttl, config.refresh_ttl),
        Some(family),
    ))
}

/// The token answer (RFC 6749 section 5.1), never to be cached.
fn token_response(issued: &Issued) -> Response {
    let body = serde_json::json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "refresh_token": issued.refresh_token,
        "scope": issued.scopes.join(" "),
    });
    let mut response = json_response(StatusCode::OK, &body);
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_parsing() {
        assert_eq!(
            parse_scope("people:read  people:write people:read"),
            Ok(vec!["people:read".to_string(), "people:write".to_string()])
        );
        assert_eq!(parse_scope("admin"), Err("admin".to_string()));
    }
}
