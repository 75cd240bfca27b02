//! `Accept` and `Content-Type` checks.

use http::HeaderMap;
use http::header::ACCEPT;
#[cfg(test)]
use http::header::CONTENT_TYPE;

use crate::errors::ApiError;

/// 406 unless `Accept` is absent or allows `application/json` with q > 0.
///
/// The most specific matching range decides (`application/json` over
/// `application/*` over `*/*`); entries that do not parse are ignored, and a
/// header with no usable entry counts as absent.
pub(crate) fn require_json_accept(headers: &HeaderMap) -> Result<(), ApiError> {
    let mut best: Option<(u8, f32)> = None;
    let mut any_valid = false;
    for value in headers.get_all(ACCEPT) {
        let Ok(text) = value.to_str() else { continue };
        for entry in text.split(',') {
            let mut parts = entry.split(';');
            let range = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let Some((kind, sub)) = range.split_once('/') else {
                continue;
            };
            if kind.is_empty() || sub.is_empty() {
                continue;
            }
            any_valid = true;
            let mut q = 1.0f32;
            for param in parts {
                if let Some((name, val)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("q")
                {
                    q = val.trim().parse::<f32>().unwrap_or(1.0).clamp(0.0, 1.0);
                }
            }
            let specificity = match (kind, sub) {
                ("application", "json") => 3,
                ("application", "*") => 2,
                ("*", "*") => 1,
                _ => continue,
            };
            match best {
                Some((s, bq)) if s > specificity || (s == specificity && bq >= q) => {}
                _ => best = Some((specificity, q)),
            }
        }
    }
    if !any_valid {
        return Ok(());
    }
    match best {
        Some((_, q)) if q > 0.0 => Ok(()),
        _ => Err(ApiError::not_acceptable()),
    }
}

/// The lower-case essence (`type/subtype`) of the request's `Content-Type`.
pub(crate) fn content_type_essence(headers: &HeaderMap) -> Option<String> {
    let mime = crate::media_type::content_type(headers)?;
    Some(mime.essence_str().to_ascii_lowercase())
}

/// 415 unless the request's `Content-Type` is one of `allowed`, in UTF-8.
pub(crate) fn require_content_type(headers: &HeaderMap, allowed: &[&str]) -> Result<(), ApiError> {
    let mime = crate::media_type::content_type(headers);
    if let Some(mime) = &mime
        && !crate::media_type::is_utf8(mime)
    {
        return Err(ApiError::unsupported_media_type(
            "JSON bodies must be UTF-8: leave out the charset or say charset=utf-8",
        ));
    }
    match mime.map(|m| m.essence_str().to_ascii_lowercase()) {
        Some(essence) if allowed.contains(&essence.as_str()) => Ok(()),
        Some(essence) => Err(ApiError::unsupported_media_type(format!(
            "Content-Type '{essence}' is not accepted here; use {}",
            allowed.join(" or ")
        ))),
        None => Err(ApiError::unsupported_media_type(format!(
            "A Content-Type of {} is required",
            allowed.join(" or ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn accept(value: &str) -> Result<(), ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(value).unwrap());
        require_json_accept(&headers)
    }

    #[test]
    fn accept_rules() {
        assert!(require_json_accept(&HeaderMap::new()).is_ok());
        assert!(accept("application/json").is_ok());
        assert!(accept("application/json; charset=utf-8").is_ok());
        assert!(accept("text/html, application/*;q=0.5").is_ok());
        assert!(accept("*/*").is_ok());
        assert!(accept("text/html").is_err());
        assert!(accept("application/json;q=0").is_err());
        assert!(accept("application/json;q=0, */*").is_err());
        assert!(accept("application/xml").is_err());
        assert!(accept("garbage").is_ok());
    }

    #[test]
    fn content_type_rules() {
        let mut headers = HeaderMap::new();
        assert!(require_content_type(&headers, &["application/json"]).is_err());
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("Application/JSON; charset=utf-8"),
        );
        assert!(require_content_type(&headers, &["application/json"]).is_ok());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(require_content_type(&headers, &["application/json"]).is_err());
    }
}
