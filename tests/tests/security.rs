//! Security: scopes, expired and revoked tokens, rotating refresh tokens, secrets kept out of
//! `Debug` output, the journal and the logs, and slow clients against the `people-mock` program.
//!
//! Bodies over the size limits are refused without being buffered: that is tested, with a lazily
//! generated 1 GiB body through a real socket, in `mock-server/tests/large_body.rs`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use people_mock::{PeopleMock, READER_CLIENT_ID, READER_CLIENT_SECRET, REDACTED};
use people_sdk::{Client, ClientCredentials, Error, PhotoUpload, StaticToken, TokenSource};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BOUND: Duration = Duration::from_secs(60);

async fn bounded<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(BOUND, test)
        .await
        .expect("the test finished within its bound")
}

/// A raw answer of the token endpoint.
async fn token_request(
    http: &reqwest::Client,
    mock: &PeopleMock,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = http
        .post(format!("{}oauth/token", mock.base_url()))
        .form(form)
        .send()
        .await
        .expect("the token endpoint answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn grant(
    http: &reqwest::Client,
    mock: &PeopleMock,
    id: &str,
    secret: &str,
) -> (String, String) {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    let (status, body) = token_request(http, mock, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned(),
        body["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_owned(),
    )
}

/// `GET /people/Farrell` with a bearer token: the status, the `error` and `WWW-Authenticate`.
async fn read_with(
    http: &reqwest::Client,
    mock: &PeopleMock,
    token: &str,
) -> (StatusCode, Option<String>, String) {
    let response = http
        .get(format!("{}people/Farrell", mock.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("the mock answers");
    let status = response.status();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["error"].as_str().map(str::to_owned), challenge)
}

#[tokio::test]
async fn a_reader_token_cannot_write() {
    bounded(async {
        let mock = PeopleMock::start().await;
        let reader = Client::builder()
            .base_url(mock.base_url().as_str())
            .client_credentials(READER_CLIENT_ID, READER_CLIENT_SECRET)
            .build()
            .expect("a client");
        let info = reader.token_info().await.expect("a token");
        assert!(info.has_scope("people:read") && !info.has_scope("people:write"));
        assert_eq!(
            reader
                .people()
                .get("Farrell")
                .await
                .expect("a read")
                .value()
                .fname
                .as_str(),
            "Doug"
        );
        let before = mock.people();
        let farrell = reader.person("Farrell");
        let refusals: Vec<Error> = vec![
            reader
                .people()
                .create("Homer", "Simpson")
                .await
                .map(drop)
                .unwrap_err(),
            farrell.update("Douglas").await.map(drop).unwrap_err(),
            farrell.delete().await.unwrap_err(),
            farrell
                .photo()
                .upload(PhotoUpload::from_bytes(&b"\x89PNG\r\n\x1a\n0000"[..]))
                .await
                .map(drop)
                .unwrap_err(),
            farrell
                .attachments()
                .delete("att_00000001")
                .await
                .unwrap_err(),
        ];
        for err in refusals {
            assert!(err.is_forbidden(), "{err:?}");
            assert_eq!(err.error(), Some("insufficient_scope"));
            let challenge = err
                .headers()
                .and_then(|h| h.get("www-authenticate"))
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(challenge.contains("insufficient_scope"), "{challenge}");
            assert!(challenge.contains("people:write"), "{challenge}");
        }
        assert_eq!(mock.people(), before, "a refused write changed nothing");
    })
    .await;
}

#[tokio::test]
async fn expired_and_revoked_tokens_are_refused() {
    bounded(async {
        let mock = PeopleMock::start().await;
        let http = reqwest::Client::new();
        let (token, _) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        assert_eq!(read_with(&http, &mock, &token).await.0, StatusCode::OK);

        assert!(mock.expire_tokens() >= 1);
        let (status, error, challenge) = read_with(&http, &mock, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error.as_deref(), Some("invalid_token"));
        assert!(
            challenge.starts_with("Bearer realm=\"people\""),
            "{challenge}"
        );
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

        let (fresh, refresh) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        assert_eq!(read_with(&http, &mock, &fresh).await.0, StatusCode::OK);
        assert!(mock.revoke(&fresh));
        let (status, error, challenge) = read_with(&http, &mock, &fresh).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error.as_deref(), Some("invalid_token"));
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

        // A revoked refresh token is no grant either.
        assert!(mock.revoke(&refresh));
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", mock.client_id()),
            ("client_secret", mock.client_secret()),
        ];
        let (status, body) = token_request(&http, &mock, &form).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );

        // Through the SDK: a fixed token that was revoked gives a typed 401 ...
        let (revoked, _) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        mock.revoke(&revoked);
        let fixed = Client::builder()
            .base_url(mock.base_url().as_str())
            .bearer_token(StaticToken::new(revoked))
            .build()
            .expect("a client");
        let err = fixed.people().get("Farrell").await.unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
        assert_eq!(err.error(), Some("invalid_token"));

        // ... and a client with credentials gets a new token when its own expires.
        let client = Client::builder()
            .base_url(mock.base_url().as_str())
            .client_credentials(mock.client_id(), mock.client_secret())
            .build()
            .expect("a client");
        client.people().get("Farrell").await.expect("a read");
        mock.expire_tokens();
        client
            .people()
            .get("Farrell")
            .await
            .expect("a read with a new token");
    })
    .await;
}

