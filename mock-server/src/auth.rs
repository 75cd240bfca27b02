//! Clients, scopes, access and refresh tokens, and bearer authentication.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::clock::Clock;
use crate::errors::ApiError;
use crate::forever::{FOREVER, deadline};
use crate::redacted::Redacted;
use crate::spent_tokens::{Spent, SpentTokens};
use crate::sync::{lock, read, write};
use crate::token_ledger::{DEFAULT_MAX_TOKENS_PER_CLIENT, Issue, Ledger};

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
    pub(crate) secret: Redacted<String>,
    pub(crate) scopes: Vec<String>,
}

impl Client {
    pub(crate) fn new(id: &str, secret: &str, scopes: &[&str]) -> Self {
        Self {
            id: id.to_string(),
            secret: Redacted(secret.to_string()),
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
    /// `None`: never expires.
    expires_at: Option<DateTime<Utc>>,
    revoked: bool,
    /// The chain of rotations this token belongs to: a client-credentials grant starts one,
    /// each refresh continues it.
    family: u64,
}

impl Grant {
    fn state(&self, now: DateTime<Utc>) -> Result<(), &'static str> {
        if self.revoked {
            Err("the token was revoked")
        } else if self.expires_at.is_some_and(|at| now >= at) {
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
    ledger: Mutex<Ledger<Issue>>,
    access: RwLock<HashMap<String, Grant>>,
    refresh: Mutex<HashMap<String, Grant>>,
    spent: Mutex<SpentTokens>,
    counter: AtomicU64,
    prune_at: AtomicU64,
    /// The time tokens are issued and end by.
    clock: Clock,
    /// Makes the tokens the same on every run (see `token_text`).
    seed: Option<u64>,
}

const PRUNE_FLOOR: u64 = 4096;

impl Default for TokenStore {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_TOKENS_PER_CLIENT, Clock::system(), None)
    }
}

impl TokenStore {
    /// A store keeping at most `max_per_client` grants (an access and a refresh token each)
    /// per client, issuing and ending them by `clock`, with tokens from `seed` when given.
    pub(crate) fn new(max_per_client: usize, clock: Clock, seed: Option<u64>) -> Self {
        Self {
            ledger: Mutex::new(Ledger::new(max_per_client)),
            access: RwLock::default(),
            refresh: Mutex::default(),
            spent: Mutex::new(SpentTokens::new(max_per_client)),
            counter: AtomicU64::new(0),
            prune_at: AtomicU64::new(PRUNE_FLOOR),
            clock,
            seed,
        }
    }

    fn random_token(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        crate::token_text::token_text(prefix, self.seed, n)
    }

    /// Issues an access token and a refresh token, continuing the chain `family` (a refresh)
    /// or starting one (`None`). The client's oldest grant goes when it holds its maximum.
    pub(crate) fn issue(
        &self,
        client_id: &str,
        access_scopes: Vec<String>,
        refresh_scopes: Vec<String>,
        (ttl, refresh_ttl): (Duration, Duration),
        family: Option<u64>,
    ) -> Issued {
        let now = self.clock.now();
        let client: Arc<str> = Arc::from(client_id);
        let access_token = self.random_token("at_");
        let refresh_token = self.random_token("rt_");
        let family = family.unwrap_or_else(|| self.counter.fetch_add(1, Ordering::Relaxed));
        let mut ledger = lock(&self.ledger);
        let evicted = ledger.record(
            &client,
            Issue {
                access: access_token.clone(),
                refresh: refresh_token.clone(),
            },
        );
        self.forget(&evicted);
        {
            let mut access = write(&self.access);
            access.insert(
                access_token.clone(),
                Grant {
                    client_id: client.clone(),
                    scopes: access_scopes.clone().into(),
                    expires_at: deadline(now, ttl),
                    revoked: false,
                    family,
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
                    expires_at: deadline(now, refresh_ttl),
                    revoked: false,
                    family,
                },
            );
            if refresh.len() as u64 > self.prune_at.load(Ordering::Relaxed) {
                refresh.retain(|_, g| g.state(now).is_ok());
            }
        }
        Issued {
            access_token,
            refresh_token,
            expires_in: ttl.min(FOREVER).as_secs(),
            scopes: access_scopes,
        }
    }

    /// Forgets the tokens of evicted grants.
    fn forget(&self, evicted: &[Issue]) {
        if evicted.is_empty() {
            return;
        }
        let mut access = write(&self.access);
        let mut refresh = lock(&self.refresh);
        // Used refresh tokens stay remembered (see `spent_tokens`): their chain may live on.
        for issue in evicted {
            access.remove(&issue.access);
            refresh.remove(&issue.refresh);
        }
    }

    /// Revokes every access and refresh token of the chain `family` (RFC 9700 §4.14.2: a
    /// refresh token used twice means one of its users is not who it should be).
    fn revoke_family(&self, family: u64) {
        for grant in write(&self.access).values_mut() {
            grant.revoked |= grant.family == family;
        }
        for grant in lock(&self.refresh).values_mut() {
            grant.revoked |= grant.family == family;
        }
    }

