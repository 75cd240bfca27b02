//! The client: [`Client`] and its [`ClientBuilder`].
//!
//! ```
//! use std::time::Duration;
//! use people_sdk::{Client, RetryPolicy};
//!
//! let client = Client::builder()
//!     .base_url("https://people.example.com/api/v1")
//!     .client_credentials("demo-client", "demo-secret")
//!     .scopes(["people:read", "people:write"])
//!     .timeout(Duration::from_secs(10))
//!     .retry(RetryPolicy::default().with_max_attempts(5))
//!     .user_agent("my-app/1.2")
//!     .build()?;
//! assert_eq!(client.base_url().as_str(), "https://people.example.com/api/v1/");
//! # Ok::<(), people_sdk::Error>(())
//! ```
//!
//! # Defaults
//!
//! | setting | default |
//! |---|---|
//! | base URL | none: [`ClientBuilder::base_url`] is required. A URL with no path gets `/api/v1/`; a trailing `/` is added when missing |
//! | credentials | none: calls go without `Authorization` (the server answers `401`) |
//! | scopes (client credentials) | none named: the server grants every scope the client may have |
//! | token endpoint | `{base}oauth/token`, client authentication by HTTP Basic |
//! | token renewal | ahead of expiry by 30 s or a tenth of the token's lifetime, whichever is smaller |
//! | connect timeout | 10 s (only for the HTTP client the builder makes) |
//! | timeout | 30 s per attempt, from sending the request to the end of the response body |
//! | transfer timeout | none: uploads and the bodies of downloads may take as long as they need; a download's response headers must still come within the timeout |
//! | retries | [`RetryPolicy::default`]: 3 attempts in all, backoff from 100 ms with jitter, `Retry-After` up to 30 s |
//! | user agent | `people-sdk/<version>` |
//! | HTTP client | a new `reqwest::Client` that follows no redirects |
//! | read-ahead | 1 (off): pages are fetched one after the other |
//!
//! `Client` is `Clone + Send + Sync`; a clone is one reference count, and clones share the
//! connection pool, the token cache and [`Client::last_rate_limit`]. Build one client and clone it
//! wherever it is needed.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use url::Url;

use crate::auth::{ClientAuth, ClientCredentials, StaticToken, TokenInfo};
use crate::error::Error;
use crate::path::{is_dot_segment, push_segment};
use crate::people::{People, PersonRef};
use crate::rate_limit::RateLimit;
use crate::retry::RetryPolicy;
use crate::token::{Secret, TokenSource};
use crate::transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Transport, default_http_client, default_user_agent,
};