#[tokio::test]
async fn a_reused_refresh_token_is_invalid_grant() {
    bounded(async {
        let mock = PeopleMock::start().await;
        let http = reqwest::Client::new();
        let (_, first) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        let refresh = |token: String| {
            let (http, mock) = (&http, &mock);
            async move {
                let form = [
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token.as_str()),
                    ("client_id", mock.client_id()),
                    ("client_secret", mock.client_secret()),
                ];
                token_request(http, mock, &form).await
            }
        };
        let (status, body) = refresh(first.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let second = body["refresh_token"]
            .as_str()
            .expect("a new refresh token")
            .to_owned();
        assert_ne!(second, first, "refresh tokens rotate");

        // The first one was retired by its use.
        let (status, body) = refresh(first).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_grant");

        // The new one works, once.
        let (status, body) = refresh(second.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = refresh(second).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );

        // Another client's refresh token is no grant for this one.
        let (_, readers) = grant(&http, &mock, READER_CLIENT_ID, READER_CLIENT_SECRET).await;
        let (status, body) = refresh(readers).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );

        // Expired refresh tokens neither.
        let (_, third) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        mock.expire_tokens();
        let (status, body) = refresh(third).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------

/// Everything `tracing` writes while installed, at every level.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("the log buffer")).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("the log buffer")
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} holds a secret or a token: {text}"
        );
    }
}

