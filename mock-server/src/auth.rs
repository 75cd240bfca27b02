//! Clients, scopes, access and refresh tokens, and bearer authentication.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use sha2::{Digest, Sha256};

use crate::errors::ApiError;
use crate::sync::{lock, read, write};

/// The scope that allows GET and HEAD on `/people…`.
pub const SCOPE_READ: &str = "people:read";
/// The scope that allows every other method on `/people…`.
pub const SCOPE_WRITE: &str = "people:write";
/// Every scope the server knows.
pub(crate) const KNOWN_SCOPES: [&str; 2] = [SCOPE_READ, SCOPE_WRITE];

/// An OAuth client: id, secret and the scopes it may be granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Client {
    pub(crate) id: String,
    pub(crate) secret: String,
    pub(crate) scopes: Vec<String>,
}

impl Client {
    pub(crate) fn new(id: &str, secret: &str, scopes: &[&str]) -> Self {
        Self {
            id: id.to_string(),
            secret: secret.to_string(),
            scopes: split_scopes(scopes),
        }
    }
}

/// Splits scope lists given as separate items, or space- or comma-separated.
pub(crate) fn split_scopes(items: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        for scope in item.split([' ', ',']).filter(|s| !s.is_empty()) {
            if !out.iter().any(|s| s == scope) {
                out.push(scope.to_string());
            }
        }
    }
    out
}

/// Who a valid access token belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    pub(crate) client_id: Arc<str>,
    pub(crate) scopes: Arc<[String]>,
}

impl Principal {
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

#[derive(Debug)]
struct Grant {
    client_id: Arc<str>,
    scopes: Arc<[String]>,
    expires_at: Instant,
    revoked: bool,
}

impl Grant {
    fn state(&self, now: Instant) -> Result<(), &'static str> {
        if self.revoked {
            Err("the token was revoked")
        } else if now >= self.expires_at {
            Err("the token expired")
        } else {
            Ok(())
        }
    }
}

/// What a successful grant returns.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) expires_in: u64,
    pub(crate) scopes: Vec<String>,
}

/// Why a refresh failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshError {
    InvalidGrant(&'static str),
    InvalidScope,
}

/// Access and refresh tokens.
#[derive(Debug)]
pub(crate) struct TokenStore {
    access: RwLock<HashMap<String, Grant>>,
    refresh: Mutex<HashMap<String, Grant>>,
    counter: AtomicU64,
    prune_at: AtomicU64,
}

const PRUNE_FLOOR: u64 = 4096;

impl Default for TokenStore {
    fn default() -> Self {
        Self {
            access: RwLock::default(),
            refresh: Mutex::default(),
            counter: AtomicU64::new(0),
            prune_at: AtomicU64::new(PRUNE_FLOOR),
        }
    }
}

