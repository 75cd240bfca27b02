//! `people-mock`: the People API v1 mock server as a program.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

mod addr_arg;
mod exposure;
use people_mock::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, PeopleMock, READER_CLIENT_ID, READER_CLIENT_SECRET,
};

/// An in-memory People API v1 server for tests and example scripts.
///
/// Every request is logged on standard error (method, path, status, latency);
/// set RUST_LOG (e.g. RUST_LOG=warn) to change the level. A value no setting can use
/// ends the program at once with one line on standard error and exit status 2.
/// Durations of 3153600000 seconds (100 years) or more mean "never".
#[derive(Debug, Parser)]
#[command(name = "people-mock", version, about, long_about = None)]
struct Args {
    /// Address to listen on: IP:PORT, localhost:PORT or a bare PORT (on 127.0.0.1).
    #[arg(
        long,
        default_value = "127.0.0.1:8080",
        env = "PEOPLE_MOCK_ADDR",
        value_parser = addr_arg::parse
    )]
    addr: SocketAddr,
    /// Access token lifetime, in seconds (at least 1; 100 years or more: never expires).
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    token_ttl: u64,
    /// Refresh token lifetime, in seconds (at least 1; 100 years or more: never expires).
    #[arg(long, value_name = "SECS", default_value_t = 86_400)]
    refresh_ttl: u64,
    /// Requests per client per window on /people… routes (at least 1).
    #[arg(long, value_name = "N", default_value_t = 600)]
    rate_limit: u32,
    /// Length of the rate-limit window, in seconds (at least 1; 100 years or more: never ends).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    rate_window: u64,
    /// Largest photo, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 5 * 1024 * 1024)]
    photo_limit: u64,
    /// Largest attachment file, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 20 * 1024 * 1024)]
    attachment_limit: u64,
    /// Largest sum of attachment files in one request, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 50 * 1024 * 1024)]
    attachment_request_limit: u64,
    /// Largest JSON request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    json_limit: u64,
    /// People to generate beyond the three seeds (at most 100000).
    #[arg(long, value_name = "N", default_value_t = 0)]
    people: usize,
    /// Keep people, photos and attachments in this directory (created if need be) and load
    /// them on start (a new directory gets the seeds, or --data); without it everything is in
    /// memory and lost on exit.
    #[arg(long, value_name = "DIR", env = "PEOPLE_MOCK_STATE")]
    state: Option<std::path::PathBuf>,
    /// An extra client as ID:SECRET:SCOPES (scopes comma- or space-separated, each people:read
    /// or people:write); repeatable.
    #[arg(long = "client", value_name = "ID:SECRET:SCOPES", value_parser = parse_client)]
    clients: Vec<(String, String, String)>,
    /// Leave out the default clients demo-client and reader.
    #[arg(long)]
    no_default_clients: bool,
    /// Capacity of the request journal (0 turns it off).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    journal: usize,
    /// Most bytes the request journal holds; the oldest entries go first.
    #[arg(long, value_name = "BYTES", default_value_t = people_mock::DEFAULT_JOURNAL_BYTES)]
    journal_bytes: usize,
    /// Most live grants (an access token and its refresh token) per client, at least 1; the
    /// oldest go first.
    #[arg(long, value_name = "N", default_value_t = people_mock::DEFAULT_MAX_TOKENS_PER_CLIENT)]
    max_tokens_per_client: usize,
    /// Seconds a client may take to send a request head (0, or 100 years or more: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    header_read_timeout: u64,
    /// Seconds a request body may stall (send no byte) before the connection is closed (0, or
    /// 100 years or more: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    body_read_timeout: u64,
    /// Seconds a request body may take in all, however steadily it trickles; 0: no limit.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    body_deadline: u64,
    /// Most connections served at once; more get a 503 and are closed.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    max_connections: usize,
    /// A Host name to answer to besides localhost and IP literals (e.g. behind a proxy); repeatable.
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,
    /// An origin whose pages may call the API (loopback origins always may); `*` for all; repeatable.
    #[arg(long = "cors", value_name = "ORIGIN")]
    cors: Vec<String>,
    /// Bearer token the admin surface /__mock/ requires; required off loopback.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "PEOPLE_MOCK_ADMIN_TOKEN",
        hide_env_values = true
    )]
    admin_token: Option<String>,
    /// Serve the demo clients, whose secrets are public, on a non-loopback address.
    #[arg(long)]
    allow_demo_clients: bool,
    /// Start from the people of this fixture file (JSON, or YAML by its extension; photos and
    /// attachments by path relative to it, or inline in base64) instead of the seeds, on start
    /// and on every reset (a --state directory that holds people starts from those). GET
    /// /__mock/state writes the same format.
    #[arg(long, value_name = "FILE")]
    data: Option<std::path::PathBuf>,
    /// Run on a manual clock that starts at TIME (RFC 3339, e.g. 2030-01-01T00:00:00Z) and moves
    /// only through POST /__mock/clock; timestamps, token lifetimes and rate-limit windows
    /// follow it. Default: the system clock.
    #[arg(long, value_name = "TIME")]
    clock: Option<String>,
    /// Derive access and refresh tokens from this number instead of random ones, so that the
    /// same requests get the same tokens on every run (for tests only).
    #[arg(long, value_name = "N")]
    token_seed: Option<u64>,
    /// Log format on standard error.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// Compact lines.
    Compact,
    /// No request log.
    Off,
}

