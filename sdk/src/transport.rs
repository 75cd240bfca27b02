//! Sending: the one path every request of the SDK takes, API calls and token requests alike.
//!
//! A [`Call`] says what to send (operation, route template, method, URL, headers, body, and how
//! the time limits apply); a [`Transport`] sends it:
//!
//! 1. it asks the token source, if there is one, for a token and sends it as
//!    `Authorization: Bearer`, marked sensitive;
//! 2. it reads the rate-limit headers of every response into the response and into
//!    [`Client::last_rate_limit`](crate::Client::last_rate_limit);
//! 3. it turns a response whose status is not a success into the SDK's [`Error`], reading at most
//!    [`ERROR_BODY_LIMIT`](crate::error::ERROR_BODY_LIMIT) bytes of its body, in the API's error
//!    shape or, for the token endpoint, in the OAuth shape;
//! 4. on `401 invalid_token` it tells the token source, and replays the call once with a new
//!    token if the source has one;
//! 5. it retries by the [`RetryPolicy`], waiting what `Retry-After` asks (up to the policy's
//!    limit) or an exponential backoff with jitter.
//!
//! The typed request builders ([`crate::people`], [`crate::paging`], [`crate::photo`],
//! [`crate::attachments`]) build a `Call` and hand it to [`Transport::json`],
//! [`Transport::write`] or [`Transport::download`]; [`crate::auth`] sends its token requests
//! with [`Transport::send`], in its own span, with no token source.
//!
//! # Defaults
//!
//! | setting | default |
//! |---|---|
//! | connect timeout | 10 s (only for the HTTP client the SDK makes) |
//! | timeout | 30 s per attempt, from sending the request to the end of the response body; a download's response headers must come within it |
//! | transfer timeout | none: uploads and the bodies of downloads take as long as they need |
//! | retries | [`RetryPolicy::default`]: 3 attempts in all |
//! | replays after `401 invalid_token` | one, when the token source says a new token may work |
//! | user agent | `people-sdk/<version>` on API calls; token requests go with the HTTP client's own |
//! | redirects | not followed by the HTTP client the SDK makes: a call's answer is the server's |
//!
//! # Why one transport
//!
//! Retries, the replay after a `401`, error decoding and rate limits are the behaviour users
//! rely on and tests pin down; written once, a token request is retried exactly as a `POST` to
//! the API is, and a new resource cannot forget a step. The retry loop is the only place that
//! knows whether a body can be sent again (a one-shot stream cannot), so it decides for every
//! call.
//!
//! # Why the generated code supplies types only
//!
//! `cargo xtask codegen` generates the API's data types (serde models, [`crate::types`]) from
//! `spec/people.yaml`, not the operations. A progenitor client carrying the token and the retry
//! policy in its inner type, through its hooks, was the alternative; it was not taken because
//! its calls return progenitor's own error type instead of [`Error`], its hooks can neither
//! retry nor replay a call (they see one request), it sends a request body it cannot build a
//! second time, and it has no multipart operations (the uploads would need this transport
//! anyway). So every call goes through this module, and a JSON operation is a small typed
//! builder that makes a `Call`.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, IF_MATCH, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use tracing::Instrument;
use url::Url;

use crate::download::Download;
use crate::error::{CallInfo, ERROR_BODY_LIMIT, Error, ErrorKind};
use crate::header_trace;
use crate::multipart::Form;
use crate::rate_limit::RateLimit;
use crate::response::{ETag, Written};
use crate::retry::{self, Decision, RetryPolicy};
use crate::token::{AccessToken, TokenSource};

pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn default_user_agent() -> String {
    format!("people-sdk/{}", env!("CARGO_PKG_VERSION"))
}

/// The HTTP client the SDK makes when it is given none: no redirects followed, so that a call's
/// answer is the server's own.
pub(crate) fn default_http_client(
    connect_timeout: Duration,
    user_agent: &str,
) -> Result<reqwest::Client, Error> {
    crate::tls::check_crypto_provider()?;
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::config("the HTTP client could not be built").with_source(e))
}

/// How the time limits of the transport apply to a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeoutMode {
    /// The timeout bounds the whole attempt.
    Call,
    /// An upload: the transfer timeout bounds the whole attempt.
    Upload,
    /// A download: the timeout bounds the wait for the headers, the transfer timeout the rest.
    Download,
}

/// The shape of the body of a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorShape {
    /// The API's error body (`message`, `error`, `error_code`, `details`).
    Api,
    /// The token endpoint's OAuth error body (`error`, `error_description`).
    OAuth,
}

