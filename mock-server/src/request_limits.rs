//! Limits on the request head that the server answers with the API's JSON error.
//!
//! hyper answers a head it cannot parse or hold by itself: more than 100 header fields (its
//! default, the same as [`MAX_HEADERS`]), a head past its read buffer, a target past 64 KiB.
//! [`wire_errors`](crate::wire_errors) turns those answers into the same JSON errors as these
//! checks give. hyper's field limit is left at its default on purpose: a higher one makes it
//! allocate and fill an array of that many slots for every request head it parses.

use http::Request;

use crate::errors::ApiError;

/// Longest request target (path and query), in bytes.
pub(crate) const MAX_URI: usize = 8 * 1024;
/// Most header fields in a request.
pub(crate) const MAX_HEADERS: usize = 100;
/// Largest sum of header names and values, in bytes.
pub(crate) const MAX_HEADER_BYTES: usize = 64 * 1024;

/// 414 for a request target over [`MAX_URI`], 431 for headers over [`MAX_HEADERS`] or
/// [`MAX_HEADER_BYTES`].
pub(crate) fn check<B>(req: &Request<B>) -> Result<(), ApiError> {
    let target = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if target > MAX_URI {
        return Err(ApiError::uri_too_long(MAX_URI));
    }
    let headers = req.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Err(ApiError::headers_too_large(MAX_HEADERS, MAX_HEADER_BYTES));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        let long = format!("/api/v1/people?x={}", "a".repeat(MAX_URI));
        let req = Request::get(long).body(()).unwrap();
        assert_eq!(check(&req).unwrap_err().code, 414_001);
        let mut builder = Request::get("/");
        for i in 0..=MAX_HEADERS {
            builder = builder.header(format!("x-h{i}"), "v");
        }
        assert_eq!(check(&builder.body(()).unwrap()).unwrap_err().code, 431_001);
        let big = Request::get("/")
            .header("x-big", "v".repeat(MAX_HEADER_BYTES))
            .body(())
            .unwrap();
        assert_eq!(check(&big).unwrap_err().code, 431_001);
        assert!(check(&Request::get("/").body(()).unwrap()).is_ok());
    }
}