fn parse_clock(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let time = chrono::DateTime::parse_from_rfc3339(text)
        .map_err(|e| format!("expected an RFC 3339 date-time such as 2030-01-01T00:00:00Z: {e}"))?
        .with_timezone(&chrono::Utc);
    if (people_mock::Clock::EARLIEST..=people_mock::Clock::LATEST).contains(&time) {
        Ok(time)
    } else {
        Err(people_mock::ClockError::OutOfRange.to_string())
    }
}

fn parse_client(text: &str) -> Result<(String, String, String), String> {
    let mut parts = text.splitn(3, ':');
    let id = parts.next().unwrap_or_default();
    let secret = parts.next().ok_or("expected ID:SECRET:SCOPES")?;
    let scopes = parts.next().unwrap_or_default();
    if id.is_empty() || secret.is_empty() {
        return Err("the id and the secret must not be empty".into());
    }
    Ok((id.to_string(), secret.to_string(), scopes.to_string()))
}

/// Installs the request log on standard error, unless it is off.
///
/// Lines are formatted on the worker that handles the request and handed to a thread of their
/// own, which writes them through an 8 KiB buffer and flushes whenever it has caught up: a burst
/// of requests costs a few `write` calls instead of one per line, and no worker waits on a slow
/// terminal. The queue is not lossy: when it is full (a terminal far slower than the load) the
/// workers wait rather than drop lines. The returned [`RequestLog`] flushes what is queued when
/// dropped.
fn init_logging(format: LogFormat) -> RequestLog {
    use tracing_subscriber::EnvFilter;
    if format == LogFormat::Off {
        return RequestLog(None);
    }
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("people-mock-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer.clone());
    let _ = match format {
        LogFormat::Compact => builder.compact().try_init(),
        _ => builder.try_init(),
    };
    RequestLog(Some((writer, guard)))
}

/// The queue the request log is written through, if the log is on.
struct RequestLog(
    Option<(
        tracing_appender::non_blocking::NonBlocking,
        tracing_appender::non_blocking::WorkerGuard,
    )>,
);

impl RequestLog {
    /// Writes a line of the program's own to standard error, after every request line queued
    /// before it: written directly, it could overtake them.
    fn notice(&self, line: &str) {
        match &self.0 {
            Some((writer, _)) => {
                let _ =
                    std::io::Write::write_all(&mut writer.clone(), format!("{line}\n").as_bytes());
            }
            None => eprintln!("{line}"),
        }
    }
}

/// Listens for SIGINT and SIGTERM from the moment it is called, and returns a future that ends
/// at the first of them. Called before the banner is printed: whoever starts the program and
/// waits for its banner may stop it at once and still get a clean shutdown, not the default
/// action of a signal that has no handler yet.
#[cfg(unix)]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{Signal, SignalKind, signal};
    // A signal that cannot be listened for is never received; the other one still stops.
    async fn received(signal: Option<Signal>) {
        match signal {
            Some(mut signal) => {
                signal.recv().await;
            }
            None => std::future::pending().await,
        }
    }
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async move {
        tokio::select! {
            _ = received(interrupt) => {}
            _ = received(terminate) => {}
        }
    }
}

