//! `POST /api/v1/oauth/token`: client credentials and rotating refresh tokens
//! (RFC 6749 sections 4.4 and 6), with the OAuth error shape.

use std::collections::HashMap;

use axum::extract::Request;
use axum::response::Response;
use http::header::{CACHE_CONTROL, PRAGMA};
use http::{HeaderValue, StatusCode};

use crate::auth::{KNOWN_SCOPES, RefreshError, basic_credentials, secrets_equal};
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
    let (parts, body) = req.into_parts();
    if content_type_essence(&parts.headers).as_deref() != Some("application/x-www-form-urlencoded")
    {
        return invalid_request("Content-Type must be application/x-www-form-urlencoded");
    }
    let bytes = match read_limited(&parts.headers, body, FORM_LIMIT).await {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge) => {
            return oauth_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "the request body is too large",
            );
        }
        Err(ReadError::Broken) => return invalid_request("the request body could not be read"),
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
            return invalid_request(&format!("parameter '{name}' is given more than once"));
        }
    }

    let basic = match basic_credentials(&parts.headers) {
        Ok(basic) => basic,
        Err(()) => return invalid_client("malformed HTTP Basic credentials"),
    };
    let in_form = params.contains_key("client_id") || params.contains_key("client_secret");
    let (client_id, secret) = match (basic, in_form) {
        (Some(_), true) => {
            return invalid_request(
                "use either HTTP Basic or client_id and client_secret in the form, not both",
            );
        }
        (Some(pair), false) => pair,
        (None, true) => (
            params.get("client_id").cloned().unwrap_or_default(),
            params.get("client_secret").cloned().unwrap_or_default(),
        ),
        (None, false) => return invalid_client("client authentication is required"),
    };
    let config = &state.inner.config;
    let Some(client) = config
        .clients
        .iter()
        .find(|c| c.id == client_id && secrets_equal(&c.secret, &secret))
    else {
        return invalid_client("unknown client or wrong secret");
    };

    let grant_type = match params.get("grant_type").map(String::as_str) {
        None => return invalid_request("grant_type is required"),
        Some(grant @ ("client_credentials" | "refresh_token")) => grant,
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be client_credentials or refresh_token",
            );
        }
    };
    let requested = match params.get("scope").map(|s| parse_scope(s)) {
        None => None,
        Some(Ok(scopes)) if scopes.is_empty() => None,
        Some(Ok(scopes)) => Some(scopes),
        Some(Err(unknown)) => return invalid_scope(&format!("unknown scope '{unknown}'")),
    };
    let tokens = &state.inner.tokens;
    let issued = match grant_type {
        "client_credentials" => {
            let scopes = match requested {
                Some(scopes) => {
                    if let Some(denied) = scopes.iter().find(|s| !client.scopes.contains(s)) {
                        return invalid_scope(&format!(
                            "scope '{denied}' is not allowed for this client"
                        ));
                    }
                    scopes
                }
                None => client.scopes.clone(),
            };
            tokens.issue(
                &client.id,
                scopes.clone(),
                scopes,
                (config.token_ttl, config.refresh_ttl),
                None,
            )
        }
        _ => {
            let Some(refresh_token) = params.get("refresh_token") else {
                return invalid_request("refresh_token is required");
            };
            match tokens.take_refresh(refresh_token, &client.id, requested.as_deref()) {
                Ok((original, family)) => {
                    let access = requested.unwrap_or_else(|| original.clone());
                    tokens.issue(
                        &client.id,
                        access,
                        original,
                        (config.token_ttl, config.refresh_ttl),
                        Some(family),
                    )
                }
                Err(RefreshError::InvalidGrant(why)) => {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
                }
                Err(RefreshError::InvalidScope) => {
                    return invalid_scope("the requested scope exceeds the original grant");
                }
            }
        }
    };
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
