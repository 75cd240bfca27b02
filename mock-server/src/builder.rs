//! [`PeopleMockBuilder`]: every setting of the server, with its default.

use std::net::SocketAddr;
use std::time::Duration;

use crate::auth::{Client, SCOPE_READ, SCOPE_WRITE};
use crate::config::{
    Config, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, READER_CLIENT_ID, READER_CLIENT_SECRET,
};
use crate::state::MockState;

/// Configures and starts a [`PeopleMock`](crate::PeopleMock).
///
/// | setting | default |
/// |---|---|
/// | [`token_ttl`](Self::token_ttl) | 3600 s |
/// | [`refresh_ttl`](Self::refresh_ttl) | 24 h |
/// | [`rate_limit`](Self::rate_limit) | 600 requests per 60 s, per client |
/// | [`photo_limit`](Self::photo_limit) | 5 MiB |
/// | [`attachment_limits`](Self::attachment_limits) | 20 MiB a file, 50 MiB a request |
/// | [`json_limit`](Self::json_limit) | 64 KiB |
/// | clients | `demo-client`/`demo-secret` (`people:read people:write`), `reader`/`reader-secret` (`people:read`) |
/// | [`people`](Self::people) | 0 beyond the seeds Farrell, Brockman and Easter |
/// | [`state`](Self::state) | none: everything in memory |
/// | [`journal`](Self::journal) | 1000 entries |
/// | [`journal_bytes`](Self::journal_bytes) | 8 MiB |
/// | [`max_tokens_per_client`](Self::max_tokens_per_client) | 1000 grants |
/// | [`addr`](Self::addr) | `127.0.0.1:0` (a free port) |
/// | [`header_read_timeout`](Self::header_read_timeout) | 10 s |
/// | [`body_read_timeout`](Self::body_read_timeout) | 30 s |
/// | [`body_deadline`](Self::body_deadline) | 60 s |
/// | [`max_connections`](Self::max_connections) | 1024 |
/// | [`allowed_host`](Self::allowed_host) | loopback names and IP literals only |
/// | [`cors_origin`](Self::cors_origin) | loopback origins only |
/// | [`admin_token`](Self::admin_token) | none (required off loopback) |
/// | [`clock`](Self::clock) | the system clock |
/// | [`token_seed`](Self::token_seed) | none: random tokens |
/// | [`data`](Self::data) | none: the seed people |
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until started"]
pub struct PeopleMockBuilder {
    pub(crate) config: Config,
    default_clients: bool,
    extra_clients: Vec<Client>,
}

impl Default for PeopleMockBuilder {
    fn default() -> Self {
        Self {
            config: Config::default(),
            default_clients: true,
            extra_clients: Vec::new(),
        }
    }
}

