//! Media types of request bodies (RFC 9110 section 8.3.1), parsed with the `mime` crate.
//!
//! `mime` refuses white space before a `;` and empty parameters, which the RFC's grammar allows
//! (`parameters = *( OWS ";" OWS [ parameter ] )`): the text is put in the form `mime` reads
//! first.

use http::HeaderMap;
use http::header::CONTENT_TYPE;
use mime::Mime;

/// `text` with white space around each `;` removed and empty parameters dropped; a `;` inside
/// a quoted string is left alone.
fn normalize(text: &str) -> String {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                pieces.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(text[start..].trim());
    let mut pieces = pieces.into_iter();
    let mut out = pieces.next().unwrap_or_default().to_string();
    for piece in pieces.filter(|p| !p.is_empty()) {
        out.push_str("; ");
        out.push_str(piece);
    }
    out
}

/// The request's `Content-Type`, parsed; `None` when absent or malformed.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<Mime> {
    let text = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    normalize(text).parse().ok()
}

/// Whether a text body of this type is UTF-8: no `charset`, or `utf-8` in any case, quoted or
/// not.
pub(crate) fn is_utf8(mime: &Mime) -> bool {
    mime.get_param(mime::CHARSET).is_none_or(|charset| {
        charset
            .as_str()
            .trim_matches('"')
            .eq_ignore_ascii_case("utf-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn parse(text: &str) -> Option<Mime> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(text).unwrap());
        content_type(&headers)
    }

    #[test]
    fn white_space_and_empty_parameters() {
        let mime = parse("application/json ; charset=utf-8").unwrap();
        assert_eq!(mime.essence_str(), "application/json");
        assert!(parse("  application/json;;charset=UTF-8 ;").is_some());
        let multipart = parse(r#"multipart/form-data ; boundary="a;b""#).unwrap();
        assert_eq!(
            multipart
                .get_param("boundary")
                .unwrap()
                .as_str()
                .trim_matches('"'),
            "a;b"
        );
        assert!(parse("application").is_none());
    }

    #[test]
    fn utf8_charsets() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=UTF-8",
            r#"application/json; charset="utf-8""#,
        ] {
            assert!(is_utf8(&parse(ok).unwrap()), "{ok}");
        }
        for bad in [
            "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16",
            "application/json; charset=utf8",
        ] {
            assert!(!is_utf8(&parse(bad).unwrap()), "{bad}");
        }
    }
}
