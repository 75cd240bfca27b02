//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::future::Future;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use people_mock::{PeopleMock, PeopleMockBuilder};
use people_sdk::{Client, ClientBuilder, ClientCredentials};
use sha2::{Digest, Sha256};

/// The keys of the contract that must round-trip through every route.
pub const UNICODE_KEYS: [&str; 5] = ["O'Brien", "Lévi-Strauss", "van der Berg", "100%", "李"];

/// A mock builder with room for the load of the tests: a high rate limit and a long journal.
pub fn mock_builder() -> PeopleMockBuilder {
    PeopleMock::builder()
        .rate_limit(1_000_000, Duration::from_secs(60))
        .journal(20_000)
}

/// A mock with the seed data and room for load.
pub async fn mock() -> PeopleMock {
    mock_builder().start().await
}

/// A client builder for the mock, with the demo client's credentials.
pub fn client_builder(mock: &PeopleMock) -> ClientBuilder {
    Client::builder()
        .base_url(mock.base_url())
        .client_credentials(mock.client_id(), mock.client_secret())
}

/// A client for the mock, with the demo client's credentials.
pub fn client(mock: &PeopleMock) -> Client {
    client_builder(mock).build().expect("client")
}

/// A token source for the mock's token endpoint, with the demo client's credentials.
pub fn credentials(mock: &PeopleMock) -> ClientCredentials {
    ClientCredentials::builder(
        mock.base_url().join("oauth/token").unwrap(),
        mock.client_id(),
        mock.client_secret(),
    )
    .build()
    .unwrap()
}

/// A wiremock mock for `POST /api/v1/oauth/token`, to be given its matchers and answer.
pub fn token_endpoint() -> wiremock::MockBuilder {
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/api/v1/oauth/token"))
}

/// Fails the test instead of hanging when `f` takes more than 60 s.
pub async fn within<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("the test took too long")
}

/// `len` bytes that are a PNG as far as the server can tell: the signature, then noise.
pub fn png(len: usize) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut rng = fastrand::Rng::with_seed(len as u64);
    while out.len() < len {
        out.push(rng.u8(..));
    }
    out.truncate(len.max(8));
    out
}

/// `len` bytes of noise.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..len).map(|_| rng.u8(..)).collect()
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lowercase hex SHA-256 of a file, read in chunks.
pub fn sha256_file(path: &std::path::Path) -> String {
    use std::io::Read;
    let mut file = std::fs::File::open(path).expect("open");
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hex::encode(hasher.finalize())
}

/// A file of `len` bytes of noise in `dir`.
pub fn noise_file(dir: &std::path::Path, name: &str, len: usize, seed: u64) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).expect("create");
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut left = len;
    let mut buf = vec![0u8; 64 * 1024];
    while left > 0 {
        let n = left.min(buf.len());
        buf[..n].iter_mut().for_each(|b| *b = rng.u8(..));
        file.write_all(&buf[..n]).expect("write");
        left -= n;
    }
    path
}

/// Everything `tracing` writes while the guard lives, at every level.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Installs, once per test binary, a global subscriber that records everything at TRACE,
    /// and returns its buffer.
    ///
    /// Global rather than per-thread: tracing caches whether a call site is enabled, and with a
    /// thread-local subscriber a call site first reached by another test's thread (with no
    /// subscriber) could stay disabled, so the capture would miss spans at random.
    pub fn install() -> LogCapture {
        LogCapture::install_filtered("trace")
    }

    /// Like [`install`](Self::install), for what the `EnvFilter` directives let through (e.g.
    /// `people_sdk=trace`). Spans are written when they open and when they close, each time with
    /// every field recorded so far. The first call of a test binary decides the filter.
    pub fn install_filtered(directives: &str) -> LogCapture {
        static CAPTURE: std::sync::OnceLock<LogCapture> = std::sync::OnceLock::new();
        CAPTURE
            .get_or_init(|| {
                let capture = LogCapture::default();
                let writer = capture.clone();
                let subscriber = tracing_subscriber::fmt()
                    .with_env_filter(tracing_subscriber::EnvFilter::new(directives))
                    .with_span_events(
                        tracing_subscriber::fmt::format::FmtSpan::NEW
                            | tracing_subscriber::fmt::format::FmtSpan::CLOSE,
                    )
                    .with_ansi(false)
                    .with_writer(move || writer.clone())
                    .finish();
                tracing::subscriber::set_global_default(subscriber)
                    .expect("no other global subscriber in this test binary");
                capture
            })
            .clone()
    }

    /// What was written.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
