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
    let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
    let folded: String = decoded
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect();
    NAMES.contains(&folded.as_str()) || PARTS.iter().any(|part| folded.contains(part))
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
}