impl PeopleMockBuilder {
    /// A builder with every default.
    ///
    /// ```
    /// let builder = people_mock::PeopleMockBuilder::new();
    /// assert!(builder.validate().is_ok());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Lifetime of access tokens: more than zero; [`FOREVER`](crate::FOREVER) (100 years)
    /// or more means they never expire.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (_, state) = people_mock::PeopleMock::builder().token_ttl(Duration::from_secs(5)).into_parts();
    /// assert_eq!(state.config_json()["token_ttl_secs"], 5);
    /// ```
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.config.token_ttl = ttl;
        self
    }

    /// Lifetime of refresh tokens: more than zero; [`FOREVER`](crate::FOREVER) (100 years)
    /// or more means they never expire.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (_, state) = people_mock::PeopleMock::builder().refresh_ttl(Duration::from_secs(60)).into_parts();
    /// assert_eq!(state.config_json()["refresh_ttl_secs"], 60);
    /// ```
    pub fn refresh_ttl(mut self, ttl: Duration) -> Self {
        self.config.refresh_ttl = ttl;
        self
    }

    /// At most `requests` (at least 1) `/people…` requests per client per `window` (more than
    /// zero; 100 years or more: the window never ends).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .rate_limit(10, Duration::from_secs(1))
    ///     .into_parts();
    /// assert_eq!(state.config_json()["rate_limit"]["requests"], 10);
    /// ```
    pub fn rate_limit(mut self, requests: u32, window: Duration) -> Self {
        self.config.rate_limit = requests;
        self.config.rate_window = window;
        self
    }

    /// Largest photo, in bytes.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().photo_limit(1024).into_parts();
    /// assert_eq!(state.config_json()["limits"]["photo_bytes"], 1024);
    /// ```
    pub fn photo_limit(mut self, bytes: u64) -> Self {
        self.config.photo_limit = bytes;
        self
    }

    /// Largest attachment file and largest total of files in one request, in bytes.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().attachment_limits(10, 20).into_parts();
    /// let limits = &state.config_json()["limits"];
    /// assert_eq!((limits["attachment_file_bytes"].as_u64(), limits["attachment_request_bytes"].as_u64()), (Some(10), Some(20)));
    /// ```
    pub fn attachment_limits(mut self, per_file: u64, per_request: u64) -> Self {
        self.config.attachment_file_limit = per_file;
        self.config.attachment_request_limit = per_request;
        self
    }

    /// Largest JSON request body, in bytes.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().json_limit(512).into_parts();
    /// assert_eq!(state.config_json()["limits"]["json_bytes"], 512);
    /// ```
    pub fn json_limit(mut self, bytes: u64) -> Self {
        self.config.json_limit = bytes;
        self
    }

    /// Adds a client (or replaces one with the same id). Scopes may be given one
    /// per item or space- or comma-separated; each must be `people:read` or `people:write`,
    /// and the id and the secret must not be empty.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .client("robot", "robot-secret", &["people:read"])
    ///     .into_parts();
    /// let clients = state.config_json()["clients"].clone();
    /// assert_eq!(clients[2]["client_id"], "robot");
    /// ```
    pub fn client(mut self, id: &str, secret: &str, scopes: &[&str]) -> Self {
        self.extra_clients.retain(|c| c.id != id);
        self.extra_clients.push(Client::new(id, secret, scopes));
        self
    }

    /// Leaves out the two default clients (`demo-client` and `reader`).
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .no_default_clients()
    ///     .client("robot", "robot-secret", &["people:read"])
    ///     .into_parts();
    /// assert_eq!(state.client_id(), "robot");
    /// ```
    pub fn no_default_clients(mut self) -> Self {
        self.default_clients = false;
        self
    }

    /// Generates `count` people beyond the three seeds (on start and on every reset); at most
    /// [`MAX_GENERATED_PEOPLE`](crate::MAX_GENERATED_PEOPLE).
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().people(7).into_parts();
    /// assert_eq!(state.people().len(), 10);
    /// ```
    pub fn people(mut self, count: usize) -> Self {
        self.config.people = count;
        self
    }

    /// Capacity of the request journal; 0 turns it off.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().journal(0).into_parts();
    /// assert_eq!(state.config_json()["journal_capacity"], 0);
    /// ```
    pub fn journal(mut self, capacity: usize) -> Self {
        self.config.journal = capacity;
        self
    }

    /// Keeps the people, their photos and attachments in the directory `dir` (created if
    /// need be), in the file [`STATE_FILE`](crate::STATE_FILE): what it holds is loaded on
    /// start, and every change is on disk before its answer is sent. A new directory starts
    /// with what a server in memory starts from (the seeds and the [`people`](Self::people)
    /// generated ones, or the [`data`](Self::data) fixture's), which `POST /__mock/reset` also
    /// writes back, as `PUT /__mock/state` writes what it loads. Reads are served from memory,
    /// as without it.
    ///
    /// One server at a time uses a directory: another one on it is refused at start
    /// ([`StateError::is_busy`](crate::StateError::is_busy)); a file that is not a state file
    /// or cannot be read is refused with an error naming it, and left untouched.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let dir = std::env::temp_dir().join(format!("people-mock-doc-{}", std::process::id()));
    /// let mock = people_mock::PeopleMock::builder().state(&dir).start().await;
    /// assert_eq!(mock.people().len(), 3);
    /// drop(mock);
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # }
    /// ```
    pub fn state(mut self, dir: impl AsRef<std::path::Path>) -> Self {
        self.config.state = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Most bytes the request journal holds (counting each entry's text plus a small overhead);
    /// the oldest entries go first. Whatever the bound, the newest entry is kept. Each header
    /// value and query in an entry is cut at
    /// [`MAX_JOURNAL_VALUE_BYTES`](crate::MAX_JOURNAL_VALUE_BYTES) bytes.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().journal_bytes(1 << 20).into_parts();
    /// assert_eq!(state.config_json()["journal_bytes"], 1 << 20);
    /// ```
    pub fn journal_bytes(mut self, bytes: usize) -> Self {
        self.config.journal_bytes = bytes;
        self
    }

    /// Most live grants per client (each an access token and its refresh token, at least 1);
    /// a client holding this many that is issued another loses its oldest grant, whose tokens
    /// then answer as unknown.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().max_tokens_per_client(5).into_parts();
    /// assert_eq!(state.config_json()["max_tokens_per_client"], 5);
    /// ```
    pub fn max_tokens_per_client(mut self, grants: usize) -> Self {
        self.config.max_tokens_per_client = grants;
        self
    }

    /// Address to listen on.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::builder()
    ///     .addr("127.0.0.1:0".parse().unwrap())
    ///     .start()
    ///     .await;
    /// assert!(mock.addr().ip().is_loopback());
    /// # }
    /// ```
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.config.addr = addr;
        self
    }

    /// How long a client may take to send a request head before the
    /// connection is closed (cuts off slow clients). Zero, or 100 years or more, turns the
    /// limit off.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .header_read_timeout(Duration::from_secs(2))
    ///     .into_parts();
    /// assert_eq!(state.config_json()["header_read_timeout_secs"], 2.0);
    /// ```
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.header_read_timeout = timeout;
        self
    }

    /// How long a request body may go without sending a byte before the
    /// connection is closed (cuts off clients that stall mid-body). Zero, or
    /// 100 years or more, turns the limit off.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .body_read_timeout(Duration::from_secs(3))
    ///     .into_parts();
    /// assert_eq!(state.config_json()["body_read_timeout_secs"], 3.0);
    /// ```
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.body_read_timeout = timeout;
        self
    }

    /// The clock the protocol runs on (see [`Clock`](crate::Clock) for what follows it): a
    /// [`Clock::manual`](crate::Clock::manual) one stands still until the test moves it
    /// ([`PeopleMock::advance`](crate::PeopleMock::advance), `POST /__mock/clock`), so tokens
    /// end and rate-limit windows roll over without waiting, and timestamps and ETags are the
    /// same on every run. A reset puts it back at its start.
    ///
    /// ```
    /// let start = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .clock(people_mock::Clock::manual(start))
    ///     .into_parts();
    /// assert_eq!(state.person("Farrell").unwrap().timestamp, start);
    /// ```
    pub fn clock(mut self, clock: crate::Clock) -> Self {
        self.config.clock = clock;
        self
    }

    /// Derives access and refresh tokens from `seed` instead of random numbers: the same steps
    /// from a start or a reset get the same tokens, so that (with a manual [`clock`](Self::clock))
    /// two runs of a test see the same bytes. For tests only: whoever knows the seed knows the
    /// tokens.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().token_seed(7).into_parts();
    /// assert_eq!(state.config_json()["token_seed"], true, "never the seed itself");
    /// ```
    pub fn token_seed(mut self, seed: u64) -> Self {
        self.config.token_seed = Some(crate::redacted::Redacted(seed));
        self
    }

    /// Starts from the people of `fixture` instead of the seeds, on start and on every reset
    /// (not with [`people`](Self::people)). A fixture's people without a timestamp get the
    /// clock's time when loaded. With a [`state`](Self::state) directory that already holds
    /// people, the server starts from those; a reset still goes back to the fixture.
    ///
    /// ```
    /// let fixture = people_mock::Fixture::from_json(
    ///     r#"{"people": [{"fname": "Ada", "lname": "Lovelace"}], "gone": ["Farrell"]}"#,
    /// )
    /// .unwrap();
    /// let (_, state) = people_mock::PeopleMock::builder().data(fixture).into_parts();
    /// assert_eq!(state.people()[0].lname, "Lovelace");
    /// assert_eq!(state.people().len(), 1);
    /// ```
    pub fn data(mut self, fixture: crate::Fixture) -> Self {
        self.config.data = Some(fixture);
        self
    }

    pub(crate) fn into_config(self) -> Config {
        let mut config = self.config;
        let mut clients = Vec::new();
        if self.default_clients {
            clients.push(Client::new(
                DEMO_CLIENT_ID,
                DEMO_CLIENT_SECRET,
                &[SCOPE_READ, SCOPE_WRITE],
            ));
            clients.push(Client::new(
                READER_CLIENT_ID,
                READER_CLIENT_SECRET,
                &[SCOPE_READ],
            ));
        }
        for client in self.extra_clients {
            clients.retain(|c| c.id != client.id);
            clients.push(client);
        }
        config.clients = clients;
        config
    }

    /// Checks every setting (the table in the [`ConfigError`](crate::ConfigError) docs):
    /// the first that cannot be used is the error.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let builder = people_mock::PeopleMock::builder().token_ttl(Duration::ZERO);
    /// assert!(builder.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), crate::ConfigError> {
        crate::config_check::check(&self.clone().into_config())
    }

    /// [`into_parts`](Self::into_parts), after [`validate`](Self::validate).
    ///
    /// ```
    /// let refused = people_mock::PeopleMock::builder().rate_limit(0, std::time::Duration::from_secs(1));
    /// assert!(refused.try_into_parts().is_err());
    /// assert!(people_mock::PeopleMock::builder().try_into_parts().is_ok());
    /// ```
    pub fn try_into_parts(self) -> Result<(axum::Router, MockState), crate::ConfigError> {
        self.validate()?;
        let state = MockState::new(self.into_config())
            .map_err(|err| crate::ConfigError::new("state", err.to_string()))?;
        Ok((state.router(), state))
    }

    /// The state and the router, without a socket: drive the router with
    /// `tower::ServiceExt::oneshot` and control it through the [`MockState`].
    ///
    /// The settings are not checked (see [`try_into_parts`](Self::try_into_parts)); a value
    /// [`validate`](Self::validate) refuses still serves without a panic, with a rate limit
    /// or `max_tokens_per_client` of 0 counted as 1, more people than
    /// [`MAX_GENERATED_PEOPLE`](crate::MAX_GENERATED_PEOPLE) cut to that, and zero durations
    /// taken as they are.
    ///
    /// # Panics
    ///
    /// With a [`state`](Self::state) directory that cannot be used (see
    /// [`try_into_parts`](Self::try_into_parts) for the error instead).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use tower::ServiceExt as _;
    ///
    /// let (router, state) = people_mock::PeopleMock::builder().into_parts();
    /// let request = http::Request::get("/api/v1/people").body(axum::body::Body::empty()).unwrap();
    /// assert_eq!(router.oneshot(request).await.unwrap().status(), 401);
    /// assert_eq!(state.journal().len(), 1);
    /// # }
    /// ```
    pub fn into_parts(self) -> (axum::Router, MockState) {
        match MockState::new(self.into_config()) {
            Ok(state) => (state.router(), state),
            Err(err) => panic!("people-mock could not open its state: {err}"),
        }
    }

    /// The router alone, without a socket.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use tower::ServiceExt as _;
    ///
    /// let router = people_mock::PeopleMock::builder().into_router();
    /// let request = http::Request::get("/api/v1/openapi.yaml").body(axum::body::Body::empty()).unwrap();
    /// assert_eq!(router.oneshot(request).await.unwrap().status(), 200);
    /// # }
    /// ```
    pub fn into_router(self) -> axum::Router {
        self.into_parts().0
    }
}

