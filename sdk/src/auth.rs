//! Access tokens: the [`TokenSource`] trait, [`StaticToken`] and [`ClientCredentials`].
//!
//! Every `/people…` call carries `Authorization: Bearer <token>`. The client asks its token source
//! for a token before each attempt; the source decides whether a cached one will do.
//!
//! # Client credentials
//!
//! [`ClientCredentials`] implements the OAuth 2.0 client-credentials grant against
//! `POST {base}oauth/token`:
//!
//! * **Lazy**: the first token is fetched on the first call, not when the client is built.
//! * **Cached**, and **refreshed ahead of expiry**: a token is renewed once less than its *skew*
//!   is left, where the skew is 30 s or a tenth of the token's lifetime, whichever is smaller (a
//!   one-hour token is renewed 30 s before it expires, a 10-second one 1 s before).
//! * **Refreshed with the `refresh_token` grant** (refresh tokens rotate: each use returns a new
//!   one). When the server answers `invalid_grant` (the refresh token expired, was revoked or was
//!   used), the source falls back to the client-credentials grant.
//! * **Single-flight**: however many calls need a new token at the same moment, exactly one token
//!   request (with its retries) is made; the others wait for it and share its outcome, a token or
//!   an error. A failure is not remembered beyond those waiting callers: the next call after it
//!   asks the token endpoint again.
//! * When an ahead-of-expiry refresh fails with a transient error while the current token is still
//!   valid, the current token goes on being used (and a warning is logged).
//! * When an API call is answered `401 invalid_token` (the server expired or revoked the token
//!   early), the client drops the token, gets a new one, and replays the call once. A call whose
//!   body is a one-shot stream cannot be replayed: it fails with
//!   [`ErrorKind::BodyNotReplayable`](crate::ErrorKind::BodyNotReplayable).
//! * Token requests go through the same transport as API calls, so they are retried like any
//!   `POST` by the [`RetryPolicy`]: on `429` and `503`.
//! * Token endpoint refusals are errors of kind [`ErrorKind::Auth`](crate::ErrorKind::Auth)
//!   carrying the OAuth `error` code ([`Error::token_endpoint_error`](crate::Error::token_endpoint_error)).
//!
//! The client authenticates to the token endpoint with HTTP Basic by default
//! ([`ClientAuth::Basic`]), or with form fields ([`ClientAuth::Form`]).
//!
//! # Your own source
//!
//! Implement [`TokenSource`] to get tokens from anywhere (a vault, another OAuth library):
//!
//! ```
//! use people_sdk::{AccessToken, Error, TokenSource};
//! use futures::future::BoxFuture;
//!
//! struct FromEnv;
//!
//! impl TokenSource for FromEnv {
//!     fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
//!         Box::pin(async {
//!             let secret = std::env::var("PEOPLE_TOKEN").unwrap_or_default();
//!             Ok(AccessToken::new(secret))
//!         })
//!     }
//! }
//!
//! let client = people_sdk::Client::builder()
//!     .base_url("http://127.0.0.1:8080/api/v1/")
//!     .token_source(FromEnv)
//!     .build()?;
//! # Ok::<(), people_sdk::Error>(())
//! ```
//!
//! # Secrets
//!
//! Client secrets, access tokens and refresh tokens are never shown: every `Debug` of this module
//! prints `<redacted>` in their place, and nothing the SDK logs holds them. The `Authorization`
//! header is marked sensitive. [`AccessToken::expose_secret`] is the one way to read a token.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use http::header::AUTHORIZATION;
use http::{HeaderValue, Method};
use tracing::Instrument;
use url::Url;

use crate::error::{CallInfo, Error};
use crate::retry::RetryPolicy;
use crate::route;
use crate::token::Secret;
pub use crate::token::{AccessToken, TokenSource};
use crate::transport::{
    Call, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ErrorShape, Transport, default_http_client,
    default_user_agent, read_bounded,
};

/// The longest skew: a token is renewed at most this long before it expires.
pub const MAX_REFRESH_SKEW: Duration = Duration::from_secs(30);

