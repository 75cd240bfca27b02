//! The one error type of the SDK: [`Error`], classified by [`ErrorKind`].
//!
//! Every fallible call returns [`Error`]. It is small (one pointer), `Send + Sync + 'static`, and
//! opaque: ask it what happened with [`Error::kind`] and the `is_*` predicates, and read what the
//! server said with [`Error::status`], [`Error::api_error`], [`Error::retry_after`],
//! [`Error::rate_limit`], [`Error::headers`] and [`Error::raw_body_snippet`].
//!
//! The kind of an HTTP error follows its status, whatever the body holds: an HTML page from a
//! proxy answering `502`, an empty `503` or a truncated JSON body still give the right kind, with
//! the status, the headers and at most [`SNIPPET_LIMIT`] bytes of the body (as lossy UTF-8).
//!
//! ```
//! use people_sdk::{Error, ErrorKind};
//!
//! fn explain(err: &Error) -> String {
//!     match err.kind() {
//!         ErrorKind::NotFound | ErrorKind::Gone => "no such person".to_owned(),
//!         ErrorKind::RateLimited => format!("slow down, retry in {:?}", err.retry_after()),
//!         _ if err.is_retryable() => "transient, try again later".to_owned(),
//!         _ => err.to_string(),
//!     }
//! }
//! # let _ = explain;
//! ```
//!
//! No error, in its `Display`, its `Debug` or its source chain, ever holds a client secret or a
//! token: requests carry them only in headers, and request headers are never kept.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::rate_limit::RateLimit;
use crate::types;

/// A boxed error, as taken by the constructors that set the source of an [`Error`].
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The source of an [`Error`]: shared, so that one failure can be handed to several callers.
type SharedSource = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// How many bytes [`Error::raw_body_snippet`] holds at most: the start of the body, decoded as
/// lossy UTF-8 and cut to this length.
pub const SNIPPET_LIMIT: usize = 512;

/// How many bytes of an error response the SDK reads at most to find the API error in it.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The broad class of an [`Error`].
///
/// HTTP errors are classified by status; the other kinds describe failures before or around the
/// exchange. The enum is `#[non_exhaustive]`: match it with a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `400`: malformed JSON, a bad query value, malformed multipart or a malformed header.
    BadRequest,
    /// `401`: no token, or an unknown, expired or revoked one (after the SDK's one replay).
    Unauthorized,
    /// `403`: the token lacks the scope the operation needs.
    Forbidden,
    /// `404`: no such person, photo, attachment or route.
    NotFound,
    /// `405`: the path does not offer the method.
    MethodNotAllowed,
    /// `406`: the `Accept` header rules out the only representation.
    NotAcceptable,
    /// `409`: the person exists already.
    Conflict,
    /// `410`: the person was deleted.
    Gone,
    /// `412`: `If-Match` did not match the current `ETag`; nothing changed.
    PreconditionFailed,
    /// `413`: a body or file over the server's limit; nothing was stored.
    PayloadTooLarge,
    /// `415`: a request `Content-Type` the route does not accept, or a photo that is not an image.
    UnsupportedMediaType,
    /// `422`: well-formed but invalid input (see [`Error::api_error`] for the fields).
    Unprocessable,
    /// `429`: over the rate limit; see [`Error::retry_after`] and [`Error::rate_limit`].
    RateLimited,
    /// `503`: maintenance or an outage; see [`Error::retry_after`].
    Unavailable,
    /// Any other `5xx` (`500`, `502`, `504`, ...).
    Server,
    /// A status the API does not use here (another `4xx`, a redirect, ...).
    UnexpectedStatus,
    /// The token endpoint refused to issue a token; [`Error::token_endpoint_error`] has its OAuth `error`
    /// code (`invalid_client`, `invalid_grant`, `invalid_scope`, ...).
    Auth,
    /// No connection could be made to the server.
    Connect,
    /// The request or the response took longer than its time limit.
    Timeout,
    /// The connection failed after it was made (reset, closed early, protocol error).
    Transport,
    /// A response body could not be decoded as the type the API documents.
    Decode,
    /// The request was refused before anything was sent, e.g. an invalid `lname`.
    InvalidRequest,
    /// A local I/O error: reading a file to upload or writing a download.
    Io,
    /// The call had to be sent again (the token was rejected and refreshed), but its body was a
    /// one-shot stream that had already been consumed.
    BodyNotReplayable,
    /// The [`ClientBuilder`](crate::ClientBuilder) was given an unusable setting.
    Config,
}