/// The network-facing settings: who may reach the server and how much of it they may hold.
impl PeopleMockBuilder {
    /// Accepts requests whose `Host` is `name` (with any port), besides loopback names
    /// (`localhost`) and IP literals; repeatable. For a server reached through a proxy or a
    /// container name. Other names get a 421: a page on another site that a rebound DNS name
    /// points at this server cannot read it.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().allowed_host("mock.internal").into_parts();
    /// assert_eq!(state.config_json()["network"]["allowed_hosts"][0], "mock.internal");
    /// ```
    pub fn allowed_host(mut self, name: &str) -> Self {
        let name = name.trim().to_ascii_lowercase();
        // The fully qualified form (`name.`) is the same name; requests may use either.
        let name = name.strip_suffix('.').unwrap_or(&name).to_string();
        if !name.is_empty() && !self.config.net.allowed_hosts.contains(&name) {
            self.config.net.allowed_hosts.push(name);
        }
        self
    }

    /// Requires `Authorization: Bearer {token}` on the admin surface (`/__mock/`). Required
    /// when listening on an address other than loopback. An empty token is no token.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().admin_token("s3cret").into_parts();
    /// assert_eq!(state.config_json()["network"]["admin_token"], true, "never the token itself");
    /// ```
    pub fn admin_token(mut self, token: &str) -> Self {
        self.config.net.admin_token =
            (!token.is_empty()).then(|| crate::redacted::Redacted(token.to_string()));
        self
    }