/// Ctrl-C, the only stop signal here.
#[cfg(not(unix))]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = PeopleMock::builder()
        .addr(args.addr)
        .token_ttl(Duration::from_secs(args.token_ttl))
        .refresh_ttl(Duration::from_secs(args.refresh_ttl))
        .rate_limit(args.rate_limit, Duration::from_secs(args.rate_window))
        .photo_limit(args.photo_limit)
        .attachment_limits(args.attachment_limit, args.attachment_request_limit)
        .json_limit(args.json_limit)
        .people(args.people)
        .journal(args.journal)
        .journal_bytes(args.journal_bytes)
        .max_tokens_per_client(args.max_tokens_per_client)
        .header_read_timeout(Duration::from_secs(args.header_read_timeout))
        .body_read_timeout(Duration::from_secs(args.body_read_timeout))
        .body_deadline(Duration::from_secs(args.body_deadline))
        .max_connections(args.max_connections);
    builder = exposure::apply(
        builder,
        &args.allowed_hosts,
        &args.cors,
        args.admin_token.as_deref(),
    );
    let clock_start = match args.clock.as_deref().map(parse_clock).transpose() {
        Ok(start) => start,
        Err(problem) => {
            eprintln!("people-mock: invalid value for --clock: {problem}");
            return ExitCode::from(2);
        }
    };
    if let Some(start) = clock_start {
        builder = builder.clock(people_mock::Clock::manual(start));
    }
    if let Some(path) = &args.data {
        match people_mock::Fixture::from_file(path) {
            Ok(fixture) => builder = builder.data(fixture),
            Err(error) => {
                eprintln!("people-mock: invalid --data: {error}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(seed) = args.token_seed {
        builder = builder.token_seed(seed);
    }
    if args.allow_demo_clients {
        builder = builder.allow_demo_clients();
    }
    if args.no_default_clients {
        builder = builder.no_default_clients();
    }
    for (id, secret, scopes) in &args.clients {
        builder = builder.client(id, secret, &[scopes.as_str()]);
    }
    if let Some(dir) = &args.state {
        builder = builder.state(dir);
    }
    if let Err(err) = builder.validate() {
        let flag = err.setting().replace('_', "-");
        eprintln!("people-mock: invalid value for --{flag}: {}", err.problem());
        return ExitCode::from(2);
    }
    let log = init_logging(args.log_format);
    let stopped = stop_signal();
    let mock = match builder.try_start().await {
        Ok(mock) => mock,
        Err(err) if err.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("people-mock: refusing to start: {err}");
            return ExitCode::from(2);
        }
        Err(err)
            if err
                .get_ref()
                .is_some_and(|e| e.is::<people_mock::StateError>()) =>
        {
            eprintln!("people-mock: cannot use the state directory: {err}");
            return ExitCode::FAILURE;
        }
        Err(err) => {
            eprintln!("people-mock: cannot listen on {}: {err}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    if !args.addr.ip().is_loopback() {
        eprintln!("{}", exposure::WARNING);
    }
    let base = mock.base_url();
    println!("people-mock listening on {base}");
    if cfg!(feature = "ui") {
        println!("  demo page: {}/", mock.uri());
        println!("  API docs:  {base}ui/");
    }
    if cfg!(feature = "ui") {
        println!("  spec:  {base}openapi.yaml (and openapi.json; docs at {base}ui/)");
    } else {
        println!("  spec:  {base}openapi.yaml (and openapi.json)");
    }
    println!("  admin: {}/__mock/", mock.uri());
    if let Some(dir) = &args.state {
        println!("  state: {} (kept across restarts)", dir.display());
    }
    println!("  token: POST {base}oauth/token (grant_type=client_credentials)");
    if let Some(start) = clock_start {
        println!(
            "  clock: manual, at {} (POST {}/__mock/clock moves it)",
            start.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            mock.uri()
        );
    }
    if !args.no_default_clients {
        println!(
            "  demo client: {DEMO_CLIENT_ID} / {DEMO_CLIENT_SECRET} (people:read people:write)"
        );
        println!("  read-only:   {READER_CLIENT_ID} / {READER_CLIENT_SECRET} (people:read)");
    }
    for (id, _, scopes) in &args.clients {
        println!("  client:      {id} / (secret as given) ({scopes})");
    }
    stopped.await;
    log.notice("people-mock: shutting down");
    mock.shutdown().await;
    ExitCode::SUCCESS
}