/// A fixed bearer token, e.g. one issued out of band. It is never refreshed.
///
/// ```
/// let client = people_sdk::Client::builder()
///     .base_url("http://127.0.0.1:8080")
///     .bearer_token("at_issued_elsewhere")
///     .build()?;
/// assert!(!format!("{client:?}").contains("issued_elsewhere"));
/// # Ok::<(), people_sdk::Error>(())
/// ```
#[derive(Clone)]
#[must_use = "a token does nothing until it is given to a client builder"]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// A source that always gives this token.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(AccessToken::new(token))
    }

    /// A source that always gives this token (with its expiry and scopes, if known).
    pub fn from_token(token: AccessToken) -> Self {
        StaticToken(token)
    }
}

impl From<&str> for StaticToken {
    fn from(token: &str) -> Self {
        StaticToken::new(token)
    }
}

impl From<String> for StaticToken {
    fn from(token: String) -> Self {
        StaticToken::new(token)
    }
}

impl From<AccessToken> for StaticToken {
    fn from(token: AccessToken) -> Self {
        StaticToken(token)
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StaticToken").field(&self.0).finish()
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// How the client authenticates to the token endpoint (RFC 6749 section 2.3.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `Authorization: Basic` with the form-urlencoded id and secret (the default).
    #[default]
    Basic,
    /// `client_id` and `client_secret` form fields.
    Form,
}

/// What the SDK reports about its current token: never the token itself.
///
/// Returned by [`Client::token_info`](crate::Client::token_info).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The scopes granted, if known.
    pub scopes: Vec<String>,
    /// When the token expires, if known.
    pub expires_at: Option<Instant>,
    /// How long it had left when this was made, if known.
    pub expires_in: Option<Duration>,
}

impl TokenInfo {
    pub(crate) fn of(token: &AccessToken) -> Self {
        TokenInfo {
            scopes: token.scopes().to_vec(),
            expires_at: token.expires_at(),
            expires_in: token.expires_in(),
        }
    }

    /// Whether the token has this scope.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The skew before expiry at which a token of this lifetime is renewed: 30 s or a tenth of the
/// lifetime, whichever is smaller.
pub fn refresh_skew(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_REFRESH_SKEW)
}

/// The OAuth 2.0 client-credentials grant with cached, single-flight, ahead-of-expiry refresh.
///
/// Usually made for you by
/// [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials). Build one
/// yourself to share one token cache between clients, or to use it outside a client. Cloning is
/// cheap and clones share the cache. See the [module documentation](self) for its behaviour.
///
/// ```
/// use people_sdk::{ClientCredentials, TokenSource};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = people_mock::PeopleMock::start().await;
/// # let token_url = format!("{}oauth/token", mock.base_url());
/// let creds = ClientCredentials::builder(
///     &token_url, // http://HOST/api/v1/oauth/token
///     "demo-client",
///     "demo-secret",
/// )
/// .scopes(["people:read"])
/// .build()?;
/// let token = creds.token().await?;
/// println!("{token:?}"); // the token itself shows as <redacted>
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ClientCredentials {
    inner: Arc<CcInner>,
}

struct CcInner {
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    client_auth: ClientAuth,
    /// Token requests are sent as API calls are, with no token of their own.
    transport: Transport,
    cache: Mutex<Cache>,
    /// Held by the one caller that is getting a new token; the others queue on it.
    flight: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Cache {
    current: Option<Cached>,
    refresh_token: Option<Secret>,
    /// How many token fetches have run to their end. A caller that saw one number before it
    /// queued for the flight and another once it got there waited for a fetch that ended.
    fetches: u64,
    /// The outcome of the last fetch that ran to its end, for the callers that waited for it.
    last_outcome: Option<Result<AccessToken, Error>>,
}

struct Cached {
    token: AccessToken,
    /// From this instant on, the token is renewed before use.
    renew_at: Option<Instant>,
}

/// Builds a [`ClientCredentials`]; see [`ClientCredentials::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientCredentialsBuilder {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    client_auth: ClientAuth,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
}