impl ErrorKind {
    /// The kind of an HTTP error status (any status that is not `2xx`).
    pub fn from_status(status: StatusCode) -> ErrorKind {
        match status.as_u16() {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            405 => ErrorKind::MethodNotAllowed,
            406 => ErrorKind::NotAcceptable,
            409 => ErrorKind::Conflict,
            410 => ErrorKind::Gone,
            412 => ErrorKind::PreconditionFailed,
            413 => ErrorKind::PayloadTooLarge,
            415 => ErrorKind::UnsupportedMediaType,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            503 => ErrorKind::Unavailable,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::UnexpectedStatus,
        }
    }

    /// A short description of the kind, in lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not found",
            ErrorKind::MethodNotAllowed => "method not allowed",
            ErrorKind::NotAcceptable => "not acceptable",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Gone => "gone",
            ErrorKind::PreconditionFailed => "precondition failed",
            ErrorKind::PayloadTooLarge => "payload too large",
            ErrorKind::UnsupportedMediaType => "unsupported media type",
            ErrorKind::Unprocessable => "unprocessable",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Unavailable => "service unavailable",
            ErrorKind::Server => "server error",
            ErrorKind::UnexpectedStatus => "unexpected status",
            ErrorKind::Auth => "token request refused",
            ErrorKind::Connect => "could not connect",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Transport => "connection failed",
            ErrorKind::Decode => "could not decode the response",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Io => "I/O error",
            ErrorKind::BodyNotReplayable => "request body cannot be replayed",
            ErrorKind::Config => "invalid client configuration",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the OAuth 2.0 token endpoint (RFC 6749 section 5.2), as carried by an [`Error`]
/// ([`Error::token_endpoint_error`]).
///
/// This is the SDK's reading of the endpoint's answer: its `code` is any string the server sent.
/// The spec's schema of the same body is the generated [`types::OAuthError`], whose `error` is
/// limited to the codes the spec lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenEndpointError {
    code: String,
    description: Option<String>,
}

impl TokenEndpointError {
    pub(crate) fn new(code: impl Into<String>, description: Option<String>) -> Self {
        TokenEndpointError {
            code: code.into(),
            description,
        }
    }

    /// The OAuth `error` code: `invalid_request`, `invalid_client`, `invalid_grant`,
    /// `unsupported_grant_type`, `invalid_scope`, `server_error`, `temporarily_unavailable`, ...
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The `error_description`, a sentence for people, if the server sent one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

/// Where a failed call was going: its operation, method and URL.
#[derive(Clone, Debug)]
pub(crate) struct CallInfo {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) url: Url,
}

