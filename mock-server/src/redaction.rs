//! Which header and query parameter names carry credentials, for the journal.
//!
//! A name is compared in lower case with `-` and `_` left out, after percent-decoding (so
//! `API-Key`, `api_key`, `apikey` and `%61pi_key` are one name): it is a credential when it is
//! one of [`NAMES`] or contains one of [`PARTS`].

/// Credential names, lower case, without `-` and `_`.
const NAMES: [&str; 18] = [
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "code",
    "jwt",
    "key",
    "apikey",
    "xapikey",
    "idtoken",
    "clientassertion",
    "assertion",
    "codeverifier",
    "signature",
    "sig",
    "pass",
    "pwd",
    "auth",
];

/// Parts that make any name a credential: `x-auth-token`, `x-amz-security-token`,
/// `client_secret`, `sessionid`, `password`…
const PARTS: [&str; 7] = [
    "token",
    "secret",
    "session",
    "sessid",
    "passw",
    "apikey",
    "credential",
];

/// Whether a header or parameter named `name` (percent-encoded or not) carries a credential.
pub(crate) fn is_secret(name: &str) -> bool {
    // Header names are short ASCII without `%`: folded on the stack, without decoding.
    let mut buffer = [0u8; 64];
    if name.len() <= buffer.len() && name.bytes().all(|b| b.is_ascii() && b != b'%') {
        let mut len = 0;
        for b in name.bytes().filter(|b| !matches!(b, b'-' | b'_')) {
            buffer[len] = b.to_ascii_lowercase();
            len += 1;
        }
        // ASCII bytes in, ASCII bytes out.
        let folded = std::str::from_utf8(&buffer[..len]).unwrap_or_default();
        return is_credential(folded);
    }
    is_credential(&fold(name))
}

/// `name` percent-decoded, in lower case, without `-` and `_`.
fn fold(name: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
    decoded
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a folded name (lower case, without `-` and `_`) is a credential's.
fn is_credential(folded: &str) -> bool {
    NAMES.contains(&folded) || PARTS.iter().any(|part| folded.contains(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_any_spelling() {
        for name in [
            "Authorization",
            "cookie",
            "X-Auth-Token",
            "x-access-token",
            "Api-Key",
            "X-API-KEY",
            "X-Amz-Security-Token",
            "access_token",
            "refresh_token",
            "id_token",
            "ID_TOKEN",
            "%69d_token",
            "client_secret",
            "client_assertion",
            "api_key",
            "apikey",
            "secret",
            "jwt",
            "session",
            "PHPSESSID",
            "code",
            "password",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in [
            "page",
            "per_page",
            "sortby",
            "order",
            "fname",
            "lname",
            "accept",
            "content-type",
            "host",
            "user-agent",
            "x-request-id",
        ] {
            assert!(!is_secret(name), "{name}");
        }
    }

    /// The stack-folded path answers as decoding and folding through `String` does.
    #[test]
    fn the_ascii_path_agrees_with_the_general_one() {
        let general = |name: &str| is_credential(&fold(name));
        let mut rng = fastrand::Rng::with_seed(0x7ed);
        let alphabet = b"aAcCdeEhiIkKnNoOpPsStTwWyY-_0x";
        for len in (0..20).chain([63, 64, 65, 100]) {
            for _ in 0..200 {
                let name: String = (0..len)
                    .map(|_| char::from(alphabet[rng.usize(..alphabet.len())]))
                    .collect();
                assert_eq!(is_secret(&name), general(&name), "{name:?}");
            }
        }
        let long = format!("{}token", "x".repeat(70));
        assert!(is_secret(&long), "a long name takes the general path");
        assert!(is_secret("Tök-token"), "a non-ASCII name too");
    }
}
