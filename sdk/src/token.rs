//! The bearer token a call carries: [`AccessToken`], and [`TokenSource`], what gives it.
//!
//! These are what the transport needs of authentication, apart from how tokens are obtained
//! ([`crate::auth`], which sends its token requests through the transport): the transport asks
//! the source for a token before each attempt and tells it when the server rejected one.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use crate::error::Error;
/// A string that never shows in `Debug` or `Display`.
#[derive(Clone)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A bearer access token, with what is known of its expiry and scopes.
///
/// Its `Debug` never shows the token itself.
///
/// ```
/// use std::time::Duration;
/// use people_sdk::AccessToken;
///
/// let token = AccessToken::new("at_very_secret")
///     .with_expires_in(Duration::from_secs(3600))
///     .with_scopes(["people:read"]);
/// assert!(!format!("{token:?}").contains("very_secret"));
/// assert_eq!(token.expose_secret(), "at_very_secret");
/// ```
#[derive(Clone)]
pub struct AccessToken {
    secret: Secret,
    expires_at: Option<Instant>,
    scopes: Arc<[String]>,
}

impl AccessToken {
    /// A token with no known expiry and no known scopes.
    pub fn new(secret: impl Into<String>) -> Self {
        AccessToken {
            secret: Secret::new(secret),
            expires_at: None,
            scopes: Arc::from(Vec::new()),
        }
    }

    /// The same token, expiring `lifetime` from now.
    #[must_use = "it returns the changed token"]
    pub fn with_expires_in(self, lifetime: Duration) -> Self {
        self.with_expires_at(Instant::now() + lifetime)
    }

    /// The same token, expiring at `at`.
    #[must_use = "it returns the changed token"]
    pub fn with_expires_at(mut self, at: Instant) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The same token, with these scopes.
    #[must_use = "it returns the changed token"]
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The token itself. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        self.secret.expose()
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// How long the token has left (zero once expired), if its expiry is known.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether the token is known to have expired.
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| Instant::now() >= at)
    }

    /// The scopes granted, if known (empty if not).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    pub(crate) fn same_secret(&self, other: &AccessToken) -> bool {
        Arc::ptr_eq(&self.secret.0, &other.secret.0) || self.secret.0 == other.secret.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.secret)
            .field("expires_in", &self.expires_in())
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Where a [`Client`](crate::Client) gets its bearer tokens.
///
/// The trait is object safe: the client keeps its source as `Arc<dyn TokenSource>`. Implement it
/// for any type that can produce tokens; see the [module documentation](crate::auth) for an example.
pub trait TokenSource: Send + Sync + 'static {
    /// A token to send now. Called before every attempt of every call, so it should return a
    /// cached token quickly when it has a good one.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>>;

    /// Called when the server rejected `rejected` as unknown, expired or revoked (`401
    /// invalid_token`). Return `true` if a later [`token`](TokenSource::token) call may give a
    /// different, working token: the client then replays the call once. The default returns
    /// `false` (the call fails with the `401`).
    fn invalidate(&self, rejected: &AccessToken) -> bool {
        let _ = rejected;
        false
    }
}

impl<T: TokenSource + ?Sized> TokenSource for Arc<T> {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        (**self).token()
    }

    fn invalidate(&self, rejected: &AccessToken) -> bool {
        (**self).invalidate(rejected)
    }
}

impl<T: TokenSource + ?Sized> TokenSource for Box<T> {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        (**self).token()
    }

    fn invalidate(&self, rejected: &AccessToken) -> bool {
        (**self).invalidate(rejected)
    }
}