    /// Lets pages from `origin` (e.g. `https://app.example`) call the API from a browser; `*`
    /// lets every origin. Loopback origins (`http://localhost:5173`, `http://127.0.0.1:3000`)
    /// are always allowed. Never applies to the admin surface.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .cors_origin("https://app.example")
    ///     .into_parts();
    /// assert_eq!(state.config_json()["network"]["cors_origins"][0], "https://app.example");
    /// ```
    pub fn cors_origin(mut self, origin: &str) -> Self {
        let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        if origin == "*" {
            self.config.net.cors_any = true;
        } else if !origin.is_empty() && !self.config.net.cors_origins.contains(&origin) {
            self.config.net.cors_origins.push(origin);
        }
        self
    }

    /// Longest time a request body may take from its first byte to its last, however steadily
    /// it trickles; past it the connection is closed. Zero turns the limit off. Default 60 s.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (_, state) = people_mock::PeopleMock::builder()
    ///     .body_deadline(Duration::from_secs(5))
    ///     .into_parts();
    /// assert_eq!(state.config_json()["network"]["body_deadline_secs"], 5.0);
    /// ```
    pub fn body_deadline(mut self, deadline: Duration) -> Self {
        self.config.net.body_deadline = deadline;
        self
    }

    /// Most connections served at once (at least 1); a connection beyond it gets a 503 JSON
    /// answer and is closed. Default 1024.
    ///
    /// ```
    /// let (_, state) = people_mock::PeopleMock::builder().max_connections(8).into_parts();
    /// assert_eq!(state.config_json()["network"]["max_connections"], 8);
    /// ```
    pub fn max_connections(mut self, max: usize) -> Self {
        self.config.net.max_connections = max.max(1);
        self
    }

    /// Lets the demo clients, whose secrets are public, be served on a non-loopback address.
    ///
    /// ```
    /// let builder = people_mock::PeopleMock::builder()
    ///     .addr("0.0.0.0:0".parse().unwrap())
    ///     .admin_token("s3cret")
    ///     .allow_demo_clients();
    /// assert!(builder.validate().is_ok());
    /// ```
    pub fn allow_demo_clients(mut self) -> Self {
        self.config.net.allow_demo_clients = true;
        self
    }
}