/// The error of every fallible call of this crate.
///
/// See the [module documentation](crate::error) for an overview. `Display` gives one sentence
/// about this failure: the server's message, the status and the error code where there are any.
/// As is the convention of `std::error::Error`, it does not repeat the underlying transport,
/// decoding or I/O error: [`source()`](std::error::Error::source) gives that, so error reporters
/// that walk the chain (`anyhow`, `eyre`, ...) print each cause once.
///
/// ```
/// use std::error::Error as _;
///
/// let err = people_sdk::Error::from("".parse::<people_sdk::types::Fname>().unwrap_err());
/// let cause = err.source().expect("the refused conversion");
/// assert!(!err.to_string().contains(&cause.to_string()));
/// ```
#[non_exhaustive]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    call: Option<CallInfo>,
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    api: Option<types::Error>,
    oauth: Option<TokenEndpointError>,
    snippet: Option<String>,
    message: Option<String>,
    retry_after: Option<Duration>,
    rate_limit: Option<RateLimit>,
    source: Option<SharedSource>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Error(Box::new(Inner {
            kind,
            call: None,
            status: None,
            headers: None,
            api: None,
            oauth: None,
            snippet: None,
            message: None,
            retry_after: None,
            rate_limit: None,
            source: None,
        }))
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidRequest).with_message(message)
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config).with_message(message)
    }

    pub(crate) fn io(err: std::io::Error, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Io)
            .with_message(message)
            .with_source(err)
    }

    pub(crate) fn decode(message: impl Into<String>, source: Option<BoxError>) -> Self {
        let mut err = Error::new(ErrorKind::Decode).with_message(message);
        err.0.source = source.map(SharedSource::from);
        err
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.0.message = Some(message.into());
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.0.source = Some(SharedSource::from(source.into()));
        self
    }

    /// A second error that says all this one says, with the same source: for handing one failure
    /// to every caller that waited for it.
    pub(crate) fn duplicate(&self) -> Self {
        Error(Box::new((*self.0).clone()))
    }

    pub(crate) fn with_call(mut self, call: &CallInfo) -> Self {
        if self.0.call.is_none() {
            self.0.call = Some(call.clone());
        }
        self
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_snippet_from(mut self, body: &[u8]) -> Self {
        self.0.snippet = snippet(body);
        self
    }

    /// Classifies a transport error of reqwest.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_connect() {
            ErrorKind::Connect
        } else if err.is_decode() {
            ErrorKind::Decode
        } else if err.is_builder() {
            ErrorKind::InvalidRequest
        } else {
            ErrorKind::Transport
        };
        // reqwest's own message repeats the URL; ours says where the call went already.
        let status = err.status();
        let mut out = Error::new(kind).with_source(err);
        out.0.status = status;
        out
    }

    /// An error from a response whose status is not a success, with its body (already read,
    /// at most [`ERROR_BODY_LIMIT`] bytes).
    pub(crate) fn from_parts(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let mut err = Error::new(ErrorKind::from_status(status)).with_status(status);
        err.0.retry_after = crate::rate_limit::parse_retry_after(&headers);
        err.0.rate_limit = RateLimit::from_headers(&headers);
        match serde_json::from_slice::<types::Error>(body) {
            Ok(api) => err.0.api = Some(api),
            Err(_) => err.0.snippet = snippet(body),
        }
        err.0.headers = Some(headers);
        err
    }

    /// An error answered by the token endpoint, in the OAuth shape where it is one.
    pub(crate) fn from_token_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Body {
            error: String,
            #[serde(default)]
            error_description: Option<String>,
        }
        // Rate limits and outages stay what they are (and retryable); refusals are `Auth`.
        let kind = match status.as_u16() {
            429 | 500..=599 => ErrorKind::from_status(status),
            _ => ErrorKind::Auth,
        };
        let mut err = Error::new(kind).with_status(status);
        err.0.retry_after = crate::rate_limit::parse_retry_after(&headers);
        match serde_json::from_slice::<Body>(body) {
            Ok(b) => err.0.oauth = Some(TokenEndpointError::new(b.error, b.error_description)),
            Err(_) => err.0.snippet = snippet(body),
        }
        err.0.headers = Some(headers);
        err
    }

    /// This error, marked as one whose call could not be replayed.
    pub(crate) fn into_not_replayable(mut self) -> Self {
        self.0.kind = ErrorKind::BodyNotReplayable;
        self
    }

    /// Whether this is a `401` that says the access token is unknown, expired or revoked.
    pub(crate) fn is_invalid_token(&self) -> bool {
        if self.0.status != Some(StatusCode::UNAUTHORIZED) {
            return false;
        }
        if let Some(api) = &self.0.api {
            return api.error == "invalid_token";
        }
        self.0
            .headers
            .as_ref()
            .and_then(|h| h.get(http::header::WWW_AUTHENTICATE))
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("invalid_token"))
    }

    /// The broad class of this error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status the server answered with, if the failure came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// The API's error body (`message`, `error`, `error_code`, `details`), if the response had
    /// one in the documented `Error` shape.
    pub fn api_error(&self) -> Option<&crate::ApiError> {
        self.0.api.as_ref()
    }

    /// The API's stable machine code (`"person_not_found"`, ...), if the body had one.
    pub fn error(&self) -> Option<&str> {
        self.0.api.as_ref().map(|a| a.error.as_str())
    }

    /// The API's numeric error code (status times 1000 plus a reason, e.g. `404001`).
    pub fn error_code(&self) -> Option<i64> {
        self.0.api.as_ref().map(|a| a.error_code)
    }

    /// The server's message for people, if the body had one.
    pub fn message(&self) -> Option<&str> {
        self.0.api.as_ref().map(|a| a.message.as_str())
    }

    /// The field-level problems the server listed (empty if none).
    pub fn details(&self) -> &[types::ErrorDetail] {
        self.0
            .api
            .as_ref()
            .map(|a| a.details.as_slice())
            .unwrap_or(&[])
    }

    /// The token endpoint's OAuth error, for errors of kind [`ErrorKind::Auth`] (and failures
    /// of the token endpoint of other kinds whose body was in the OAuth shape).
    pub fn token_endpoint_error(&self) -> Option<&TokenEndpointError> {
        self.0.oauth.as_ref()
    }

    /// How long the server asked to wait (`Retry-After`, in seconds or as an HTTP date), as
    /// measured when the response arrived.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// The rate-limit headers of the response, if it had them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.0.rate_limit
    }

    /// The headers of the error response, if the failure came from one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.0.headers.as_ref()
    }

    /// The start of a response body that was not in the expected shape (an HTML page, truncated
    /// JSON, ...), decoded as lossy UTF-8: at most [`SNIPPET_LIMIT`] bytes. `None` when the body
    /// was empty or was a well-formed API error.
    pub fn raw_body_snippet(&self) -> Option<&str> {
        self.0.snippet.as_deref()
    }

    /// The SDK operation that failed (`"get_person"`, `"list_people"`, ...), if known.
    pub fn operation(&self) -> Option<&'static str> {
        self.0.call.as_ref().map(|c| c.operation)
    }

    /// The URL of the failed call, if there was one. It never holds a token.
    pub fn url(&self) -> Option<&Url> {
        self.0.call.as_ref().map(|c| &c.url)
    }

    /// `400 Bad Request`.
    pub fn is_bad_request(&self) -> bool {
        self.kind() == ErrorKind::BadRequest
    }

    /// `401 Unauthorized`.
    pub fn is_unauthorized(&self) -> bool {
        self.kind() == ErrorKind::Unauthorized
    }

    /// `403 Forbidden`.
    pub fn is_forbidden(&self) -> bool {
        self.kind() == ErrorKind::Forbidden
    }

    /// `404 Not Found`.
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// `410 Gone`: the person was deleted.
    pub fn is_gone(&self) -> bool {
        self.kind() == ErrorKind::Gone
    }

    /// `409 Conflict`: the person exists already.
    pub fn is_conflict(&self) -> bool {
        self.kind() == ErrorKind::Conflict
    }

    /// `412 Precondition Failed`: the `If-Match` was stale.
    pub fn is_precondition_failed(&self) -> bool {
        self.kind() == ErrorKind::PreconditionFailed
    }

    /// `422 Unprocessable Content`.
    pub fn is_unprocessable(&self) -> bool {
        self.kind() == ErrorKind::Unprocessable
    }

    /// `429 Too Many Requests`.
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == ErrorKind::RateLimited
    }

    /// `503 Service Unavailable`.
    pub fn is_unavailable(&self) -> bool {
        self.kind() == ErrorKind::Unavailable
    }

    /// Any `5xx` status.
    pub fn is_server_error(&self) -> bool {
        self.status().is_some_and(|s| s.is_server_error())
    }

    /// A time limit ran out.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// No connection could be made.
    pub fn is_connect(&self) -> bool {
        self.kind() == ErrorKind::Connect
    }

    /// A response body could not be decoded.
    pub fn is_decode(&self) -> bool {
        self.kind() == ErrorKind::Decode
    }

    /// The token endpoint refused to issue a token (see [`Error::token_endpoint_error`]).
    pub fn is_auth(&self) -> bool {
        self.kind() == ErrorKind::Auth
    }

    /// The SDK refused the request before sending it.
    pub fn is_invalid_request(&self) -> bool {
        self.kind() == ErrorKind::InvalidRequest
    }

    /// A local I/O error.
    pub fn is_io(&self) -> bool {
        self.kind() == ErrorKind::Io
    }

    /// Whether the failure is transient, so that the same call may succeed later: `429`, `503`,
    /// `502`, `504`, connection failures and timeouts.
    ///
    /// This says nothing about whether retrying is *safe*: the SDK's own
    /// [`RetryPolicy`](crate::RetryPolicy) retries `429` and `503` for every method (the server
    /// did nothing), but the others only for idempotent methods.
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorKind::RateLimited
            | ErrorKind::Unavailable
            | ErrorKind::Connect
            | ErrorKind::Timeout
            | ErrorKind::Transport => true,
            ErrorKind::Server => matches!(self.status().map(|s| s.as_u16()), Some(502 | 504)),
            _ => false,
        }
    }
}

