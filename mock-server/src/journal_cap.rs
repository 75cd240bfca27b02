//! Caps on what one journal entry keeps of a request: a header value or a query string longer
//! than [`MAX_VALUE_BYTES`] is cut there, and the entry says it was cut. A client cannot make
//! the journal hold more of a request than this, however large the headers it sends.

/// The most bytes of one header value, or of the query string, that a journal entry keeps.
pub const MAX_VALUE_BYTES: usize = 4096;

/// `bytes` as text, cut to at most [`MAX_VALUE_BYTES`] (at a character boundary when the bytes
/// are UTF-8); `true` when something was cut.
pub(crate) fn capped_text(bytes: &[u8]) -> (String, bool) {
    if bytes.len() <= MAX_VALUE_BYTES {
        return (String::from_utf8_lossy(bytes).into_owned(), false);
    }
    let mut cut = MAX_VALUE_BYTES;
    // A character split by the cut is left out whole rather than replaced by U+FFFD.
    if let Err(err) = std::str::from_utf8(&bytes[..cut])
        && err.error_len().is_none()
    {
        cut = err.valid_up_to();
    }
    (String::from_utf8_lossy(&bytes[..cut]).into_owned(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_kept_whole() {
        assert_eq!(capped_text(b"abc"), ("abc".to_string(), false));
        let exact = "x".repeat(MAX_VALUE_BYTES);
        assert_eq!(capped_text(exact.as_bytes()), (exact, false));
    }

    #[test]
    fn long_values_are_cut_and_flagged() {
        let long = "y".repeat(MAX_VALUE_BYTES * 100);
        let (text, cut) = capped_text(long.as_bytes());
        assert!(cut);
        assert_eq!(text.len(), MAX_VALUE_BYTES);
        // A two-byte character straddling the cut is left out, not mangled.
        let straddling = format!("{}é{}", "z".repeat(MAX_VALUE_BYTES - 1), "z".repeat(10));
        let (text, cut) = capped_text(straddling.as_bytes());
        assert!(cut);
        assert_eq!(text, "z".repeat(MAX_VALUE_BYTES - 1));
    }
}
