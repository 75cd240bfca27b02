//! The JSON error body of the API and the constructors for every error code.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use serde::Serialize;

/// One field-level problem in an error's `details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    /// The field, query parameter, part or limit the problem concerns.
    pub field: String,
    /// What is wrong with it, for people.
    pub message: String,
}

impl Detail {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Serialize)]
struct Body_<'a> {
    message: &'a str,
    error_code: u32,
    error: &'a str,
    #[serde(skip_serializing_if = "<[Detail]>::is_empty")]
    details: &'a [Detail],
}

/// An API error: a status, a stable machine code and a message, rendered as
/// `{"message", "error_code", "error", "details"?}`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) code: u32,
    pub(crate) message: String,
    pub(crate) details: Vec<Detail>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        error: &'static str,
        code: u32,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            code,
            message: message.into(),
            details: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn with_details(mut self, details: Vec<Detail>) -> Self {
        self.details = details;
        self
    }

    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    pub(crate) fn invalid_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_json", 400_001, message)
    }

    pub(crate) fn invalid_query(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            400_002,
            format!("Invalid query parameter '{field}': {message}"),
        )
        .with_details(vec![Detail::new(field, message)])
    }

    pub(crate) fn invalid_multipart(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
            400_003,
            message,
        )
    }

    pub(crate) fn invalid_header(header: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_header",
            400_004,
            format!("Invalid {header} header: {message}"),
        )
        .with_details(vec![Detail::new(header, message)])
    }

    pub(crate) fn missing_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "missing_token",
            401_001,
            "An access token is required: send 'Authorization: Bearer <token>'",
        )
        .with_header(http::header::WWW_AUTHENTICATE, r#"Bearer realm="people""#)
    }

    pub(crate) fn invalid_token(description: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            401_002,
            format!("The access token is invalid: {description}"),
        )
        .with_header(
            http::header::WWW_AUTHENTICATE,
            &format!(
                r#"Bearer realm="people", error="invalid_token", error_description="{description}""#
            ),
        )
    }

    pub(crate) fn insufficient_scope(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            403_001,
            format!("The access token lacks the scope '{scope}'"),
        )
        .with_header(
            http::header::WWW_AUTHENTICATE,
            &format!(r#"Bearer realm="people", error="insufficient_scope", scope="{scope}""#),
        )
    }

    pub(crate) fn person_not_found(lname: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "person_not_found",
            404_001,
            format!("Person '{}' not found", printable(lname)),
        )
    }

    pub(crate) fn photo_not_found(lname: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "photo_not_found",
            404_002,
            format!("Person '{}' has no photo", printable(lname)),
        )
    }

    pub(crate) fn attachment_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "attachment_not_found",
            404_003,
            format!("Attachment '{}' not found", printable(id)),
        )
    }

    pub(crate) fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            404_004,
            "No route matches this path",
        )
    }

    pub(crate) fn method_not_allowed(allow: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            405_001,
            format!("Method not allowed here; allowed: {allow}"),
        )
        .with_header(http::header::ALLOW, allow)
    }

    pub(crate) fn not_acceptable() -> Self {
        Self::new(
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
            406_001,
            "This resource is only available as application/json",
        )
    }

    pub(crate) fn person_exists(lname: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "person_exists",
            409_001,
            format!("Person '{}' already exists", printable(lname)),
        )
        .with_details(vec![Detail::new("lname", "already taken")])
    }

    pub(crate) fn person_gone(lname: &str) -> Self {
        Self::new(
            StatusCode::GONE,
            "person_gone",
            410_001,
            format!("Person '{}' was deleted", printable(lname)),
        )
    }

    pub(crate) fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            412_001,
            "If-Match does not match the current ETag",
        )
    }

    pub(crate) fn payload_too_large(limit_name: &str, limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            413_001,
            format!("The body exceeds the {limit_name} of {limit} bytes"),
        )
        .with_details(vec![Detail::new(
            limit_name,
            format!("at most {limit} bytes"),
        )])
    }

    pub(crate) fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            415_001,
            message,
        )
    }

    pub(crate) fn unsupported_image(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_image",
            415_002,
            message,
        )
    }

    pub(crate) fn validation(details: Vec<Detail>) -> Self {
        let message = match details.first() {
            Some(first) if details.len() == 1 => {
                format!("Validation failed: {}: {}", first.field, first.message)
            }
            _ => "Validation failed".to_string(),
        };
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            422_001,
            message,
        )
        .with_details(details)
    }

    pub(crate) fn missing_file(part: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_file",
            422_002,
            format!("The upload has no part named '{part}'"),
        )
        .with_details(vec![Detail::new(part, "required")])
    }

    /// A request line or header field hyper could not parse (see [`crate::wire_errors`]).
    pub(crate) fn malformed_request() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            400_006,
            "The request line or a header field is not valid HTTP/1.1",
        )
    }

    /// A request target longer than `max` bytes.
    pub(crate) fn uri_too_long(max: usize) -> Self {
        Self::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            414_001,
            format!("The request target is longer than {max} bytes"),
        )
    }

    /// More than `max_fields` header fields, or more than `max_bytes` of them.
    pub(crate) fn headers_too_large(max_fields: usize, max_bytes: usize) -> Self {
        Self::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            431_001,
            format!(
                "The request has more than {max_fields} header fields or more than \
                 {max_bytes} bytes of them"
            ),
        )
    }

    /// No injected fault has this id.
    pub(crate) fn fault_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "fault_not_found",
            404_005,
            format!("No fault with id '{}'", printable(id)),
        )
    }

    /// A request to move the clock of a server that runs on the system clock.
    pub(crate) fn clock_not_manual() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "clock_not_manual",
            409_002,
            crate::clock::ClockError::NotManual.to_string(),
        )
    }

    /// The admin surface needs the admin token, which the request lacks or gets wrong.
    pub(crate) fn admin_token_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "admin_token_required",
            401_003,
            "The admin surface needs 'Authorization: Bearer <admin token>'",
        )
        .with_header(
            http::header::WWW_AUTHENTICATE,
            r#"Bearer realm="people-mock-admin""#,
        )
    }

    /// 403 for a page whose origin may not make this request.
    pub(crate) fn origin_refused(origin: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "origin_refused",
            403_002,
            format!(
                "Requests from pages on '{}' are not allowed here",
                printable(origin)
            ),
        )
    }

    /// A missing, repeated or malformed `Host`.
    pub(crate) fn invalid_host(message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_host", 400_005, message)
    }

    /// A `Host` this server does not answer to.
    pub(crate) fn host_not_allowed(host: &str) -> Self {
        Self::new(
            StatusCode::MISDIRECTED_REQUEST,
            "host_not_allowed",
            421_001,
            format!(
                "This server does not answer to the name '{}'; start it with --allowed-host NAME",
                printable(host)
            ),
        )
    }

    /// A connection over the cap, refused before any request is read.
    pub(crate) fn too_many_connections() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_connections",
            503_002,
            "The server is serving as many connections as it may; try again",
        )
        .with_header(http::header::RETRY_AFTER, "1")
    }

    /// The server cannot answer this now.
    pub(crate) fn service_unavailable(message: &str) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            503_001,
            message,
        )
    }

    pub(crate) fn rate_limited(retry_after: u64) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            429_001,
            format!("Rate limit exceeded; retry in {retry_after} s"),
        )
        .with_header(http::header::RETRY_AFTER, &retry_after.to_string())
    }

    /// The error of an injected status fault.
    pub(crate) fn injected(status: StatusCode) -> Self {
        match status.as_u16() {
            500 => Self::new(
                status,
                "internal_error",
                500_001,
                "Internal error (injected fault)",
            ),
            503 => Self::new(
                status,
                "service_unavailable",
                503_001,
                "Service unavailable (injected fault)",
            ),
            429 => Self::new(
                status,
                "rate_limited",
                429_001,
                "Rate limit exceeded (injected fault)",
            ),
            code => Self::new(
                status,
                "injected_fault",
                u32::from(code) * 1000 + 999,
                format!("Injected fault with status {code}"),
            ),
        }
    }

    /// The JSON body of this error.
    pub(crate) fn body_json(&self) -> Vec<u8> {
        let body = Body_ {
            message: &self.message,
            error_code: self.code,
            error: self.error,
            details: &self.details,
        };
        serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec())
    }
}