/// The client secret and every token stay out of the SDK's `Debug` and `Display` output, the
/// mock's journal and the logs of both (captured at TRACE level). The server tasks run on this
/// thread (a current-thread runtime), so their events reach the capturing subscriber.
#[tokio::test]
async fn no_secret_or_token_in_debug_output_the_journal_or_the_logs() {
    let logs = LogCapture::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    bounded(async {
        const SECRET: &str = "s3cret-of-the-robot-7f2c";
        let mock = PeopleMock::builder()
            .client("robot", SECRET, &["people:read", "people:write"])
            .start()
            .await;
        let http = reqwest::Client::new();
        let token_url = format!("{}oauth/token", mock.base_url());

        // The SDK's own token, read through its public token source.
        let creds = ClientCredentials::builder(&token_url, "robot", SECRET)
            .build()
            .expect("credentials");
        let sdk_token = creds.token().await.expect("a token");
        let sdk_token = sdk_token.expose_secret().to_owned();
        let client = Client::builder()
            .base_url(mock.base_url().as_str())
            .token_source(creds.clone())
            .build()
            .expect("a client");
        let mut errors: Vec<Error> = Vec::new();
        client.people().get("Farrell").await.expect("a read");
        errors.push(client.people().get("Nobody").await.map(drop).unwrap_err());
        errors.push(
            client
                .people()
                .create("Doug", "Farrell")
                .await
                .map(drop)
                .unwrap_err(),
        );
        errors.push(
            client
                .people()
                .create("", "Bad/Key")
                .await
                .map(drop)
                .unwrap_err(),
        );

        // Tokens obtained by hand, sent the ways a careless client might: Basic credentials,
        // form fields, a bearer header, a query parameter.
        let basic = http
            .post(&token_url)
            .basic_auth("robot", Some(SECRET))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("an answer");
        let basic: Value = basic.json().await.expect("a token");
        let (form_token, refresh) = grant(&http, &mock, "robot", SECRET).await;
        let in_url = http
            .get(format!(
                "{}people?access_token={form_token}&page=1",
                mock.base_url()
            ))
            .bearer_auth(&form_token)
            .send()
            .await
            .expect("an answer");
        assert_eq!(in_url.status(), StatusCode::OK);
        let by_form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", "robot"),
            ("client_secret", SECRET),
        ];
        let (status, _) = token_request(&http, &mock, &by_form).await;
        assert_eq!(status, StatusCode::OK);

        // A token revoked under the SDK: it recovers or fails, and says nothing secret either way.
        mock.revoke(&sdk_token);
        if let Err(err) = client.people().get("Farrell").await {
            errors.push(err);
        }
        let unauthorized = Client::builder()
            .base_url(mock.base_url().as_str())
            .bearer_token(StaticToken::new(sdk_token.clone()))
            .build()
            .expect("a client");
        errors.push(
            unauthorized
                .people()
                .get("Farrell")
                .await
                .map(drop)
                .unwrap_err(),
        );

        let basic_access = basic["access_token"].as_str().expect("a token").to_owned();
        let basic_refresh = basic["refresh_token"].as_str().expect("a token").to_owned();
        let secrets = [
            SECRET,
            &sdk_token,
            &form_token,
            &refresh,
            &basic_access,
            &basic_refresh,
        ];

        assert_clean("Client", &format!("{client:?}"), &secrets);
        assert_clean(
            "a client with a fixed token",
            &format!("{unauthorized:?}"),
            &secrets,
        );
        assert_clean("ClientCredentials", &format!("{creds:?}"), &secrets);
        for err in &errors {
            let mut text = format!("{err:?} {err}");
            let mut source = std::error::Error::source(err);
            while let Some(cause) = source {
                text.push_str(&format!(" {cause} {cause:?}"));
                source = cause.source();
            }
            assert_clean("an SDK error", &text, &secrets);
        }

        let journal = mock.journal();
        assert!(journal.len() >= 8, "the journal recorded the requests");
        let journal_text: String = journal
            .iter()
            .map(|entry| format!("{entry:?} {}\n", entry.to_json()))
            .collect();
        assert_clean("the journal", &journal_text, &secrets);
        assert!(
            journal_text.contains(REDACTED),
            "credentials are shown as redacted"
        );
        assert!(journal_text.contains(&format!("access_token={REDACTED}")));

        let log = logs.text();
        assert!(
            log.contains("people_mock::request"),
            "the mock logged its requests: {log}"
        );
        assert_clean("the logs", &log, &secrets);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// The program: slow clients.

/// The `people-mock` program of this build, built if needed (a no-op when `cargo test` built it).
fn program() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from <target>/<profile>/deps");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.args([
        "build",
        "--quiet",
        "-p",
        "people-mock",
        "--bin",
        "people-mock",
    ]);
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            build.arg("--release");
        }
        Some(other) => {
            build.args(["--profile", other]);
        }
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "people-mock builds");
    profile_dir.join(format!("people-mock{}", std::env::consts::EXE_SUFFIX))
}

/// A running `people-mock`, stopped (by its own handle) when dropped.
struct Program {
    child: Child,
    addr: String,
    base: String,
    stderr: Arc<Mutex<String>>,
}

