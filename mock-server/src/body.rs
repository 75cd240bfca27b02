//! Reading a small request body with a limit enforced while reading.

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http_body_util::BodyExt;
use serde_json::{Map, Value};

use crate::errors::{ApiError, Detail};

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// More than the limit (announced by `Content-Length` or seen while reading).
    TooLarge,
    /// The connection failed or the body was malformed.
    Broken,
}

/// The announced `Content-Length`, if any and valid.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Reads the whole body, refusing as soon as it exceeds `limit` bytes.
pub(crate) async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: u64,
) -> Result<Bytes, ReadError> {
    if content_length(headers).is_some_and(|n| n > limit) {
        return Err(ReadError::TooLarge);
    }
    let mut body = body;
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ReadError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if (buf.len() + data.len()) as u64 > limit {
                return Err(ReadError::TooLarge);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

/// Reads a JSON object body of at most `limit` bytes (the JSON limit).
pub(crate) async fn read_json_object(
    limit: u64,
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, ApiError> {
    read_json_object_within((limit, "json_limit"), headers, body).await
}

/// Reads a JSON object body of at most `limit` bytes, the setting named `limit_name`.
pub(crate) async fn read_json_object_within(
    (limit, limit_name): (u64, &str),
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, ApiError> {
    let bytes = read_limited(headers, body, limit)
        .await
        .map_err(|e| match e {
            ReadError::TooLarge => ApiError::payload_too_large(limit_name, limit),
            ReadError::Broken => ApiError::invalid_json("The request body could not be read"),
        })?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid_json(format!("The body is not valid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::invalid_json("The body must be a JSON object")),
    }
}

/// A member that must be a string when present and not null.
pub(crate) fn string_member<'a>(
    map: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, ApiError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid_json(format!("'{name}' must be a string"))
            .with_details(vec![Detail::new(name, "must be a string")])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limit_is_enforced() {
        let headers = HeaderMap::new();
        let ok = read_limited(&headers, Body::from("abc"), 3).await;
        assert_eq!(ok.unwrap(), Bytes::from_static(b"abc"));
        let big = read_limited(&headers, Body::from("abcd"), 3).await;
        assert_eq!(big, Err(ReadError::TooLarge));
        let mut announced = HeaderMap::new();
        announced.insert(CONTENT_LENGTH, "10".parse().unwrap());
        let early = read_limited(&announced, Body::from("a"), 3).await;
        assert_eq!(early, Err(ReadError::TooLarge));
    }
}