/// A request body that can be built again for a retry or a replay, where possible.
pub(crate) enum RequestBody {
    Empty,
    Bytes {
        bytes: Bytes,
        content_type: &'static str,
    },
    Multipart(Form),
}

impl RequestBody {
    fn is_replayable(&self) -> bool {
        match self {
            RequestBody::Empty | RequestBody::Bytes { .. } => true,
            RequestBody::Multipart(form) => form.is_replayable(),
        }
    }
}

/// One call, before it is sent.
pub(crate) struct Call {
    pub(crate) info: CallInfo,
    /// The route template (from [`crate::route`]): what the call's span records.
    pub(crate) route: &'static str,
    pub(crate) headers: HeaderMap,
    pub(crate) body: RequestBody,
    pub(crate) mode: TimeoutMode,
    pub(crate) errors: ErrorShape,
}

impl Call {
    pub(crate) fn new(
        operation: &'static str,
        route: &'static str,
        method: Method,
        url: Url,
    ) -> Self {
        Call {
            info: CallInfo {
                operation,
                method,
                url,
            },
            route,
            headers: HeaderMap::new(),
            body: RequestBody::Empty,
            mode: TimeoutMode::Call,
            errors: ErrorShape::Api,
        }
    }

    /// Adds `Accept: application/json`.
    pub(crate) fn accept_json(self) -> Self {
        self.header(ACCEPT, HeaderValue::from_static("application/json"))
    }

    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Adds `If-Match` when there is an entity tag to match.
    pub(crate) fn if_match(self, etag: Option<&ETag>) -> Result<Self, Error> {
        match etag {
            None => Ok(self),
            Some(etag) => {
                let value = HeaderValue::from_str(etag.as_str()).map_err(|_| {
                    Error::invalid_request(format!("invalid ETag {:?}", etag.as_str()))
                })?;
                Ok(self.header(IF_MATCH, value))
            }
        }
    }

    /// Sets a JSON body of this content type.
    pub(crate) fn json<T: serde::Serialize>(
        mut self,
        content_type: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(|e| {
            Error::invalid_request("the request body could not be encoded").with_source(e)
        })?;
        self.body = RequestBody::Bytes {
            bytes: Bytes::from(bytes),
            content_type,
        };
        Ok(self)
    }

    /// Sets an `application/x-www-form-urlencoded` body, already encoded.
    pub(crate) fn form(mut self, encoded: String) -> Self {
        self.body = RequestBody::Bytes {
            bytes: Bytes::from(encoded),
            content_type: "application/x-www-form-urlencoded",
        };
        self
    }

    pub(crate) fn multipart(mut self, form: Form) -> Self {
        self.body = RequestBody::Multipart(form);
        self.mode = TimeoutMode::Upload;
        self
    }

    pub(crate) fn download(mut self) -> Self {
        self.mode = TimeoutMode::Download;
        self
    }

    /// Refusals come in this shape (default [`ErrorShape::Api`]).
    pub(crate) fn errors(mut self, shape: ErrorShape) -> Self {
        self.errors = shape;
        self
    }
}