impl Program {
    fn start(extra: &[&str]) -> Self {
        let mut child = Command::new(program())
            .args(["--addr", "127.0.0.1:0", "--log-format", "compact"])
            .args(extra)
            .env("RUST_LOG", "trace")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("people-mock starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let banner = lines.next().expect("a banner").expect("a line");
        let base = banner.rsplit(' ').next().expect("the base URL").to_owned();
        std::thread::spawn(move || lines.for_each(drop));
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                sink.lock()
                    .expect("the log buffer")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let addr = base
            .trim_start_matches("http://")
            .split('/')
            .next()
            .expect("host:port")
            .to_owned();
        Self {
            child,
            addr,
            base,
            stderr,
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads until the server closes the connection; returns what it sent. Bounded by the caller.
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// `--header-read-timeout 1`: a client that sends half a request line, or a head without its
/// final blank line, and then waits, is cut off. The test waits for the close with a generous
/// bound; it does not measure how fast it comes.
#[tokio::test]
async fn a_client_slow_to_send_its_head_is_cut_off() {
    bounded(async {
        let program = Program::start(&["--header-read-timeout", "1"]);
        for partial in [
            &b"GET /api/v1/peo"[..],
            &b"GET /api/v1/people HTTP/1.1\r\nHost: x\r\nAccept: appl"[..],
            &b"GET /api/v1/people HTTP/1.1\r\nHost: x\r\n"[..],
            &b""[..],
        ] {
            let mut stream = TcpStream::connect(&program.addr)
                .await
                .expect("a connection");
            stream.write_all(partial).await.expect("a partial head");
            let answer = tokio::time::timeout(Duration::from_secs(20), read_to_close(&mut stream))
                .await
                .unwrap_or_else(|_| panic!("still open: {:?}", String::from_utf8_lossy(partial)));
            // Nothing but, at most, an error status is sent before closing.
            let text = String::from_utf8_lossy(&answer);
            assert!(text.is_empty() || text.starts_with("HTTP/1.1 4"), "{text}");
        }
        // A complete head in time is served as usual.
        let mut stream = TcpStream::connect(&program.addr)
            .await
            .expect("a connection");
        stream
            .write_all(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("a request");
        let answer = read_to_close(&mut stream).await;
        assert!(
            answer.starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&answer)
        );
    })
    .await;
}

/// `--body-read-timeout 1`: a client that sends its head in time and then stalls part-way through
/// its body is cut off, and nothing of that request is stored; a body that keeps coming, with
/// pauses shorter than the timeout, is served as usual. The closes are awaited with generous
/// bounds; nothing measures how fast they come.
#[tokio::test]
async fn a_client_slow_to_send_its_body_is_cut_off() {
    bounded(async {
        let program = Program::start(&["--header-read-timeout", "1", "--body-read-timeout", "1"]);
        let http = reqwest::Client::new();
        let token: Value = http
            .post(format!("{}oauth/token", program.base))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "demo-client"),
                ("client_secret", "demo-secret"),
            ])
            .send()
            .await
            .expect("a token")
            .json()
            .await
            .expect("a token");
        let token = token["access_token"].as_str().expect("a token").to_owned();
        let post = |lname: &str| {
            let body = format!(r#"{{"fname":"Slow","lname":"{lname}"}}"#);
            let head = format!(
                "POST /api/v1/people HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            (head, body)
        };

        // Stalls after five bytes of its body: the connection is closed without an answer.
        let (head, body) = post("Sloth");
        let mut stream = TcpStream::connect(&program.addr)
            .await
            .expect("a connection");
        stream.write_all(head.as_bytes()).await.expect("the head");
        stream
            .write_all(&body.as_bytes()[..5])
            .await
            .expect("a little of the body");
        let answer = tokio::time::timeout(Duration::from_secs(20), read_to_close(&mut stream))
            .await
            .expect("the stalled connection is closed");
        assert!(
            !String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 2"),
            "a stalled body was accepted"
        );
        let stored = http
            .get(format!("{}people/Sloth", program.base))
            .bearer_auth(&token)
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            stored.status(),
            404,
            "nothing of the stalled request is stored"
        );

        // Pauses shorter than the timeout: served as usual.
        let (head, body) = post("Snail");
        let mut stream = TcpStream::connect(&program.addr)
            .await
            .expect("a connection");
        stream.write_all(head.as_bytes()).await.expect("the head");
        for piece in body.as_bytes().chunks(8) {
            stream.write_all(piece).await.expect("a piece of the body");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let answer = read_to_close(&mut stream).await;
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 201"), "{text}");

        // The program's request log (at TRACE) never shows the token.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let log = program.stderr.lock().expect("the log").clone();
        assert!(
            log.contains("/api/v1/people"),
            "the request was logged: {log}"
        );
        assert_clean("the program's log", &log, &[&token, "demo-secret"]);
    })
    .await;
}
