//! The mock server `people` starts in-process when no base URL is given (feature
//! `embedded-mock`), keeping its state in a directory (see [`state`](crate::state)) so that
//! one run of `people` sees what the last one wrote. Built without the feature, `people` needs
//! `--base-url`, and says so.
//!
//! One process at a time holds a state directory; another `people` started meanwhile waits for
//! it, up to [`LOCK_WAIT`](with_mock::LOCK_WAIT), then gives up with an error saying why.

use std::path::Path;

use crate::failure::Failure;

#[cfg(feature = "embedded-mock")]
pub use with_mock::EmbeddedMock;
#[cfg(not(feature = "embedded-mock"))]
pub use without_mock::EmbeddedMock;

#[cfg(feature = "embedded-mock")]
mod with_mock {
    use std::time::{Duration, Instant};

    use people_mock::{Fault, PeopleMock, StateError};

    use super::{Failure, Path};

    /// The longest `people` waits for another process to let go of the state directory.
    pub const LOCK_WAIT: Duration = Duration::from_secs(30);
    /// How often it looks again meanwhile.
    const LOCK_POLL: Duration = Duration::from_millis(25);

    /// A `people-mock` server on a free loopback port; it stops when dropped.
    pub struct EmbeddedMock(PeopleMock);

    impl EmbeddedMock {
        /// Starts one with the default settings and its state in `state`, waiting (up to
        /// [`LOCK_WAIT`]) while another process holds that directory; says so once on stderr
        /// unless `quiet`.
        pub async fn start(state: &Path, quiet: bool) -> Result<Self, Failure> {
            let deadline = Instant::now() + LOCK_WAIT;
            let mut said = false;
            loop {
                match PeopleMock::builder().state(state).try_start().await {
                    Ok(mock) => return Ok(Self(mock)),
                    Err(err) if is_busy(&err) && Instant::now() < deadline => {
                        if !said && !quiet {
                            eprintln!(
                                "people: waiting for another people using {}",
                                state.display()
                            );
                            said = true;
                        }
                        tokio::time::sleep(LOCK_POLL).await;
                    }
                    Err(err) => {
                        return Err(Failure::Other(format!(
                            "the embedded mock server could not start: {err}"
                        )));
                    }
                }
            }
        }

        /// Puts the seed people back, forgetting every change (written to the state directory
        /// before the server stops).
        pub fn reset(&self) {
            self.0.reset();
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

    /// Whether `err` says another process holds the state directory.
    fn is_busy(err: &std::io::Error) -> bool {
        err.get_ref()
            .and_then(|inner| inner.downcast_ref::<StateError>())
            .is_some_and(StateError::is_busy)
    }
}

#[cfg(not(feature = "embedded-mock"))]
mod without_mock {
    use std::convert::Infallible;

    use super::{Failure, Path};

    /// Never exists in a `people` built without the `embedded-mock` feature.
    pub struct EmbeddedMock(Infallible);

    impl EmbeddedMock {
        /// Always the usage error that asks for a base URL.
        pub async fn start(_state: &Path, _quiet: bool) -> Result<Self, Failure> {
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
        pub fn reset(&self) {
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