/// What sends calls: the HTTP client with the settings every attempt uses. See the [module
/// documentation](self).
pub(crate) struct Transport {
    http: reqwest::Client,
    /// Sent with every request when set; otherwise the HTTP client's own goes.
    user_agent: Option<HeaderValue>,
    auth: Option<Arc<dyn TokenSource>>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    transfer_timeout: Option<Duration>,
    last_rate_limit: Mutex<Option<RateLimit>>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("timeout", &self.timeout)
            .field("transfer_timeout", &self.transfer_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport with no token source, no user agent of its own and no transfer timeout.
    pub(crate) fn new(
        http: reqwest::Client,
        retry: RetryPolicy,
        timeout: Option<Duration>,
    ) -> Self {
        Transport {
            http,
            user_agent: None,
            auth: None,
            retry,
            timeout,
            transfer_timeout: None,
            last_rate_limit: Mutex::new(None),
        }
    }

    /// Sends this `User-Agent` with every request.
    pub(crate) fn with_user_agent(mut self, user_agent: HeaderValue) -> Self {
        self.user_agent = Some(user_agent);
        self
    }

    /// Authenticates every request with a token of this source.
    pub(crate) fn with_auth(mut self, auth: Option<Arc<dyn TokenSource>>) -> Self {
        self.auth = auth;
        self
    }

    /// Bounds uploads and the bodies of downloads.
    pub(crate) fn with_transfer_timeout(mut self, limit: Option<Duration>) -> Self {
        self.transfer_timeout = limit;
        self
    }

    pub(crate) fn auth(&self) -> Option<&Arc<dyn TokenSource>> {
        self.auth.as_ref()
    }

    pub(crate) fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub(crate) fn transfer_timeout(&self) -> Option<Duration> {
        self.transfer_timeout
    }

    /// The rate-limit headers of the last response, if any.
    pub(crate) fn last_rate_limit(&self) -> Option<RateLimit> {
        *self
            .last_rate_limit
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Sends a call and decodes its JSON body as a `what`.
    pub(crate) async fn json<T>(&self, call: Call, what: &str) -> Result<T, Error>
    where
        T: serde::de::DeserializeOwned,
    {
        self.json_with(call, what, |_| ())
            .await
            .map(|(value, ())| value)
    }

    /// Sends a call and decodes its JSON body as a `what`; `head` takes what it needs of the
    /// response's headers first.
    pub(crate) async fn json_with<T, H>(
        &self,
        call: Call,
        what: &str,
        head: impl FnOnce(&reqwest::Response) -> H,
    ) -> Result<(T, H), Error>
    where
        T: serde::de::DeserializeOwned,
    {
        let resp = self.execute(&call).await?;
        let head = head(&resp);
        Ok((read_json(resp, &call.info, what).await?, head))
    }

    /// Sends a write with no response body worth reading, `If-Match` this entity tag if there is
    /// one; returns what it wrote.
    pub(crate) async fn write(
        &self,
        call: Call,
        if_match: Option<&ETag>,
    ) -> Result<Written, Error> {
        let resp = self.execute(&call.if_match(if_match)?).await?;
        Ok(Written::from_response(&resp))
    }

    /// Sends a call whose body is a file, and starts its download.
    pub(crate) async fn download(&self, call: Call) -> Result<Download, Error> {
        let resp = self.execute(&call).await?;
        Ok(Download::new(resp, call.info))
    }

    /// Sends an API call in its span (`people_sdk.call`). Returns the response if its status is
    /// a success, the error it amounts to otherwise.
    ///
    /// The span and its events carry OpenTelemetry's HTTP field names where there is one, and
    /// the route template, never the path or query sent: those hold people's names.
    pub(crate) async fn execute(&self, call: &Call) -> Result<reqwest::Response, Error> {
        let span = tracing::info_span!(
            "people_sdk.call",
            operation = call.info.operation,
            http.request.method = %call.info.method,
            http.route = call.route,
            http.response.status_code = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let mut sent = 0;
        let result = self.send(call, &mut sent).instrument(span.clone()).await;
        let latency = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("latency_ms", latency);
        span.record("attempt", sent);
        let status = match &result {
            Ok(resp) => Some(resp.status()),
            Err(err) => err.status(),
        };
        if let Some(status) = status {
            span.record("http.response.status_code", status.as_u16());
        }
        span.in_scope(|| match &result {
            Ok(_) => tracing::debug!("call succeeded"),
            Err(err) => {
                // The kind and the API's machine code only: the error's text may name the person.
                span.record("error.type", tracing::field::debug(err.kind()));
                tracing::debug!(
                    "error.type" = ?err.kind(),
                    api.error = err.error(),
                    "call failed"
                );
            }
        });
        result
    }

    /// Sends a call with authentication, retries and one replay on `401 invalid_token`, in the
    /// caller's span; `sent` counts the attempts.
    pub(crate) async fn send(
        &self,
        call: &Call,
        sent: &mut u32,
    ) -> Result<reqwest::Response, Error> {
        let idempotent = retry::is_idempotent(&call.info.method);
        let mut attempt: u32 = 0;
        let mut replayed = false;
        loop {
            attempt += 1;
            *sent += 1;
            let token = match &self.auth {
                Some(source) => Some(source.token().await?),
                None => None,
            };
            let err = match self.send_once(call, token.as_ref()).await {
                Ok(resp) => return Ok(resp),
                Err(err) => err,
            };
            if let (Some(token), Some(source)) = (&token, &self.auth)
                && !replayed
                && err.is_invalid_token()
                && source.invalidate(token)
            {
                if !call.body.is_replayable() {
                    return Err(err.into_not_replayable());
                }
                tracing::debug!(
                    reason = "401 invalid_token",
                    "access token rejected; renewing it and replaying the call once"
                );
                replayed = true;
                attempt -= 1;
                continue;
            }
            match self.retry.decide(&err, idempotent, attempt) {
                Decision::Retry { wait, reason } if call.body.is_replayable() => {
                    tracing::debug!(
                        reason = %reason,
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                Decision::Retry { reason, .. } => {
                    tracing::debug!(
                        reason = %reason,
                        "not retrying: the request body is a one-shot stream"
                    );
                    return Err(err);
                }
                Decision::GiveUp => return Err(err),
            }
        }
    }

    /// One attempt.
    async fn send_once(
        &self,
        call: &Call,
        token: Option<&AccessToken>,
    ) -> Result<reqwest::Response, Error> {
        let info = &call.info;
        let mut req = self
            .http
            .request(info.method.clone(), info.url.clone())
            .headers(call.headers.clone());
        if let Some(user_agent) = &self.user_agent {
            req = req.header(USER_AGENT, user_agent.clone());
        }
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| {
                    Error::config("the access token holds characters a header cannot carry")
                        .with_call(info)
                })?;
            value.set_sensitive(true);
            req = req.header(AUTHORIZATION, value);
        }
        match &call.body {
            RequestBody::Empty => {}
            RequestBody::Bytes {
                bytes,
                content_type,
            } => {
                req = req
                    .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
                    .body(bytes.clone());
            }
            RequestBody::Multipart(form) => {
                let encoded = form.encode().await.map_err(|e| e.with_call(info))?;
                req = req.header(CONTENT_TYPE, encoded.content_type);
                if let Some(len) = encoded.content_length {
                    req = req.header(CONTENT_LENGTH, len);
                }
                req = req.body(encoded.body);
            }
        }
        let whole_limit = match call.mode {
            TimeoutMode::Call => self.timeout,
            TimeoutMode::Upload | TimeoutMode::Download => self.transfer_timeout,
        };
        if let Some(limit) = whole_limit {
            req = req.timeout(limit);
        }
        let request = req
            .build()
            .map_err(|e| Error::from_reqwest(e).with_call(info))?;
        header_trace::request(request.headers());
        let sending = self.http.execute(request);
        let result = match (call.mode, self.timeout) {
            (TimeoutMode::Download, Some(limit)) => within(limit, sending, info).await?,
            _ => sending.await,
        };
        let mut resp = result.map_err(|e| Error::from_reqwest(e).with_call(info))?;
        header_trace::response(resp.headers());
        if let Some(rl) = RateLimit::from_headers(resp.headers()) {
            *self
                .last_rate_limit
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(rl);
            // Parsed once: what the call returns takes it from here (`RateLimit::of`).
            resp.extensions_mut().insert(rl);
        }
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let headers = resp.headers().clone();
        let body = if info.method == Method::HEAD {
            Vec::new()
        } else {
            let limit = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
            tokio::time::timeout(limit, read_bounded(resp, ERROR_BODY_LIMIT))
                .await
                .unwrap_or_default()
        };
        let err = match call.errors {
            ErrorShape::Api => Error::from_parts(status, headers, &body),
            ErrorShape::OAuth => Error::from_token_response(status, headers, &body),
        };
        Err(err.with_call(info))
    }
}

/// The outcome of `sending`, or a timeout error if there is none within `limit`.
async fn within<T>(
    limit: Duration,
    sending: impl Future<Output = T>,
    info: &CallInfo,
) -> Result<T, Error> {
    tokio::time::timeout(limit, sending).await.map_err(|_| {
        Error::new(ErrorKind::Timeout)
            .with_message(format!("no response within {limit:?}"))
            .with_call(info)
    })
}

/// Reads at most `limit` bytes of a response body; a failure mid-way keeps what was read.
pub(crate) async fn read_bounded(mut resp: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < limit {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - out.len();
                out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    out
}

/// Reads a whole success body and decodes it as JSON.
async fn read_json<T: serde::de::DeserializeOwned>(
    resp: reqwest::Response,
    info: &CallInfo,
    what: &str,
) -> Result<T, Error> {
    let status = resp.status();
    let body = resp
        .bytes()
        .await
        .map_err(|e| Error::from_reqwest(e).with_call(info))?;
    serde_json::from_slice(&body).map_err(|e| {
        Error::decode(format!("the response is not a valid {what}"), None)
            .with_source(e)
            .with_status(status)
            .with_snippet_from(&body)
            .with_call(info)
    })
}