    /// Retires a refresh token and returns its grant's scopes and chain, checking client and
    /// requested scopes. A refresh token presented again after its use revokes its whole chain:
    /// the refresh token that replaced it and every access token issued along the chain.
    pub(crate) fn take_refresh(
        &self,
        token: &str,
        client_id: &str,
        requested: Option<&[String]>,
    ) -> Result<(Vec<String>, u64), RefreshError> {
        let mut refresh = lock(&self.refresh);
        let now = self.clock.now();
        let Some(grant) = refresh.get(token) else {
            drop(refresh);
            let reused = lock(&self.spent)
                .get(token)
                .filter(|spent| &*spent.client_id == client_id)
                .map(|spent| spent.family);
            return Err(match reused {
                Some(family) => {
                    self.revoke_family(family);
                    RefreshError::InvalidGrant(
                        "the refresh token was already used; every token of its grant is revoked",
                    )
                }
                None => RefreshError::InvalidGrant("unknown or already used refresh token"),
            });
        };
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
        let family = grant.family;
        let client_id = grant.client_id.clone();
        refresh.remove(token);
        lock(&self.spent).insert(token.to_string(), Spent { client_id, family });
        Ok((scopes, family))
    }

    /// Authenticates a bearer token from the request headers.
    pub(crate) fn authenticate(&self, headers: &HeaderMap) -> Result<Principal, ApiError> {
        let token = bearer_token(headers).ok_or_else(ApiError::missing_token)?;
        let access = read(&self.access);
        let grant = access
            .get(token)
            .ok_or_else(|| ApiError::invalid_token("unknown token"))?;
        grant
            .state(self.clock.now())
            .map_err(ApiError::invalid_token)?;
        Ok(Principal {
            client_id: grant.client_id.clone(),
            scopes: grant.scopes.clone(),
        })
    }

    /// Expires every access and refresh token; returns how many were live.
    pub(crate) fn expire_all(&self) -> usize {
        let now = self.clock.now();
        let mut count = 0;
        for grant in write(&self.access).values_mut() {
            if grant.state(now).is_ok() {
                count += 1;
            }
            grant.expires_at = Some(now);
        }
        for grant in lock(&self.refresh).values_mut() {
            if grant.state(now).is_ok() {
                count += 1;
            }
            grant.expires_at = Some(now);
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

    /// Forgets every token and gives back the storage.
    pub(crate) fn clear(&self) {
        let mut ledger = lock(&self.ledger);
        ledger.clear();
        *write(&self.access) = HashMap::new();
        *lock(&self.refresh) = HashMap::new();
        lock(&self.spent).clear();
        self.prune_at.store(PRUNE_FLOOR, Ordering::Relaxed);
        // From a reset, seeded tokens come again in the same order.
        self.counter.store(0, Ordering::Relaxed);
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
            (Duration::from_secs(60), Duration::from_secs(60)),
            None,
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
    fn lifetimes_of_a_hundred_years_or_more_never_end() {
        let store = TokenStore::default();
        let issued = store.issue(
            "c",
            vec![SCOPE_READ.to_string()],
            Vec::new(),
            (Duration::MAX, Duration::MAX),
            None,
        );
        assert_eq!(issued.expires_in, FOREVER.as_secs());
        let h = headers(&format!("Bearer {}", issued.access_token));
        assert!(store.authenticate(&h).is_ok());
        assert!(store.take_refresh(&issued.refresh_token, "c", None).is_ok());
    }

    #[test]
    fn clear_gives_the_storage_back() {
        let store = TokenStore::default();
        for _ in 0..1000 {
            let issued = store.issue(
                "c",
                Vec::new(),
                Vec::new(),
                (Duration::from_secs(60), Duration::from_secs(60)),
                None,
            );
            assert!(store.take_refresh(&issued.refresh_token, "c", None).is_ok());
        }
        assert!(read(&store.access).capacity() >= 1000);
        assert!(lock(&store.spent).capacity() >= 1000);
        store.clear();
        assert_eq!(read(&store.access).capacity(), 0);
        assert_eq!(lock(&store.refresh).capacity(), 0);
        assert_eq!(lock(&store.spent).capacity(), 0);
    }

    /// The grant that issued a used refresh token is evicted, its chain lives on in a newer
    /// grant: a second use of the old token still revokes the chain.
    #[test]
    fn reuse_after_eviction_still_revokes_the_chain() {
        let store = TokenStore::new(2, Clock::system(), None);
        let ttls = (Duration::from_secs(60), Duration::from_secs(60));
        let first = store.issue("c", Vec::new(), Vec::new(), ttls, None);
        let (_, family) = store.take_refresh(&first.refresh_token, "c", None).unwrap();
        let second = store.issue("c", Vec::new(), Vec::new(), ttls, Some(family));
        // A third grant evicts the first, which issued the used token.
        store.issue("c", Vec::new(), Vec::new(), ttls, None);
        let reused = store.take_refresh(&first.refresh_token, "c", None);
        assert!(
            matches!(reused, Err(RefreshError::InvalidGrant(m)) if m.contains("already used")),
            "{reused:?}"
        );
        let h = headers(&format!("Bearer {}", second.access_token));
        assert!(
            store.authenticate(&h).is_err(),
            "the chain's access token is revoked"
        );
        assert!(
            store
                .take_refresh(&second.refresh_token, "c", None)
                .is_err()
        );
    }

    #[test]
    fn scope_splitting() {
        assert_eq!(
            split_scopes(&["people:read,people:write", "people:read"]),
            vec!["people:read", "people:write"]
        );
    }
}