impl fmt::Debug for ClientCredentialsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsBuilder")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .field("client_auth", &self.client_auth)
            .finish_non_exhaustive()
    }
}

impl ClientCredentialsBuilder {
    /// The scopes to ask for (default: none named, so the server grants all the client may have).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How to authenticate to the token endpoint (default [`ClientAuth::Basic`]).
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// The HTTP client for token requests (default: a new one).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The retry policy for token requests (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The time limit of one token request (default 30 s).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the source; fails if the token URL is not an absolute `http(s)` URL.
    pub fn build(self) -> Result<ClientCredentials, Error> {
        let token_url = Url::parse(&self.token_url)
            .map_err(|e| Error::config(format!("invalid token URL {:?}: {e}", self.token_url)))?;
        if !matches!(token_url.scheme(), "http" | "https") {
            return Err(Error::config(format!(
                "the token URL must be http or https, not {:?}",
                token_url.scheme()
            )));
        }
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(DEFAULT_CONNECT_TIMEOUT, &default_user_agent())?,
        };
        Ok(ClientCredentials {
            inner: Arc::new(CcInner {
                token_url,
                client_id: self.client_id,
                client_secret: self.client_secret,
                scopes: self.scopes,
                client_auth: self.client_auth,
                transport: Transport::new(http, self.retry, self.timeout),
                cache: Mutex::new(Cache::default()),
                flight: tokio::sync::Mutex::new(()),
            }),
        })
    }
}

/// A grant to ask the token endpoint for.
enum Grant {
    ClientCredentials,
    Refresh(Secret),
}

/// The token endpoint's success body (RFC 6749 section 5.1), read leniently.
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    token_type: String,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

