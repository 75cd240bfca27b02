//! [`PeopleMock`]: a running server and its controls.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::body_timeout::IdleTimeoutBody;
use crate::builder::PeopleMockBuilder;
use crate::config::{DEMO_CLIENT_SECRET, READER_CLIENT_SECRET};
use crate::conn_limit::ConnectionCap;
use crate::entry::Entry;
use crate::fault::{DropSignal, Fault, FaultId, FaultInfo};
use crate::journal::Expect;
use crate::journal_entry::JournalEntry;
use crate::state::{MockState, PersonSnapshot};

/// How long a shutdown waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(5);

/// A running People API v1 server on its own port.
///
/// Dropping it stops accepting connections at once, lets requests in flight
/// finish, and frees the port; [`shutdown`](Self::shutdown) does the same and
/// waits for it.
#[derive(Debug)]
pub struct PeopleMock {
    state: MockState,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl PeopleMock {
    /// Starts a server with every default on `127.0.0.1` and a free port.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert!(mock.addr().ip().is_loopback());
    /// # }
    /// ```
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// A builder for a server with other settings.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::builder().people(10).start().await;
    /// assert_eq!(mock.people().len(), 13);
    /// # }
    /// ```
    pub fn builder() -> PeopleMockBuilder {
        PeopleMockBuilder::new()
    }

    /// The router of a server configured by `builder`, without a socket.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use tower::ServiceExt as _;
    ///
    /// let router = people_mock::PeopleMock::router(people_mock::PeopleMock::builder());
    /// let request = http::Request::get("/api/v1/openapi.json").body(axum::body::Body::empty()).unwrap();
    /// assert_eq!(router.oneshot(request).await.unwrap().status(), 200);
    /// # }
    /// ```
    pub fn router(builder: PeopleMockBuilder) -> Router {
        builder.into_router()
    }

    pub(crate) async fn serve(state: MockState) -> std::io::Result<Self> {
        let config = &state.inner.config;
        let listener = std::net::TcpListener::bind(config.addr)?;
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        let addr = listener.local_addr()?;
        let _ = state.inner.host.set(addr.to_string());
        let (stop, stopped) = watch::channel(false);
        let timeout = config.header_read_timeout;
        let task = tokio::spawn(accept_loop(
            listener,
            Entry::new(state.clone()),
            state.clone(),
            stopped,
            timeout,
        ));
        Ok(Self {
            state,
            addr,
            stop,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert_eq!(mock.uri(), format!("http://{}", mock.addr()));
    /// # }
    /// ```
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/api/v1/`, with a trailing slash.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// let people = mock.base_url().join("people").unwrap();
    /// assert_eq!(people.path(), "/api/v1/people");
    /// # }
    /// ```
    pub fn base_url(&self) -> url::Url {
        let text = format!("{}/api/v1/", self.uri());
        url::Url::parse(&text).expect("a socket address always forms a valid URL")
    }

    /// The bound address.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert_ne!(mock.addr().port(), 0);
    /// # }
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state, cloneable, with the same controls as this handle.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// let state = mock.state().clone();
    /// state.clear_journal();
    /// assert_eq!(state.people().len(), mock.people().len());
    /// # }
    /// ```
    pub fn state(&self) -> &MockState {
        &self.state
    }

    /// Stops the server and waits until it has stopped (requests in flight get a few seconds).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// let addr = mock.addr();
    /// mock.shutdown().await;
    /// assert!(std::net::TcpStream::connect(addr).is_err());
    /// # }
    /// ```
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Id of the default read-write client, `demo-client`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert_eq!(mock.client_id(), people_mock::DEMO_CLIENT_ID);
    /// # }
    /// ```
    pub fn client_id(&self) -> &str {
        self.state.client_id()
    }

    /// Secret of the default read-write client, `demo-secret`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert_eq!(mock.client_secret(), people_mock::DEMO_CLIENT_SECRET);
    /// # }
    /// ```
    pub fn client_secret(&self) -> &str {
        self.state.client_secret()
    }

    /// Expires every access and refresh token; returns how many were live.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert_eq!(mock.expire_tokens(), 0, "no token was issued yet");
    /// # }
    /// ```
    pub fn expire_tokens(&self) -> usize {
        self.state.expire_tokens()
    }

    /// Revokes one access or refresh token; false if it is unknown.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert!(!mock.revoke("at_unknown"));
    /// # }
    /// ```
    pub fn revoke(&self, token: &str) -> bool {
        self.state.revoke(token)
    }

    /// Restores the seed data, puts a manual clock back at its start, and forgets tokens,
    /// faults, the journal and rate counters.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use people_mock::Fault;
    ///
    /// let mock = people_mock::PeopleMock::start().await;
    /// mock.inject(Fault::status(503));
    /// mock.reset();
    /// assert!(mock.faults().is_empty());
    /// assert_eq!(mock.people().len(), 3);
    /// # }
    /// ```
    pub fn reset(&self) {
        self.state.reset();
    }

    /// The server's clock.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert!(!mock.clock().is_manual());
    /// # }
    /// ```
    pub fn clock(&self) -> &crate::Clock {
        self.state.clock()
    }

    /// Moves the server's manual clock forward by `by` and returns the new time (see
    /// [`MockState::advance`]): a test sees a token end or a rate-limit window roll over
    /// without waiting.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::time::Duration;
    ///
    /// let start = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let mock = people_mock::PeopleMock::builder()
    ///     .clock(people_mock::Clock::manual(start))
    ///     .start()
    ///     .await;
    /// mock.advance(Duration::from_secs(3600));
    /// assert_eq!(mock.clock().now().to_rfc3339(), "2030-01-01T01:00:00+00:00");
    /// # }
    /// ```
    ///
    /// # Panics
    /// If the server runs on the system clock, or the time would pass
    /// [`Clock::LATEST`](crate::Clock::LATEST).
    pub fn advance(&self, by: Duration) -> chrono::DateTime<chrono::Utc> {
        self.state.advance(by)
    }

    /// The whole store as a fixture document, files inline (see [`MockState::export`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert_eq!(mock.export()["people"].as_array().unwrap().len(), 3);
    /// # }
    /// ```
    pub fn export(&self) -> serde_json::Value {
        self.state.export()
    }

    /// Replaces every person, photo, attachment and deleted key with the fixture's (see
    /// [`MockState::load`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// mock.load(&people_mock::Fixture::from_json(r#"{"gone": ["Farrell"]}"#).unwrap());
    /// assert!(mock.people().is_empty());
    /// # }
    /// ```
    pub fn load(&self, fixture: &crate::Fixture) {
        self.state.load(fixture);
    }

    /// Every live person, ordered by lname.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// let names: Vec<String> = mock.people().into_iter().map(|p| p.lname).collect();
    /// assert_eq!(names, ["Brockman", "Easter", "Farrell"]);
    /// # }
    /// ```
    pub fn people(&self) -> Vec<PersonSnapshot> {
        self.state.people()
    }

    /// One live person.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert_eq!(mock.person("Farrell").unwrap().fname, "Doug");
    /// assert!(mock.person("Nobody").is_none());
    /// # }
    /// ```
    pub fn person(&self, lname: &str) -> Option<PersonSnapshot> {
        self.state.person(lname)
    }

    /// Adds a fault; it applies to matching requests until used up or removed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use people_mock::Fault;
    ///
    /// let mock = people_mock::PeopleMock::start().await;
    /// let id = mock.inject(Fault::drop_connection().path("/api/v1/people").times(1));
    /// assert_eq!(mock.faults()[0].id, id);
    /// # }
    /// ```
    pub fn inject(&self, fault: Fault) -> FaultId {
        self.state.inject(fault)
    }

    /// Every injected fault with its use count, oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use people_mock::Fault;
    ///
    /// let mock = people_mock::PeopleMock::start().await;
    /// mock.inject(Fault::status(500).times(2));
    /// let faults = mock.faults();
    /// assert_eq!((faults[0].uses, faults[0].is_active()), (0, true));
    /// # }
    /// ```
    pub fn faults(&self) -> Vec<FaultInfo> {
        self.state.faults()
    }

    /// Removes one fault; false if it is unknown.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use people_mock::Fault;
    ///
    /// let mock = people_mock::PeopleMock::start().await;
    /// let id = mock.inject(Fault::status(500));
    /// assert!(mock.remove_fault(id));
    /// assert!(!mock.remove_fault(id), "already removed");
    /// # }
    /// ```
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.state.remove_fault(id)
    }

    /// Removes every fault.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use people_mock::Fault;
    ///
    /// let mock = people_mock::PeopleMock::start().await;
    /// mock.inject(Fault::status(500));
    /// mock.clear_faults();
    /// assert!(mock.faults().is_empty());
    /// # }
    /// ```
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// The recorded requests, oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// reqwest::get(format!("{}/api/v1/people", mock.uri())).await.unwrap();
    /// let entry = &mock.journal()[0];
    /// assert_eq!((entry.method.as_str(), entry.path.as_str(), entry.status), ("GET", "/api/v1/people", 401));
    /// # }
    /// ```
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.state.journal()
    }

    /// Same as [`journal`](Self::journal), in wiremock's words.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// assert!(mock.received_requests().is_empty());
    /// # }
    /// ```
    pub fn received_requests(&self) -> Vec<JournalEntry> {
        self.state.received_requests()
    }

    /// Empties the journal.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// reqwest::get(format!("{}/api/v1/people", mock.uri())).await.unwrap();
    /// mock.clear_journal();
    /// assert!(mock.journal().is_empty());
    /// # }
    /// ```
    pub fn clear_journal(&self) {
        self.state.clear_journal();
    }

    /// How many recorded requests have this method and path (exact, or a prefix ending with `*`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = people_mock::PeopleMock::start().await;
    /// reqwest::get(format!("{}/api/v1/people/Farrell", mock.uri())).await.unwrap();
    /// assert_eq!(mock.request_count("GET", "/api/v1/people/*"), 1);
    /// assert_eq!(mock.request_count("GET", "/api/v1/people"), 0);
    /// # }
    /// ```
    pub fn request_count(&self, method: &str, path: &str) -> usize {
        self.state.request_count(method, path)
    }

    /// Checks an expectation against the journal; the error says what was seen.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use people_mock::Expect;
    ///
    /// let mock = people_mock::PeopleMock::start().await;
    /// reqwest::get(format!("{}/api/v1/people", mock.uri())).await.unwrap();
    /// assert!(mock.verify(&Expect::requests("GET", "/api/v1/people").times(1)).is_ok());
    /// let err = mock.verify(&Expect::requests("DELETE", "/api/v1/people/*").at_least(1)).unwrap_err();
    /// assert!(err.contains("received 0"), "{err}");
    /// # }
    /// ```
    pub fn verify(&self, expect: &Expect) -> Result<(), String> {
        self.state.verify(expect)
    }
}

impl Drop for PeopleMock {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Starting a server from its settings.
impl PeopleMockBuilder {
    /// Checks the settings, binds the address and starts serving.
    ///
    /// # Errors
    /// A setting [`validate`](Self::validate) refuses: an error of kind
    /// [`InvalidInput`](std::io::ErrorKind::InvalidInput) whose
    /// [`get_ref`](std::io::Error::get_ref) is the [`ConfigError`](crate::ConfigError). On an
    /// address other than loopback, also `InvalidInput` without an
    /// [`admin_token`](Self::admin_token), or with the demo clients unless
    /// [`allow_demo_clients`](Self::allow_demo_clients) is set. Otherwise the error of binding
    /// the address.
    pub async fn try_start(self) -> std::io::Result<PeopleMock> {
        self.validate()
            .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidInput, err))?;
        let config = self.into_config();
        let demo = config
            .clients
            .iter()
            .any(|c| *c.secret == DEMO_CLIENT_SECRET || *c.secret == READER_CLIENT_SECRET);
        if let Some(problem) = config.net.exposure_problem(config.addr, demo) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                problem,
            ));
        }
        let state = if config.state.is_some() {
            // Opening a state directory reads its whole file: off the async workers.
            tokio::task::spawn_blocking(move || MockState::new(config))
                .await
                .map_err(std::io::Error::other)??
        } else {
            MockState::new(config)?
        };
        PeopleMock::serve(state).await
    }

    /// Checks the settings, binds the address and starts serving.
    ///
    /// # Panics
    /// If a setting is refused or the address cannot be bound; use
    /// [`try_start`](Self::try_start) to handle that.
    pub async fn start(self) -> PeopleMock {
        let addr = self.config.addr;
        match self.try_start().await {
            Ok(mock) => mock,
            Err(err) if err.kind() == std::io::ErrorKind::InvalidInput => {
                panic!("people-mock could not start: {err}")
            }
            Err(err) => panic!("people-mock could not listen on {addr}: {err}"),
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    entry: Entry,
    state: MockState,
    mut stopped: watch::Receiver<bool>,
    header_timeout: Duration,
) {
    let mut connections = JoinSet::new();
    let cap = ConnectionCap::new(state.inner.config.net.max_connections);
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let Some(permit) = cap.admit() else {
                        connections.spawn(crate::conn_limit::refuse(stream));
                        continue;
                    };
                    let serve = serve_connection(
                        stream,
                        entry.clone(),
                        state.clone(),
                        stopped.clone(),
                        header_timeout,
                    );
                    connections.spawn(async move {
                        serve.await;
                        drop(permit);
                    });
                }
                // Out of file descriptors or a connection reset before accept: wait a little.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

async fn serve_connection(
    stream: TcpStream,
    entry: Entry,
    state: MockState,
    mut stopped: watch::Receiver<bool>,
    header_timeout: Duration,
) {
    let _ = stream.set_nodelay(true);
    let drop_now = Arc::new(Notify::new());
    let signal = DropSignal(drop_now.clone());
    // Zero, like a duration that means never, turns a bound off.
    let body_timeout =
        crate::forever::finite(state.inner.config.body_read_timeout).unwrap_or_default();
    let body_deadline =
        crate::forever::finite(state.inner.config.net.body_deadline).unwrap_or_default();
    let close = drop_now.clone();
    let service = hyper::service::service_fn(move |mut req: http::Request<Incoming>| {
        req.extensions_mut().insert(signal.clone());
        let req = req.map(|body| {
            if body_timeout.is_zero() && body_deadline.is_zero() {
                Body::new(body)
            } else {
                Body::new(
                    IdleTimeoutBody::new(body, body_timeout, close.clone())
                        .with_deadline(body_deadline),
                )
            }
        });
        let entry = entry.clone();
        async move { Ok::<_, std::convert::Infallible>(entry.serve(req, true).await) }
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new());
    builder.header_read_timeout(
        crate::forever::finite(header_timeout).filter(|timeout| !timeout.is_zero()),
    );
    let stream = crate::wire_errors::JsonWireErrors::new(stream);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = drop_now.notified() => {}
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = drop_now.notified() => {}
            }
        }
    }
}