impl TokenStore {
    fn random_token(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut hasher = Sha256::new();
        hasher.update(fastrand::u128(..).to_le_bytes());
        hasher.update(fastrand::u128(..).to_le_bytes());
        hasher.update(n.to_le_bytes());
        hasher.update(format!("{:?}", Instant::now()).as_bytes());
        let digest = hasher.finalize();
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..24]);
        format!("{prefix}{encoded}")
    }

    /// Issues an access token and a refresh token.
    pub(crate) fn issue(
        &self,
        client_id: &str,
        access_scopes: Vec<String>,
        refresh_scopes: Vec<String>,
        ttl: Duration,
        refresh_ttl: Duration,
    ) -> Issued {
        let now = Instant::now();
        let client: Arc<str> = Arc::from(client_id);
        let access_token = self.random_token("at_");
        let refresh_token = self.random_token("rt_");
        {
            let mut access = write(&self.access);
            access.insert(
                access_token.clone(),
                Grant {
                    client_id: client.clone(),
                    scopes: access_scopes.clone().into(),
                    expires_at: now + ttl,
                    revoked: false,
                },
            );
            let len = access.len() as u64;
            if len > self.prune_at.load(Ordering::Relaxed) {
                access.retain(|_, g| g.state(now).is_ok());
                let kept = access.len() as u64;
                self.prune_at
                    .store((kept * 2).max(PRUNE_FLOOR), Ordering::Relaxed);
            }
        }
        {
            let mut refresh = lock(&self.refresh);
            refresh.insert(
                refresh_token.clone(),
                Grant {
                    client_id: client,
                    scopes: refresh_scopes.into(),
                    expires_at: now + refresh_ttl,
                    revoked: false,
                },
            );
            if refresh.len() as u64 > self.prune_at.load(Ordering::Relaxed) {
                refresh.retain(|_, g| g.state(now).is_ok());
            }
        }
        Issued {
            access_token,
            refresh_token,
            expires_in: ttl.as_secs(),
            scopes: access_scopes,
        }
    }

    /// Retires a refresh token and returns its grant's scopes, checking client and requested scopes.
    pub(crate) fn take_refresh(
        &self,
        token: &str,
        client_id: &str,
        requested: Option<&[String]>,
    ) -> Result<Vec<String>, RefreshError> {
        let mut refresh = lock(&self.refresh);
        let now = Instant::now();
        let grant = refresh.get(token).ok_or(RefreshError::InvalidGrant(
            "unknown or already used refresh token",
        ))?;
        grant
            .state(now)
            .map_err(|_| RefreshError::InvalidGrant("the refresh token is expired or revoked"))?;
        if &*grant.client_id != client_id {
            return Err(RefreshError::InvalidGrant(
                "the refresh token was issued to another client",
            ));
        }
        if let Some(requested) = requested
            && !requested.iter().all(|s| grant.scopes.contains(s))
        {
            return Err(RefreshError::InvalidScope);
        }
        let scopes = grant.scopes.to_vec();
        refresh.remove(token);
        Ok(scopes)
    }

    /// Authenticates a bearer token from the request headers.
    pub(crate) fn authenticate(&self, headers: &HeaderMap) -> Result<Principal, ApiError> {
        let token = bearer_token(headers).ok_or_else(ApiError::missing_token)?;
        let access = read(&self.access);
        let grant = access
            .get(token)
            .ok_or_else(|| ApiError::invalid_token("unknown token"))?;
        grant
            .state(Instant::now())
            .map_err(ApiError::invalid_token)?;
        Ok(Principal {
            client_id: grant.client_id.clone(),
            scopes: grant.scopes.clone(),
        })
    }

    /// Expires every access and refresh token; returns how many were live.
    pub(crate) fn expire_all(&self) -> usize {
        let now = Instant::now();
        let mut count = 0;
        for grant in write(&self.access).values_mut() {
            if grant.state(now).is_ok() {
                count += 1;
            }
            grant.expires_at = now;
        }
        for grant in lock(&self.refresh).values_mut() {
            if grant.state(now).is_ok() {
                count += 1;
            }
            grant.expires_at = now;
        }
        count
    }

    /// Revokes one access or refresh token; true if it was known.
    pub(crate) fn revoke(&self, token: &str) -> bool {
        if let Some(grant) = write(&self.access).get_mut(token) {
            grant.revoked = true;
            return true;
        }
        if let Some(grant) = lock(&self.refresh).get_mut(token) {
            grant.revoked = true;
            return true;
        }
        false
    }

    /// Forgets every token.
    pub(crate) fn clear(&self) {
        write(&self.access).clear();
        lock(&self.refresh).clear();
    }
}

/// The token of an `Authorization: Bearer` header (scheme case-insensitive).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim();
    (!token.is_empty()).then_some(token)
}

/// The decoded id and secret of an `Authorization: Basic` header.
///
/// `Ok(None)`: no Basic header; `Err(())`: a Basic header that does not decode.
#[allow(clippy::result_unit_err)]
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, ()> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ())?.trim();
    let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .map_err(|_| ())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    let (id, secret) = decoded.split_once(':').ok_or(())?;
    Ok(Some((form_decode(id), form_decode(secret))))
}

fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Compares secrets without an early exit.
pub(crate) fn secrets_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer_token(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&headers("Bearer")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    #[test]
    fn basic_parsing() {
        // "a%3Ab:s+c" -> id "a:b", secret "s c"
        let encoded = base64::engine::general_purpose::STANDARD.encode("a%3Ab:s+c");
        let got = basic_credentials(&headers(&format!("Basic {encoded}"))).unwrap();
        assert_eq!(got, Some(("a:b".into(), "s c".into())));
        assert!(basic_credentials(&headers("Basic !!!")).is_err());
        assert_eq!(basic_credentials(&headers("Bearer x")), Ok(None));
    }

    #[test]
    fn rotation_and_expiry() {
        let store = TokenStore::default();
        let scopes = vec![SCOPE_READ.to_string()];
        let issued = store.issue(
            "c",
            scopes.clone(),
            scopes.clone(),
            Duration::from_secs(60),
            Duration::from_secs(60),
        );
        assert_ne!(issued.access_token, issued.refresh_token);
        assert!(issued.access_token.len() >= 32);
        let h = headers(&format!("Bearer {}", issued.access_token));
        assert!(store.authenticate(&h).is_ok());
        assert_eq!(
            store.take_refresh(&issued.refresh_token, "other", None),
            Err(RefreshError::InvalidGrant(
                "the refresh token was issued to another client"
            ))
        );
        assert!(store.take_refresh(&issued.refresh_token, "c", None).is_ok());
        assert!(
            store
                .take_refresh(&issued.refresh_token, "c", None)
                .is_err()
        );
        store.expire_all();
        assert_eq!(store.authenticate(&h).unwrap_err().code, 401_002);
    }

    #[test]
    fn scope_splitting() {
        assert_eq!(
            split_scopes(&["people:read,people:write", "people:read"]),
            vec!["people:read", "people:write"]
        );
    }
}
