//! The mock server `people` starts in-process when no base URL is given (feature
//! `embedded-mock`). Built without the feature, `people` needs `--base-url`, and says so.

use crate::failure::Failure;

#[cfg(feature = "embedded-mock")]
pub use with_mock::EmbeddedMock;
#[cfg(not(feature = "embedded-mock"))]
pub use without_mock::EmbeddedMock;

#[cfg(feature = "embedded-mock")]
mod with_mock {
    use std::time::Duration;

    use people_mock::{Fault, PeopleMock};

    use super::Failure;

    /// A `people-mock` server on a free loopback port; it stops when dropped.
    pub struct EmbeddedMock(PeopleMock);

    impl EmbeddedMock {
        /// Starts one with the default settings.
        pub async fn start() -> Result<Self, Failure> {
            let mock = PeopleMock::builder().try_start().await.map_err(|err| {
                Failure::Other(format!("the embedded mock server could not start: {err}"))
            })?;
            Ok(Self(mock))
        }

        /// Its base URL, e.g. `http://127.0.0.1:PORT/api/v1/`.
        pub fn base_url(&self) -> String {
            self.0.base_url().to_string()
        }

        /// Its demo client's id and secret.
        pub fn credentials(&self) -> (String, String) {
            (
                self.0.client_id().to_owned(),
                self.0.client_secret().to_owned(),
            )
        }

        /// Makes the next `method path` answer `429` with `Retry-After: 1`.
        pub fn rate_limit_once(&self, method: &str, path: &str) {
            self.0.inject(
                Fault::status(429)
                    .retry_after(Duration::from_secs(1))
                    .method(method)
                    .path(path)
                    .times(1),
            );
        }

        /// The statuses the server answered to `method path`, oldest first.
        pub fn statuses(&self, method: &str, path: &str) -> Vec<u16> {
            self.0
                .journal()
                .iter()
                .filter(|entry| entry.method == method && entry.path == path)
                .map(|entry| entry.status)
                .collect()
        }
    }
}

#[cfg(not(feature = "embedded-mock"))]
mod without_mock {
    use std::convert::Infallible;

    use super::Failure;

    /// Never exists in a `people` built without the `embedded-mock` feature.
    pub struct EmbeddedMock(Infallible);

    impl EmbeddedMock {
        /// Always the usage error that asks for a base URL.
        pub async fn start() -> Result<Self, Failure> {
            Err(Failure::Usage(
                "no --base-url given, and this `people` was built without an embedded mock server \
                 (feature `embedded-mock`): give --base-url URL (or PEOPLE_BASE_URL) with \
                 --client-id and --client-secret"
                    .to_owned(),
            ))
        }

        /// Unreachable: there is no value of this type.
        pub fn base_url(&self) -> String {
            match self.0 {}
        }

        /// Unreachable: there is no value of this type.
        pub fn credentials(&self) -> (String, String) {
            match self.0 {}
        }

        /// Unreachable: there is no value of this type.
        pub fn rate_limit_once(&self, _method: &str, _path: &str) {
            match self.0 {}
        }

        /// Unreachable: there is no value of this type.
        pub fn statuses(&self, _method: &str, _path: &str) -> Vec<u16> {
            match self.0 {}
        }
    }
}
