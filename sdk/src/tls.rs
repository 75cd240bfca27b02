//! The TLS backend the crate's features choose, and the one check it needs at run time.
//!
//! With `rustls-no-provider` alone, rustls has no crypto provider compiled in and the program
//! must install one before the first client is built; reqwest panics when it finds none. The
//! SDK checks first, so a missing provider is an [`ErrorKind::Config`](crate::ErrorKind::Config)
//! error from `build()` instead.

use crate::error::Error;

/// Whether TLS is rustls with no provider of its own: `rustls-no-provider` without `rustls`
/// (which compiles aws-lc-rs in) and without `native-tls` (which reqwest prefers when present).
const NEEDS_INSTALLED_PROVIDER: bool = cfg!(all(
    feature = "rustls-no-provider",
    not(feature = "rustls"),
    not(feature = "native-tls")
));

/// `Ok` when an HTTP client can be built: always, unless TLS needs a crypto provider installed
/// by the program and none is.
pub(crate) fn check_crypto_provider() -> Result<(), Error> {
    if NEEDS_INSTALLED_PROVIDER && !provider_installed() {
        return Err(Error::config(
            "TLS is rustls without a crypto provider (feature `rustls-no-provider`) and none is \
             installed: call `rustls::crypto::CryptoProvider::install_default` (e.g. with ring's \
             or aws-lc-rs's provider) before building a client, or enable the `rustls` feature",
        ));
    }
    Ok(())
}

#[cfg(feature = "rustls-no-provider")]
fn provider_installed() -> bool {
    rustls::crypto::CryptoProvider::get_default().is_some()
}

#[cfg(not(feature = "rustls-no-provider"))]
fn provider_installed() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClientCredentials, ErrorKind};

    /// Under `rustls-no-provider` alone no test installs a provider, so building fails cleanly
    /// where reqwest would panic; under every other choice it succeeds.
    #[test]
    fn building_a_client_fails_cleanly_only_without_a_provider() {
        let client = crate::Client::builder()
            .base_url("https://people.example.com")
            .build();
        let credentials =
            ClientCredentials::builder("https://people.example.com/oauth/token", "id", "secret")
                .build();
        if NEEDS_INSTALLED_PROVIDER {
            for err in [client.err().unwrap(), credentials.err().unwrap()] {
                assert_eq!(err.kind(), ErrorKind::Config);
                assert!(err.to_string().contains("install_default"), "{err}");
            }
        } else {
            assert!(client.is_ok() && credentials.is_ok());
        }
    }
}