impl ClientCredentials {
    /// Starts a builder for the token endpoint `token_url` (e.g.
    /// `http://host/api/v1/oauth/token`) with this client id and secret.
    pub fn builder(
        token_url: impl AsRef<str>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> ClientCredentialsBuilder {
        ClientCredentialsBuilder {
            token_url: token_url.as_ref().to_owned(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            client_auth: ClientAuth::default(),
            http: None,
            retry: RetryPolicy::default(),
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// The client id (not a secret).
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The scopes asked for.
    pub fn scopes(&self) -> &[String] {
        &self.inner.scopes
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.inner.token_url
    }

    /// Drops the cached access token (the refresh token is kept), so the next call gets a new one.
    pub fn clear(&self) {
        self.cache().current = None;
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        self.inner
            .cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached token if it needs no renewal yet, else the number of fetches that have ended.
    fn fresh(&self) -> Result<AccessToken, u64> {
        let cache = self.cache();
        match &cache.current {
            Some(cached) if cached.renew_at.is_none_or(|at| Instant::now() < at) => {
                Ok(cached.token.clone())
            }
            _ => Err(cache.fetches),
        }
    }

    async fn current(&self) -> Result<AccessToken, Error> {
        let seen = match self.fresh() {
            Ok(token) => return Ok(token),
            Err(fetches) => fetches,
        };
        // Single flight: one caller fetches, the others queue here and share its outcome.
        let _flight = self.inner.flight.lock().await;
        {
            let cache = self.cache();
            if cache.fetches != seen
                && let Some(outcome) = &cache.last_outcome
            {
                // A fetch ended while this caller waited: its outcome, success or failure, is
                // this caller's too. Callers that come after it fetch again.
                return match outcome {
                    Ok(token) => Ok(token.clone()),
                    Err(err) => Err(err.duplicate()),
                };
            }
        }
        if let Ok(token) = self.fresh() {
            return Ok(token);
        }
        // Only a fetch that runs to its end is recorded: if this caller goes away mid-way, the
        // next one in the queue fetches instead.
        let outcome = self.fetch().await;
        let mut cache = self.cache();
        cache.fetches += 1;
        cache.last_outcome = Some(match &outcome {
            Ok(token) => Ok(token.clone()),
            Err(err) => Err(err.duplicate()),
        });
        outcome
    }

    /// Gets a new token and caches it; while the current token is still valid, a transient
    /// failure keeps it in use.
    async fn fetch(&self) -> Result<AccessToken, Error> {
        let (still_valid, refresh) = {
            let cache = self.cache();
            let valid = cache
                .current
                .as_ref()
                .map(|c| c.token.clone())
                .filter(|t| !t.is_expired());
            (valid, cache.refresh_token.clone())
        };
        match self.obtain(refresh).await {
            Ok((token, refresh_token)) => {
                let renew_at = token
                    .expires_at()
                    .zip(token.expires_in())
                    .map(|(at, left)| at - refresh_skew(left));
                let mut cache = self.cache();
                cache.current = Some(Cached {
                    token: token.clone(),
                    renew_at,
                });
                if let Some(rt) = refresh_token {
                    cache.refresh_token = Some(rt);
                }
                Ok(token)
            }
            Err(err) => match still_valid {
                Some(token) if err.is_retryable() => {
                    tracing::warn!(
                        "error.type" = ?err.kind(),
                        http.response.status_code = err.status().map(|s| s.as_u16()),
                        "renewing the access token ahead of expiry failed; using the current one"
                    );
                    Ok(token)
                }
                _ => Err(err),
            },
        }
    }

    /// Gets a new token: by the refresh grant if there is a refresh token, falling back to the
    /// client-credentials grant on `invalid_grant`.
    async fn obtain(
        &self,
        refresh: Option<Secret>,
    ) -> Result<(AccessToken, Option<Secret>), Error> {
        if let Some(rt) = refresh {
            match self.request(Grant::Refresh(rt)).await {
                Ok(out) => return Ok(out),
                Err(err)
                    if err
                        .token_endpoint_error()
                        .is_some_and(|o| o.code() == "invalid_grant") =>
                {
                    tracing::debug!(
                        "refresh token refused (invalid_grant); using client credentials"
                    );
                    self.cache().refresh_token = None;
                }
                Err(err) => return Err(err),
            }
        }
        self.request(Grant::ClientCredentials).await
    }

    /// One token request, with retries, sent by the transport in its own span.
    async fn request(&self, grant: Grant) -> Result<(AccessToken, Option<Secret>), Error> {
        let grant_name = match grant {
            Grant::ClientCredentials => "client_credentials",
            Grant::Refresh(_) => "refresh_token",
        };
        let span = tracing::debug_span!(
            "people_sdk.token",
            grant = grant_name,
            http.request.method = "POST",
            http.route = route::TOKEN,
            http.response.status_code = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
            attempt = tracing::field::Empty,
        );
        async {
            let call = self.token_call(&grant)?;
            let mut sent = 0;
            let result = match self.inner.transport.send(&call, &mut sent).await {
                Ok(resp) => {
                    let status = resp.status();
                    self.read_token(resp, &call.info)
                        .await
                        .map(|out| (out, status))
                }
                Err(err) => Err(err),
            };
            let span = tracing::Span::current();
            span.record("attempt", sent);
            match result {
                Ok((out, status)) => {
                    span.record("http.response.status_code", status.as_u16());
                    Ok(out)
                }
                Err(err) => {
                    span.record("error.type", tracing::field::debug(err.kind()));
                    if let Some(status) = err.status() {
                        span.record("http.response.status_code", status.as_u16());
                    }
                    Err(err)
                }
            }
        }
        .instrument(span)
        .await
    }

    /// The token request for a grant (RFC 6749 sections 4.4.2 and 6).
    fn token_call(&self, grant: &Grant) -> Result<Call, Error> {
        let inner = &*self.inner;
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            match grant {
                Grant::ClientCredentials => {
                    form.append_pair("grant_type", "client_credentials");
                    if !inner.scopes.is_empty() {
                        form.append_pair("scope", &inner.scopes.join(" "));
                    }
                }
                Grant::Refresh(rt) => {
                    form.append_pair("grant_type", "refresh_token");
                    form.append_pair("refresh_token", rt.expose());
                }
            }
            if inner.client_auth == ClientAuth::Form {
                form.append_pair("client_id", &inner.client_id);
                form.append_pair("client_secret", inner.client_secret.expose());
            }
            form.finish()
        };
        let mut call = Call::new(
            "create_token",
            route::TOKEN,
            Method::POST,
            inner.token_url.clone(),
        )
        .accept_json()
        .form(body)
        .errors(ErrorShape::OAuth);
        if inner.client_auth == ClientAuth::Basic {
            let mut value = basic_auth(&inner.client_id, inner.client_secret.expose())
                .map_err(|e| e.with_call(&call.info))?;
            value.set_sensitive(true);
            call = call.header(AUTHORIZATION, value);
        }
        Ok(call)
    }

    /// Reads the token endpoint's success body.
    async fn read_token(
        &self,
        resp: reqwest::Response,
        call: &CallInfo,
    ) -> Result<(AccessToken, Option<Secret>), Error> {
        let status = resp.status();
        let body = read_bounded(resp, crate::error::ERROR_BODY_LIMIT).await;
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            // The body holds a token: never keep a snippet of it.
            Error::decode(format!("the token response is not valid: {e}"), None)
                .with_status(status)
                .with_call(call)
        })?;
        if !parsed.token_type.eq_ignore_ascii_case("bearer") {
            return Err(Error::decode(
                format!("unsupported token type {:?}", parsed.token_type),
                None,
            )
            .with_status(status)
            .with_call(call));
        }
        let scopes: Vec<String> = match &parsed.scope {
            Some(s) => s.split_whitespace().map(str::to_owned).collect(),
            None => self.inner.scopes.clone(),
        };
        let mut token = AccessToken::new(parsed.access_token).with_scopes(scopes);
        if let Some(secs) = parsed.expires_in {
            let secs = u64::try_from(secs).unwrap_or(0);
            token = token.with_expires_in(Duration::from_secs(secs));
        }
        Ok((token, parsed.refresh_token.map(Secret::new)))
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, per RFC 6749 section 2.3.1.
fn basic_auth(id: &str, secret: &str) -> Result<HeaderValue, Error> {
    use base64::Engine as _;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let raw = format!("{}:{}", enc(id), enc(secret));
    let value = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    );
    HeaderValue::from_str(&value)
        .map_err(|_| Error::config("the client credentials cannot be sent"))
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cache = self.cache();
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.inner.token_url.as_str())
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &self.inner.client_secret)
            .field("scopes", &self.inner.scopes)
            .field("client_auth", &self.inner.client_auth)
            .field("token", &cache.current.as_ref().map(|c| &c.token))
            .field("refresh_token", &cache.refresh_token)
            .finish()
    }
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(self.current())
    }

    fn invalidate(&self, rejected: &AccessToken) -> bool {
        let mut cache = self.cache();
        if cache
            .current
            .as_ref()
            .is_some_and(|c| c.token.same_secret(rejected))
        {
            cache.current = None;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_is_thirty_seconds_or_a_tenth() {
        assert_eq!(
            refresh_skew(Duration::from_secs(3600)),
            Duration::from_secs(30)
        );
        assert_eq!(
            refresh_skew(Duration::from_secs(10)),
            Duration::from_secs(1)
        );
        assert_eq!(refresh_skew(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn basic_auth_urlencodes_then_base64s() {
        let v = basic_auth("demo-client", "demo-secret").unwrap();
        assert_eq!(
            v.to_str().unwrap(),
            "Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ="
        );
        let v = basic_auth("a:b", "p w").unwrap();
        use base64::Engine as _;
        let raw = v.to_str().unwrap().trim_start_matches("Basic ");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(raw)
            .unwrap();
        assert_eq!(decoded, b"a%3Ab:p+w");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let b =
            ClientCredentials::builder("http://127.0.0.1:1/api/v1/oauth/token", "id", "hunter2");
        assert!(!format!("{b:?}").contains("hunter2"));
        let cc = b.build().unwrap();
        assert!(!format!("{cc:?}").contains("hunter2"));
        let t = StaticToken::new("tok_secret_value");
        assert!(!format!("{t:?}").contains("tok_secret_value"));
    }
}