impl ApiError {
    /// This error as a whole HTTP/1.1 response that closes its connection, for the answers the
    /// server writes on the socket itself, outside hyper (a refused connection, hyper's own
    /// answers rewritten): its headers, then `connection: close` and `date` when given.
    pub(crate) fn http1_bytes(&self, date: Option<&str>) -> Vec<u8> {
        let body = self.body_json();
        let mut head = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or_default(),
            body.len(),
        );
        for (name, value) in &self.headers {
            head.push_str(name.as_str());
            head.push_str(": ");
            head.push_str(value.to_str().unwrap_or_default());
            head.push_str("\r\n");
        }
        head.push_str("connection: close\r\n");
        if let Some(date) = date {
            head.push_str("date: ");
            head.push_str(date);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        [head.into_bytes(), body].concat()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body_json();
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }
}

/// A name made safe for a message: control characters are escaped and the length is capped.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i >= 100 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An OAuth 2.0 error response (RFC 6749 section 5.2) for the token endpoint.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = serde_json::json!({ "error": error, "error_description": description });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    headers.insert(http::header::PRAGMA, HeaderValue::from_static("no-cache"));
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Basic realm="people""#),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_contract_shape() {
        let err = ApiError::person_exists("Farrell");
        let value: serde_json::Value = serde_json::from_slice(&err.body_json()).unwrap();
        assert_eq!(value["error"], "person_exists");
        assert_eq!(value["error_code"], 409_001);
        assert_eq!(value["message"], "Person 'Farrell' already exists");
        assert_eq!(value["details"][0]["field"], "lname");
    }

    #[test]
    fn details_omitted_when_empty() {
        let err = ApiError::not_acceptable();
        let value: serde_json::Value = serde_json::from_slice(&err.body_json()).unwrap();
        assert!(value.get("details").is_none());
    }

    #[test]
    fn injected_codes() {
        assert_eq!(
            ApiError::injected(StatusCode::SERVICE_UNAVAILABLE).code,
            503_001
        );
        assert_eq!(
            ApiError::injected(StatusCode::INTERNAL_SERVER_ERROR).code,
            500_001
        );
        assert_eq!(ApiError::injected(StatusCode::BAD_GATEWAY).code, 502_999);
    }

    #[test]
    fn printable_escapes_controls() {
        assert_eq!(printable("a\nb"), "a\\nb");
        assert_eq!(printable(&"x".repeat(200)).chars().count(), 101);
    }
}