/// Parses and normalises a base URL: `http(s)` only, no query or fragment, a path ending in
/// `/`, and `/api/v1/` when there is no path at all.
pub(crate) fn normalise_base_url(input: &str) -> Result<Url, Error> {
    let mut url = Url::parse(input.trim())
        .map_err(|e| Error::config(format!("invalid base URL {input:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(Error::config(format!(
            "the base URL must be an http or https URL, not {input:?}"
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    if url.path().is_empty() || url.path() == "/" {
        url.set_path("/api/v1/");
    } else if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

enum AuthConfig {
    None,
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
    Source(Arc<dyn TokenSource>, &'static str),
}

/// Builds a [`Client`]; made by [`Client::builder`]. See the [module documentation](self) for
/// every default.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    base_url: Option<String>,
    auth: AuthConfig,
    scopes: Vec<String>,
    client_auth: ClientAuth,
    token_url: Option<String>,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    transfer_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    read_ahead: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            auth: AuthConfig::None,
            scopes: Vec::new(),
            client_auth: ClientAuth::default(),
            token_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: Some(DEFAULT_TIMEOUT),
            transfer_timeout: None,
            retry: RetryPolicy::default(),
            user_agent: None,
            http: None,
            read_ahead: 1,
        }
    }
}

impl ClientBuilder {
    /// The API's base URL, as a `&str`, a `String` or a [`url::Url`], with or without a trailing
    /// `/`: `http://127.0.0.1:8080/api/v1`. A URL with no path gets `/api/v1/`.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().to_owned());
        self
    }

    /// Authenticate with the OAuth 2.0 client-credentials grant, with tokens fetched lazily,
    /// cached and renewed ahead of expiry (see [`crate::auth`]).
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.auth = AuthConfig::ClientCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
        };
        self
    }

    /// The scopes to ask for with [`client_credentials`](Self::client_credentials), e.g.
    /// `["people:read"]` (default: none named, so the server grants all the client may have).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How [`client_credentials`](Self::client_credentials) authenticate to the token endpoint
    /// (default [`ClientAuth::Basic`]).
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// The token endpoint for [`client_credentials`](Self::client_credentials) (default
    /// `{base}oauth/token`).
    pub fn token_url(mut self, url: impl AsRef<str>) -> Self {
        self.token_url = Some(url.as_ref().to_owned());
        self
    }

    /// Send this fixed bearer token (a `&str`, a `String`, an
    /// [`AccessToken`](crate::AccessToken) or a [`StaticToken`]). It is never refreshed.
    pub fn bearer_token(mut self, token: impl Into<StaticToken>) -> Self {
        self.auth = AuthConfig::Source(Arc::new(token.into()), "static token");
        self
    }

    /// Get tokens from any [`TokenSource`], e.g. a shared [`ClientCredentials`].
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.auth = AuthConfig::Source(Arc::new(source), "token source");
        self
    }

    /// The time limit for making a connection (default 10 s). Applies only to the HTTP client
    /// the builder makes, not to one given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time limit of one attempt of a call, from sending the request to the end of the
    /// response body (default 30 s); `None` for no limit. For downloads it bounds the wait for
    /// the response headers only.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// The time limit of one attempt of an upload or of a download's body (default `None`: no
    /// limit, so files of any size can be moved).
    pub fn transfer_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.transfer_timeout = timeout.into();
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Never retry: the same as `.retry(RetryPolicy::none())`.
    pub fn no_retry(self) -> Self {
        self.retry(RetryPolicy::none())
    }

    /// The `User-Agent` header (default `people-sdk/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Use this HTTP client (its pool, proxy and TLS settings) instead of making one.
    /// [`connect_timeout`](Self::connect_timeout) does not apply to it; the other settings do.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The default read-ahead of page streams: up to `pages` pages fetched at once once the
    /// number of pages is known (default 1, i.e. off). See [`ListPeople::read_ahead`](crate::ListPeople::read_ahead).
    pub fn read_ahead(mut self, pages: usize) -> Self {
        self.read_ahead = pages.max(1);
        self
    }

    /// Builds the client. Fails with [`ErrorKind::Config`](crate::ErrorKind::Config) when the base URL is missing or
    /// invalid, or a setting cannot be used.
    pub fn build(self) -> Result<Client, Error> {
        let raw_base = self
            .base_url
            .as_deref()
            .ok_or_else(|| Error::config("no base URL was given"))?;
        let base = normalise_base_url(raw_base)?;
        let user_agent = self.user_agent.unwrap_or_else(default_user_agent);
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::config(format!("invalid user agent {user_agent:?}")))?;
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(self.connect_timeout, user_agent.to_str().unwrap_or(""))?,
        };
        if !self.scopes.is_empty() && !matches!(self.auth, AuthConfig::ClientCredentials { .. }) {
            return Err(Error::config(
                "scopes apply only to client credentials; give them to your token source instead",
            ));
        }
        let (auth, auth_desc): (Option<Arc<dyn TokenSource>>, String) = match self.auth {
            AuthConfig::None => (None, "none".to_owned()),
            AuthConfig::Source(source, desc) => (Some(source), desc.to_owned()),
            AuthConfig::ClientCredentials {
                client_id,
                client_secret,
            } => {
                let token_url = match &self.token_url {
                    Some(u) => u.clone(),
                    None => base
                        .join("oauth/token")
                        .map_err(|e| Error::config(format!("no token URL: {e}")))?
                        .to_string(),
                };
                let desc = format!("client credentials ({client_id})");
                let creds =
                    ClientCredentials::builder(token_url, client_id, client_secret.expose())
                        .scopes(self.scopes)
                        .client_auth(self.client_auth)
                        .http_client(http.clone())
                        .retry(self.retry.clone())
                        .timeout(self.timeout)
                        .build()?;
                (Some(Arc::new(creds)), desc)
            }
        };
        let transport = Transport::new(http, self.retry, self.timeout)
            .with_user_agent(user_agent)
            .with_auth(auth)
            .with_transfer_timeout(self.transfer_timeout);
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                auth_desc,
                read_ahead: self.read_ahead,
                transport,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            AuthConfig::None => "none".to_owned(),
            AuthConfig::ClientCredentials { client_id, .. } => {
                format!("client credentials ({client_id}, secret <redacted>)")
            }
            AuthConfig::Source(_, desc) => (*desc).to_owned(),
        };
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &auth)
            .field("scopes", &self.scopes)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// The People API client: the entry point of the SDK.
