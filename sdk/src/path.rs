//! Path segments that reach the server as they were given.
//!
//! URL parsers change the paths they are handed (the WHATWG URL standard, which the url crate
//! follows): they resolve the segments `.` and `..` (also written `%2E`), drop tabs and
//! newlines, and read `\` as `/` in `http` and `https` URLs. A key or an id holding one of those
//! would reach another route. So every byte of a segment but the unreserved characters of RFC
//! 3986 (letters, digits, `-`, `.`, `_`, `~`) is percent-encoded, which leaves a parser nothing
//! to change, and `.` and `..`, which no encoding can carry, are refused before a URL is built.
//! Every path the SDK sends is built by [`Client::url`](crate::Client) with [`push_segment`].

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What is percent-encoded in a path segment: everything but the unreserved characters.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `segment` to `out`, percent-encoded so that a URL parser keeps it as it is (`.` and
/// `..` aside: see [`is_dot_segment`]).
pub(crate) fn push_segment(out: &mut String, segment: &str) {
    out.extend(utf8_percent_encode(segment, PATH_SEGMENT));
}

/// Whether a path segment is one that URL parsers resolve instead of sending (`.` or `..`;
/// `%` is always encoded, so `%2E` in a name never reaches a URL as a dot).
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    matches!(segment, "." | "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parser_keeps_every_encoded_segment() {
        let base = url::Url::parse("http://h/api/v1/people/").unwrap();
        for segment in [
            "O'Brien",
            "a\\b",
            "tab\there",
            "cr\rlf\n",
            "%2E",
            "%2e%2E",
            ".%2e",
            "...",
            "a?b#c",
            "100%",
            "李",
            " ",
            "a/b",
        ] {
            let mut encoded = String::new();
            push_segment(&mut encoded, segment);
            let url = base.join(&encoded).unwrap();
            let last = url.path_segments().unwrap().next_back().unwrap();
            assert_eq!(last, encoded, "{segment:?}");
            let decoded = percent_encoding::percent_decode_str(last)
                .decode_utf8()
                .unwrap();
            assert_eq!(decoded, segment);
        }
        assert!(is_dot_segment(".") && is_dot_segment(".."));
        assert!(!is_dot_segment("...") && !is_dot_segment("%2E"));
    }
}
