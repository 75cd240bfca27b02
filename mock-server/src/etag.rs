//! `If-Match` (RFC 9110 section 13.1.1) with strong comparison.

use http::HeaderMap;
use http::header::IF_MATCH;

use crate::errors::ApiError;

/// `bytes` in lower-case hex between double quotes.
pub(crate) fn quoted_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2 + 2);
    text.push('"');
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text.push('"');
    text
}

/// The ETag of a stored file: its SHA-256 (lower-case hex) between double quotes.
pub(crate) fn of_sha256(hex: &str) -> String {
    format!("\"{hex}\"")
}

/// A parsed `If-Match` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IfMatch {
    /// `*`: any current representation.
    Any,
    /// A list of entity tags, each with its weak flag and its quoted value.
    Tags(Vec<(bool, String)>),
}

impl IfMatch {
    /// Strong comparison: weak tags never match.
    pub(crate) fn matches(&self, current: &str) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => tags.iter().any(|(weak, tag)| !weak && tag == current),
        }
    }
}

/// Reads every `If-Match` header of a request; `None` when there is none.
pub(crate) fn parse_if_match(headers: &HeaderMap) -> Result<Option<IfMatch>, ApiError> {
    let mut values = Vec::new();
    for value in headers.get_all(IF_MATCH) {
        let text = value
            .to_str()
            .map_err(|_| ApiError::invalid_header("If-Match", "not visible ASCII"))?;
        values.push(text.to_string());
    }
    if values.is_empty() {
        return Ok(None);
    }
    let joined = values.join(",");
    parse_list(&joined)
        .map(Some)
        .ok_or_else(|| ApiError::invalid_header("If-Match", "expected * or a list of entity tags"))
}

fn parse_list(text: &str) -> Option<IfMatch> {
    let trimmed = text.trim();
    if trimmed == "*" {
        return Some(IfMatch::Any);
    }
    let mut tags = Vec::new();
    let mut rest = trimmed;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            break;
        }
        let (weak, after) = match rest.strip_prefix("W/") {
            Some(after) => (true, after),
            None => (false, rest),
        };
        let inner = after.strip_prefix('"')?;
        let end = inner.find('"')?;
        let opaque = &inner[..end];
        if opaque.chars().any(|c| c.is_control()) {
            return None;
        }
        tags.push((weak, format!("\"{opaque}\"")));
        rest = &inner[end + 1..];
        let next = rest.trim_start_matches([' ', '\t']);
        if !(next.is_empty() || next.starts_with(',')) {
            return None;
        }
        rest = next;
    }
    if tags.is_empty() {
        None
    } else {
        Some(IfMatch::Tags(tags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_star_and_lists() {
        assert_eq!(parse_list("*"), Some(IfMatch::Any));
        let list = parse_list(r#""a", W/"b" ,"c""#).unwrap();
        assert!(list.matches("\"a\""));
        assert!(!list.matches("\"b\""));
        assert!(list.matches("\"c\""));
        assert!(!list.matches("\"d\""));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_list("abc"), None);
        assert_eq!(parse_list("\"a"), None);
        assert_eq!(parse_list("\"a\" x"), None);
        assert_eq!(parse_list(""), None);
        assert_eq!(parse_list("*, \"a\""), None);
    }
}