///
/// Made by [`Client::builder`]. Reach the resources from it:
///
/// * [`Client::people`]: list ([`People::list`]) and create ([`People::create`]) people;
/// * [`Client::person`]: one person by last name, to read ([`PersonRef::get`]), update, patch or
///   delete it, and its [photo](PersonRef::photo) and [attachments](PersonRef::attachments).
///
/// See the [crate documentation](crate) for an example.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base: Url,
    auth_desc: String,
    read_ahead: usize,
    transport: Transport,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("auth", &self.inner.auth_desc)
            .field("timeout", &self.inner.transport.timeout())
            .field("transfer_timeout", &self.inner.transport.transfer_timeout())
            .field("retry", self.inner.transport.retry())
            .field("read_ahead", &self.inner.read_ahead)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The people collection: list and create people; read one with [`Client::person`].
    pub fn people(&self) -> People {
        People::new(self.clone())
    }

    /// One person, by last name (its key), e.g. `client.person("Lévi-Strauss")`. Nothing is sent
    /// until you call one of its methods; an invalid name fails then with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest).
    pub fn person(&self, lname: impl Into<String>) -> PersonRef {
        PersonRef::new(self.clone(), lname.into())
    }

    /// The scopes and expiry of the token the client would send now, fetching one if needed.
    /// Never the token itself. Fails with [`ErrorKind::Config`](crate::ErrorKind::Config) when the client has no
    /// credentials.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = people_mock::PeopleMock::start().await;
    /// # let client = people_sdk::Client::builder()
    /// #     .base_url(mock.base_url())
    /// #     .client_credentials(mock.client_id(), mock.client_secret())
    /// #     .build()?;
    /// let info = client.token_info().await?;
    /// assert!(info.has_scope("people:read"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn token_info(&self) -> Result<TokenInfo, Error> {
        let source = self
            .inner
            .transport
            .auth()
            .ok_or_else(|| Error::config("the client has no credentials"))?;
        let token = source.token().await?;
        Ok(TokenInfo::of(&token))
    }

    /// The rate-limit headers of the last response this client (or a clone) received, if any.
    pub fn last_rate_limit(&self) -> Option<RateLimit> {
        self.inner.transport.last_rate_limit()
    }

    /// The normalised base URL, ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.inner.transport.retry()
    }

    /// What sends this client's calls.
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) fn default_read_ahead(&self) -> usize {
        self.inner.read_ahead
    }

    /// The URL of `segments` under the base URL, each segment percent-encoded so that it reaches
    /// the server as given (see [`crate::path`]); `.` and `..`, which no encoding can carry, are
    /// refused. The callers check names and ids first, with reasons; this is the one place every
    /// hand-written path goes through.
    pub(crate) fn url(&self, segments: &[&str]) -> Result<Url, Error> {
        if let Some(dots) = segments.iter().find(|segment| is_dot_segment(segment)) {
            return Err(Error::invalid_request(format!(
                "the path segment {dots:?} cannot be sent: URLs resolve '.' and '..'"
            )));
        }
        let mut url = self.inner.base.clone();
        // The base path ends in `/` (see `normalise_base_url`).
        let mut path = String::with_capacity(url.path().len() + 64);
        path.push_str(url.path());
        for (i, segment) in segments.iter().enumerate() {
            if i > 0 {
                path.push('/');
            }
            push_segment(&mut path, segment);
        }
        url.set_path(&path);
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn base_urls_are_normalised() {
        for (input, want) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v1/"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/v1/"),
            (
                "http://127.0.0.1:8080/api/v1",
                "http://127.0.0.1:8080/api/v1/",
            ),
            (
                "http://127.0.0.1:8080/api/v1/",
                "http://127.0.0.1:8080/api/v1/",
            ),
            (
                "https://h.example/x/api/v1?q=1#f",
                "https://h.example/x/api/v1/",
            ),
            ("  http://h.example/api/v1  ", "http://h.example/api/v1/"),
        ] {
            assert_eq!(normalise_base_url(input).unwrap().as_str(), want, "{input}");
        }
        for bad in [
            "",
            "127.0.0.1:8080",
            "ftp://h/api",
            "mailto:a@b",
            "not a url",
        ] {
            let err = normalise_base_url(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
        }
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:1/api/v1")
            .build()
            .unwrap();
        let cases = [
            ("O'Brien", "/api/v1/people/O%27Brien"),
            ("a\\b", "/api/v1/people/a%5Cb"),
            ("tab\there\n", "/api/v1/people/tab%09here%0A"),
            ("%2E", "/api/v1/people/%252E"),
            ("...", "/api/v1/people/..."),
            ("Lévi-Strauss", "/api/v1/people/L%C3%A9vi-Strauss"),
            ("van der Berg", "/api/v1/people/van%20der%20Berg"),
            ("100%", "/api/v1/people/100%25"),
            ("李", "/api/v1/people/%E6%9D%8E"),
            ("a?b#c", "/api/v1/people/a%3Fb%23c"),
        ];
        for (lname, path) in cases {
            assert_eq!(
                client.url(&["people", lname]).unwrap().path(),
                path,
                "{lname}"
            );
        }
        for dots in [".", ".."] {
            let err = client.url(&["people", dots, "photo"]).unwrap_err();
            assert!(err.is_invalid_request(), "{dots}: {err}");
        }
    }

    #[test]
    fn builder_requires_a_base_url_and_sane_scopes() {
        assert_eq!(
            Client::builder().build().unwrap_err().kind(),
            ErrorKind::Config
        );
        let err = Client::builder()
            .base_url("http://127.0.0.1:1")
            .scopes(["people:read"])
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    }

    #[test]
    fn client_is_cheap_and_shareable() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<Client>();
        assert_eq!(std::mem::size_of::<Client>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn debug_hides_the_secret() {
        let b = Client::builder()
            .base_url("http://127.0.0.1:1")
            .client_credentials("demo-client", "demo-secret-xyz");
        assert!(!format!("{b:?}").contains("demo-secret-xyz"));
        let c = b.build().unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("demo-secret-xyz"), "{text}");
        assert!(text.contains("demo-client"), "{text}");
    }
}