/// A value refused by one of the validated types of [`types`] (e.g. `"".parse::<types::Fname>()`)
/// is an [`ErrorKind::InvalidRequest`], so `?` works on such conversions.
impl From<types::error::ConversionError> for Error {
    fn from(err: types::error::ConversionError) -> Self {
        Error::invalid_request("a value does not meet the API's rules").with_source(err)
    }
}

/// At most [`SNIPPET_LIMIT`] bytes of `body` as lossy UTF-8, or `None` if it is empty.
fn snippet(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let mut cut = &body[..body.len().min(SNIPPET_LIMIT)];
    // A character cut in two at the end is dropped, not replaced.
    if let Err(e) = std::str::from_utf8(cut)
        && e.error_len().is_none()
    {
        cut = &cut[..e.valid_up_to()];
    }
    let mut text = String::from_utf8_lossy(cut).into_owned();
    // Replacement characters are longer than the bytes they replace: cut again.
    if text.len() > SNIPPET_LIMIT {
        let mut end = SNIPPET_LIMIT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    Some(text)
}

impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = self
            .call
            .as_ref()
            .map(|c| format!("{} {}", c.method, c.url.path()));
        if self.kind == ErrorKind::BodyNotReplayable {
            f.write_str("the call had to be sent again with a fresh token, but its request body was a one-shot stream; ")?;
        }
        if let Some(api) = &self.api {
            write!(f, "{}", api.message.trim_end_matches('.'))?;
            if let Some(status) = self.status {
                write!(f, " (HTTP {}", status.as_u16())?;
            }
            if let Some(place) = &place {
                write!(f, " from {place}")?;
            }
            return write!(f, "; error {}, code {})", api.error, api.error_code);
        }
        if let Some(oauth) = &self.oauth {
            write!(
                f,
                "the token endpoint refused to issue a token: {}",
                oauth.code
            )?;
            if let Some(d) = &oauth.description {
                write!(f, ", {}", d.trim_end_matches('.'))?;
            }
            if let Some(status) = self.status {
                write!(f, " (HTTP {})", status.as_u16())?;
            }
            return Ok(());
        }
        if let Some(status) = self.status.filter(|_| self.kind != ErrorKind::Decode) {
            write!(f, "the server answered HTTP {status}")?;
            if let Some(place) = &place {
                write!(f, " to {place}")?;
            }
            if let Some(m) = &self.message {
                write!(f, ": {m}")?;
            } else if self.snippet.is_some() {
                f.write_str(" with a body that is not an API error")?;
            } else {
                f.write_str(" with no API error body")?;
            }
            return Ok(());
        }
        write!(f, "{}", self.kind)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(place) = &place {
            write!(f, " ({place})")?;
        }
        // The source is not repeated: `source()` gives it.
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // The shared box is looked through, so callers can downcast to the error itself.
        self.0
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind);
        if let Some(call) = &self.call {
            d.field("operation", &call.operation);
            d.field("method", &call.method);
            d.field("url", &call.url.as_str());
        }
        if let Some(status) = self.status {
            d.field("status", &status);
        }
        if let Some(api) = &self.api {
            d.field("api_error", api);
        }
        if let Some(oauth) = &self.oauth {
            d.field("token_endpoint_error", oauth);
        }
        if let Some(m) = &self.message {
            d.field("message", m);
        }
        if let Some(s) = &self.snippet {
            d.field("body_snippet", s);
        }
        if let Some(r) = &self.retry_after {
            d.field("retry_after", r);
        }
        if let Some(r) = &self.rate_limit {
            d.field("rate_limit", r);
        }
        if let Some(s) = &self.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_status() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (405, ErrorKind::MethodNotAllowed),
            (406, ErrorKind::NotAcceptable),
            (409, ErrorKind::Conflict),
            (410, ErrorKind::Gone),
            (412, ErrorKind::PreconditionFailed),
            (413, ErrorKind::PayloadTooLarge),
            (415, ErrorKind::UnsupportedMediaType),
            (422, ErrorKind::Unprocessable),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (502, ErrorKind::Server),
            (503, ErrorKind::Unavailable),
            (504, ErrorKind::Server),
            (418, ErrorKind::UnexpectedStatus),
            (302, ErrorKind::UnexpectedStatus),
        ];
        for (code, kind) in cases {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(ErrorKind::from_status(status), kind, "{code}");
        }
    }

    #[test]
    fn api_error_body_is_parsed() {
        let body = br#"{"message":"Person 'Simpson' not found","error_code":404001,"error":"person_not_found"}"#;
        let err = Error::from_parts(StatusCode::NOT_FOUND, HeaderMap::new(), body);
        assert!(err.is_not_found());
        assert_eq!(err.error(), Some("person_not_found"));
        assert_eq!(err.error_code(), Some(404001));
        assert_eq!(err.raw_body_snippet(), None);
        let text = err.to_string();
        assert!(text.contains("Person 'Simpson' not found"), "{text}");
        assert!(text.contains("404"), "{text}");
        assert!(text.contains("person_not_found"), "{text}");
    }

    #[test]
    fn html_body_keeps_kind_and_a_bounded_snippet() {
        let mut body = b"<html><body>Bad gateway</body></html>".to_vec();
        body.extend(std::iter::repeat_n(b'x', 4096));
        let err = Error::from_parts(StatusCode::BAD_GATEWAY, HeaderMap::new(), &body);
        assert_eq!(err.kind(), ErrorKind::Server);
        assert!(err.is_retryable());
        let snippet = err.raw_body_snippet().unwrap();
        assert!(snippet.starts_with("<html>"));
        assert!(snippet.len() <= SNIPPET_LIMIT);
    }

    #[test]
    fn snippet_of_split_utf8_is_lossy_not_a_panic() {
        let mut body = vec![b'a'; SNIPPET_LIMIT - 1];
        body.extend("é".as_bytes());
        let err = Error::from_parts(StatusCode::INTERNAL_SERVER_ERROR, HeaderMap::new(), &body);
        assert_eq!(
            err.raw_body_snippet().unwrap(),
            "a".repeat(SNIPPET_LIMIT - 1)
        );
        let err = Error::from_parts(StatusCode::BAD_GATEWAY, HeaderMap::new(), &[0xFF; 600]);
        assert!(err.raw_body_snippet().unwrap().starts_with('\u{FFFD}'));
    }

    #[test]
    fn empty_503_is_unavailable() {
        let err = Error::from_parts(StatusCode::SERVICE_UNAVAILABLE, HeaderMap::new(), b"");
        assert!(err.is_unavailable());
        assert!(err.api_error().is_none());
        assert!(err.raw_body_snippet().is_none());
        assert!(err.to_string().contains("503"));
    }

    #[test]
    fn oauth_errors_are_auth() {
        let body =
            br#"{"error":"invalid_client","error_description":"Client authentication failed."}"#;
        let err = Error::from_token_response(StatusCode::UNAUTHORIZED, HeaderMap::new(), body);
        assert!(err.is_auth());
        assert_eq!(
            err.token_endpoint_error().map(TokenEndpointError::code),
            Some("invalid_client")
        );
        assert!(err.to_string().contains("invalid_client"));
        let err =
            Error::from_token_response(StatusCode::SERVICE_UNAVAILABLE, HeaderMap::new(), b"");
        assert!(err.is_unavailable());
    }

    #[test]
    fn invalid_token_is_recognised_by_body_or_challenge() {
        let body = br#"{"message":"expired","error_code":401002,"error":"invalid_token"}"#;
        let err = Error::from_parts(StatusCode::UNAUTHORIZED, HeaderMap::new(), body);
        assert!(err.is_invalid_token());
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static(r#"Bearer realm="people", error="invalid_token""#),
        );
        let err = Error::from_parts(StatusCode::UNAUTHORIZED, headers, b"");
        assert!(err.is_invalid_token());
        let body = br#"{"message":"no token","error_code":401001,"error":"missing_token"}"#;
        let err = Error::from_parts(StatusCode::UNAUTHORIZED, HeaderMap::new(), body);
        assert!(!err.is_invalid_token());
    }

    /// The kind of each status, written out from the contract's error table (not computed by
    /// [`ErrorKind::from_status`], which is what is tested).
    fn documented_kind(code: u16) -> ErrorKind {
        match code {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            405 => ErrorKind::MethodNotAllowed,
            406 => ErrorKind::NotAcceptable,
            409 => ErrorKind::Conflict,
            410 => ErrorKind::Gone,
            412 => ErrorKind::PreconditionFailed,
            413 => ErrorKind::PayloadTooLarge,
            415 => ErrorKind::UnsupportedMediaType,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            503 => ErrorKind::Unavailable,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::UnexpectedStatus,
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_seed::config(200))]

        #[test]
        fn any_error_response_is_classified_without_panicking(
            code in proptest::prop_oneof![
                proptest::sample::select(vec![
                    400u16, 401, 403, 404, 405, 406, 409, 410, 412, 413, 415, 422, 429, 500, 502,
                    503, 504,
                ]),
                300u16..600,
            ],
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            retry_after in "\\PC{0,40}",
        ) {
            let status = StatusCode::from_u16(code).unwrap();
            let mut headers = HeaderMap::new();
            if let Ok(v) = http::HeaderValue::from_str(&retry_after) {
                headers.insert(http::header::RETRY_AFTER, v);
            }
            let err = Error::from_parts(status, headers.clone(), &body);
            proptest::prop_assert_eq!(err.kind(), documented_kind(code));
            proptest::prop_assert_eq!(err.status(), Some(status));
            if let Some(s) = err.raw_body_snippet() {
                proptest::prop_assert!(s.len() <= SNIPPET_LIMIT);
            }
            let _ = (err.to_string(), format!("{err:?}"), err.is_retryable(), err.is_invalid_token());
            let token_err = Error::from_token_response(status, headers, &body);
            let token_kind = match code {
                429 | 500..=599 => documented_kind(code),
                _ => ErrorKind::Auth,
            };
            proptest::prop_assert_eq!(token_err.kind(), token_kind);
            let _ = (token_err.to_string(), format!("{token_err:?}"));
        }
    }

    #[test]
    fn display_is_this_layer_and_source_gives_the_cause() {
        let cause = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "the disk said no");
        let err = Error::io(cause, "cannot read photo.png");
        let text = err.to_string();
        assert!(text.contains("cannot read photo.png"), "{text}");
        assert!(!text.contains("the disk said no"), "{text}");
        let source = std::error::Error::source(&err).expect("the cause");
        assert_eq!(source.to_string(), "the disk said no");
        assert_eq!(
            source.downcast_ref::<std::io::Error>().map(|e| e.kind()),
            Some(std::io::ErrorKind::PermissionDenied)
        );
        // A reporter that prints every layer of the chain shows the cause once.
        let mut chain = vec![text];
        let mut next = std::error::Error::source(&err);
        while let Some(cause) = next {
            chain.push(cause.to_string());
            next = cause.source();
        }
        assert_eq!(chain.join(": ").matches("the disk said no").count(), 1);
        // A duplicate, as handed to the callers that shared a token request, keeps the cause.
        let copy = err.duplicate();
        assert_eq!(copy.to_string(), err.to_string());
        assert_eq!(
            std::error::Error::source(&copy).map(ToString::to_string),
            Some("the disk said no".to_owned())
        );
    }

    #[test]
    fn error_is_small_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
