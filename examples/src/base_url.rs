//! A base URL as typed: `localhost:8080/api/v1` works like `http://localhost:8080/api/v1`.
//!
//! A URL without a scheme gets `http://` when its host is a loopback one (`localhost`,
//! `127.0.0.1`, `[::1]`), as xh does: nothing leaves the machine, so plain HTTP is what a local
//! server speaks. Any other host without a scheme is a usage error that shows the `https://`
//! form, rather than a guess that might send credentials in the clear.

use crate::failure::Failure;

/// `text` with a scheme, or the usage error that says which to add.
pub fn with_scheme(text: &str) -> Result<String, Failure> {
    let text = text.trim();
    if text.contains("://") {
        return Ok(text.to_owned());
    }
    let authority = text.split('/').next().unwrap_or_default();
    if is_loopback(host_of(authority)) {
        return Ok(format!("http://{text}"));
    }
    Err(Failure::Usage(format!(
        "--base-url '{text}' has no scheme: give https://{text} (or http:// for a server that \
         speaks plain HTTP)"
    )))
}

/// The host of `host[:port]` or `[v6][:port]`.
fn host_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::with_scheme;

    #[test]
    fn loopback_hosts_get_http() {
        for (typed, full) in [
            ("localhost:8080/api/v1", "http://localhost:8080/api/v1"),
            ("127.0.0.1:9/api/v1", "http://127.0.0.1:9/api/v1"),
            ("[::1]:8080", "http://[::1]:8080"),
            ("https://example.com/api/v1", "https://example.com/api/v1"),
        ] {
            assert_eq!(with_scheme(typed).expect("accepted"), full);
        }
    }

    #[test]
    fn other_hosts_need_a_scheme() {
        let Err(failure) = with_scheme("example.com/api/v1") else {
            panic!("a remote host without a scheme is refused");
        };
        assert_eq!(failure.exit_code(), 2);
        assert!(failure.to_string().contains("https://example.com/api/v1"));
    }
}
