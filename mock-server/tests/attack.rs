//! Requests an attacker could send, over a real socket: from a page on another site (cross-site
//! writes, DNS rebinding), with malformed heads, and from clients that hold connections. Every
//! wait is bounded; no assertion is about speed.

mod support;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use people_mock::PeopleMock;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A bound against hanging, not a speed goal.
const BOUND: Duration = Duration::from_secs(60);

/// An answer read off the socket.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts the contract's JSON error with this status and code.
    fn assert_error(&self, status: u16, error: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        assert_eq!(body["error"], error, "{body}");
        let code = body["error_code"].as_u64().unwrap_or_default();
        assert_eq!(code / 1000, u64::from(status), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

/// Sends `head` (lines without their CRLF) and `body` on a new connection and reads the answer
/// until the server closes it (`Connection: close` is added).
async fn send(addr: SocketAddr, head: &[&str], body: &[u8]) -> Answer {
    let mut text = head.join("\r\n");
    text.push_str("\r\nConnection: close\r\n\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    exchange(addr, &bytes).await
}

/// Writes `bytes` on a new connection and parses what comes back until the server closes it.
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Answer {
    let run = async {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out).await;
        out
    };
    let out = tokio::time::timeout(BOUND, run)
        .await
        .expect("the server answers and closes");
    parse(&out)
}

fn parse(out: &[u8]) -> Answer {
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head: {:?}", String::from_utf8_lossy(out)));
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: out[split + 4..].to_vec(),
    }
}

/// The cross-site write of the issue: a text/plain POST, which a page sends without a preflight.
const FAULT: &str = r#"{"kind":"status","status":503}"#;

fn post_fault(host: &str, origin: Option<&str>, content_type: &str) -> Vec<String> {
    let mut head = vec![
        "POST /__mock/faults HTTP/1.1".to_string(),
        format!("Host: {host}"),
        format!("Content-Type: {content_type}"),
        format!("Content-Length: {}", FAULT.len()),
    ];
    if let Some(origin) = origin {
        head.push(format!("Origin: {origin}"));
    }
    head
}

async fn post(mock: &PeopleMock, head: Vec<String>) -> Answer {
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    send(mock.addr(), &head, FAULT.as_bytes()).await
}

#[tokio::test]
async fn a_page_cannot_inject_faults() {
    let mock = PeopleMock::start().await;
    let here = mock.addr().to_string();
    post(
        &mock,
        post_fault("evil.example", Some("https://evil.example"), "text/plain"),
    )
    .await
    .assert_error(421, "host_not_allowed");
    post(
        &mock,
        post_fault(&here, Some("https://evil.example"), "application/json"),
    )
    .await
    .assert_error(403, "origin_refused");
    post(&mock, post_fault(&here, Some("null"), "application/json"))
        .await
        .assert_error(403, "origin_refused");
    post(&mock, post_fault(&here, None, "text/plain"))
        .await
        .assert_error(415, "unsupported_media_type");
    let mut cross_site = post_fault(&here, None, "application/json");
    cross_site.push("Sec-Fetch-Site: cross-site".into());
    post(&mock, cross_site)
        .await
        .assert_error(403, "origin_refused");
    assert!(mock.faults().is_empty());
    // The server's own pages may call it, with JSON.
    let own = post(
        &mock,
        post_fault(&here, Some(&mock.uri()), "application/json"),
    )
    .await;
    assert_eq!(own.status, 201, "{own:?}");
    assert_eq!(mock.faults().len(), 1);
}

#[tokio::test]
async fn a_rebound_name_reads_nothing() {
    let mock = PeopleMock::builder()
        .allowed_host("mock.internal")
        .start()
        .await;
    for path in [
        "/__mock/journal",
        "/api/v1/openapi.json",
        "/api/v1/people",
        "/",
    ] {
        let request = format!("GET {path} HTTP/1.1");
        send(mock.addr(), &[&request, "Host: evil.example:8080"], b"")
            .await
            .assert_error(421, "host_not_allowed");
    }
    for host in [
        "localhost:1",
        "127.0.0.1",
        "[::1]:80",
        "mock.internal:8080",
        "MOCK.internal",
    ] {
        let host = format!("Host: {host}");
        let answer = send(mock.addr(), &["GET /__mock/config HTTP/1.1", &host], b"").await;
        assert_eq!(answer.status, 200, "{host}: {answer:?}");
    }
    // Absolute form names the host, whatever Host says.
    send(
        mock.addr(),
        &[
            "GET http://evil.example/__mock/journal HTTP/1.1",
            "Host: localhost",
        ],
        b"",
    )
    .await
    .assert_error(421, "host_not_allowed");
}

#[tokio::test]
async fn host_must_be_there_once() {
    let mock = PeopleMock::start().await;
    send(mock.addr(), &["GET /api/v1/openapi.json HTTP/1.1"], b"")
        .await
        .assert_error(400, "invalid_host");
    send(
        mock.addr(),
        &[
            "GET /api/v1/openapi.json HTTP/1.1",
            "Host: localhost",
            "Host: localhost",
        ],
        b"",
    )
    .await
    .assert_error(400, "invalid_host");
    let old = send(mock.addr(), &["GET /api/v1/openapi.json HTTP/1.0"], b"").await;
    assert_eq!(old.status, 200);
}

#[tokio::test]
async fn admin_writes_need_a_json_body() {
    let mock = PeopleMock::start().await;
    let here = format!("Host: {}", mock.addr());
    let reset = |content_type: &'static str, body: &'static str| {
        let here = here.clone();
        let addr = mock.addr();
        async move {
            let length = format!("Content-Length: {}", body.len());
            let content_type = format!("Content-Type: {content_type}");
            send(
                addr,
                &["POST /__mock/reset HTTP/1.1", &here, &content_type, &length],
                body.as_bytes(),
            )
            .await
        }
    };
    reset("text/plain", "{}")
        .await
        .assert_error(415, "unsupported_media_type");
    reset("application/x-www-form-urlencoded", "a=b")
        .await
        .assert_error(415, "unsupported_media_type");
    reset("application/json", "")
        .await
        .assert_error(400, "invalid_json");
    assert_eq!(reset("application/json", "{}").await.status, 200);
}

#[tokio::test]
async fn the_admin_token_guards_the_admin_surface() {
    let mock = PeopleMock::builder().admin_token("s3cret").start().await;
    let here = format!("Host: {}", mock.addr());
    let answer = send(mock.addr(), &["GET /__mock/journal HTTP/1.1", &here], b"").await;
    answer.assert_error(401, "admin_token_required");
    assert!(
        answer
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    send(
        mock.addr(),
        &[
            "GET /__mock/journal HTTP/1.1",
            &here,
            "Authorization: Bearer wrong",
        ],
        b"",
    )
    .await
    .assert_error(401, "admin_token_required");
    let ok = send(
        mock.addr(),
        &[
            "GET /__mock/journal HTTP/1.1",
            &here,
            "Authorization: Bearer s3cret",
        ],
        b"",
    )
    .await;
    assert_eq!(ok.status, 200);
    // The API does not need it.
    let spec = send(
        mock.addr(),
        &["GET /api/v1/openapi.json HTTP/1.1", &here],
        b"",
    )
    .await;
    assert_eq!(spec.status, 200);
}

#[tokio::test]
async fn off_loopback_needs_an_admin_token_and_no_public_secrets() {
    let any = SocketAddr::from(([0, 0, 0, 0], 0));
    let err = PeopleMock::builder()
        .addr(any)
        .try_start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("admin token"), "{err}");
    let err = PeopleMock::builder()
        .addr(any)
        .admin_token("t")
        .try_start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("demo clients"), "{err}");
    let own_client = PeopleMock::builder()
        .addr(any)
        .admin_token("t")
        .no_default_clients()
        .client("ci", "a-real-secret", &["people:read"])
        .try_start()
        .await;
    assert!(own_client.is_ok());
    let allowed = PeopleMock::builder()
        .addr(any)
        .admin_token("t")
        .allow_demo_clients()
        .try_start()
        .await;
    assert!(allowed.is_ok());
}

/// Runs the program with `args` and waits (within [`BOUND`]) for it to exit.
fn run_to_exit(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_people-mock"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code(), err);
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("the program did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_program_refuses_to_expose_public_secrets() {
    let (code, err) = run_to_exit(&["--addr", "0.0.0.0:0"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("admin token"), "{err}");
    let (code, err) = run_to_exit(&["--addr", "0.0.0.0:0", "--admin-token", "t"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--allow-demo-clients"), "{err}");
}

/// A token of the demo client, over the socket.
async fn token(mock: &PeopleMock) -> String {
    support::socket_token(mock).await
}

fn preflight(path: &str, origin: &str) -> Vec<String> {
    vec![
        format!("OPTIONS {path} HTTP/1.1"),
        "Host: localhost".into(),
        format!("Origin: {origin}"),
        "Access-Control-Request-Method: PATCH".into(),
        "Access-Control-Request-Headers: authorization, content-type, if-match".into(),
    ]
}

async fn send_owned(mock: &PeopleMock, head: &[String], body: &[u8]) -> Answer {
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    send(mock.addr(), &head, body).await
}

#[tokio::test]
async fn a_local_single_page_app_may_call_the_api() {
    let mock = PeopleMock::start().await;
    let answer = send_owned(
        &mock,
        &preflight("/api/v1/people/Farrell", "http://localhost:5173"),
        b"",
    )
    .await;
    assert_eq!(answer.status, 204, "{answer:?}");
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(
        answer
            .header("access-control-allow-methods")
            .unwrap()
            .contains("PATCH")
    );
    assert!(
        answer
            .header("access-control-allow-headers")
            .unwrap()
            .contains("if-match")
    );
    assert!(answer.header("vary").unwrap().contains("Origin"));

    let token = token(&mock).await;
    let auth = format!("Authorization: Bearer {token}");
    let answer = send(
        mock.addr(),
        &[
            "GET /api/v1/people?per_page=1 HTTP/1.1",
            "Host: localhost",
            "Origin: http://localhost:5173",
            &auth,
        ],
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    let exposed = answer
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "location",
        "etag",
        "link",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
    ] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed}");
    }
    assert!(answer.header("access-control-allow-credentials").is_none());
}

#[tokio::test]
async fn other_origins_need_to_be_configured() {
    let mock = PeopleMock::start().await;
    send_owned(
        &mock,
        &preflight("/api/v1/people", "https://evil.example"),
        b"",
    )
    .await
    .assert_error(403, "origin_refused");
    let plain = send(
        mock.addr(),
        &[
            "GET /api/v1/openapi.json HTTP/1.1",
            "Host: localhost",
            "Origin: https://evil.example",
        ],
        b"",
    )
    .await;
    assert_eq!(plain.status, 200);
    assert!(plain.header("access-control-allow-origin").is_none());

    let mock = PeopleMock::builder()
        .cors_origin("https://app.example/")
        .start()
        .await;
    let answer = send_owned(
        &mock,
        &preflight("/api/v1/people", "https://app.example"),
        b"",
    )
    .await;
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("https://app.example")
    );

    let mock = PeopleMock::builder().cors_origin("*").start().await;
    let answer = send_owned(
        &mock,
        &preflight("/api/v1/people", "https://any.example"),
        b"",
    )
    .await;
    assert_eq!(answer.status, 204);
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn the_admin_surface_never_answers_cors() {
    let mock = PeopleMock::builder().cors_origin("*").start().await;
    let answer = send_owned(
        &mock,
        &preflight("/__mock/faults", "http://localhost:5173"),
        b"",
    )
    .await;
    answer.assert_error(403, "origin_refused");
    assert!(answer.header("access-control-allow-origin").is_none());
    let answer = send(
        mock.addr(),
        &[
            "GET /__mock/journal HTTP/1.1",
            "Host: localhost",
            "Origin: http://localhost:5173",
        ],
        b"",
    )
    .await;
    assert_eq!(answer.status, 403);
    assert!(answer.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn head_limits_answer_json() {
    let mock = PeopleMock::start().await;
    let long = format!("GET /api/v1/people?fname={} HTTP/1.1", "a".repeat(9000));
    send(mock.addr(), &[&long, "Host: localhost"], b"")
        .await
        .assert_error(414, "uri_too_long");
    let many: Vec<String> = (0..150).map(|i| format!("X-Header-{i}: v")).collect();
    let mut head = vec![
        "GET /api/v1/openapi.json HTTP/1.1".to_string(),
        "Host: localhost".into(),
    ];
    head.extend(many);
    send_owned(&mock, &head, b"")
        .await
        .assert_error(431, "headers_too_large");
    let big = format!("X-Big: {}", "v".repeat(100 * 1024));
    send(
        mock.addr(),
        &["GET /api/v1/openapi.json HTTP/1.1", "Host: localhost", &big],
        b"",
    )
    .await
    .assert_error(431, "headers_too_large");
}

/// Heads hyper cannot parse or hold never reach the application; their answers have the
/// contract's shape all the same.
#[tokio::test]
async fn heads_hyper_refuses_answer_json() {
    let mock = PeopleMock::start().await;
    for garbage in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /api/v1/people HTTP/9.9\r\nHost: localhost\r\n\r\n",
        b"GET /api/v1/people HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n",
        b"GET /api/v1/peo\x01ple HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ] {
        exchange(mock.addr(), garbage)
            .await
            .assert_error(400, "malformed_request");
    }
    // Past hyper's own limits: a 500 KiB head, 1,200 fields, a 70 KiB target.
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
        "a".repeat(500 * 1024)
    );
    exchange(mock.addr(), huge.as_bytes())
        .await
        .assert_error(431, "headers_too_large");
    let fields: String = (0..1200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET / HTTP/1.1\r\nHost: localhost\r\n{fields}\r\n");
    exchange(mock.addr(), many.as_bytes())
        .await
        .assert_error(431, "headers_too_large");
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    exchange(mock.addr(), long.as_bytes())
        .await
        .assert_error(414, "uri_too_long");
}

/// A malformed request after a good one on the same connection: the first answer is untouched,
/// the second is the JSON error.
#[tokio::test]
async fn a_pipelined_malformed_request_answers_json() {
    let mock = PeopleMock::start().await;
    let bytes = b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\nNOT HTTP\r\n\r\n";
    let run = async {
        let mut stream = TcpStream::connect(mock.addr()).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out).await;
        out
    };
    let out = tokio::time::timeout(BOUND, run).await.unwrap();
    let first = parse(&out);
    assert_eq!(first.status, 200);
    let length: usize = first.header("content-length").unwrap().parse().unwrap();
    let spec: Value = serde_json::from_slice(&first.body[..length]).unwrap();
    assert_eq!(spec["openapi"], "3.0.3");
    parse(&first.body[length..]).assert_error(400, "malformed_request");
}

/// Names RFC 6761 keeps for loopback, and the fully qualified form of a name, are answered.
#[tokio::test]
async fn loopback_names_and_trailing_dots_are_answered() {
    let mock = PeopleMock::builder()
        .allowed_host("mock.internal")
        .start()
        .await;
    for host in [
        "localhost.",
        "localhost.:80",
        "app.localhost:5173",
        "mock.internal.",
    ] {
        let host = format!("Host: {host}");
        let answer = send(mock.addr(), &["GET /__mock/config HTTP/1.1", &host], b"").await;
        assert_eq!(answer.status, 200, "{host}: {answer:?}");
    }
    for host in ["evillocalhost", "localhost.evil.example", ".localhost"] {
        let host = format!("Host: {host}");
        send(mock.addr(), &["GET /__mock/config HTTP/1.1", &host], b"")
            .await
            .assert_error(421, "host_not_allowed");
    }
}

/// POST /api/v1/people with `content_type` and a valid body.
async fn create_with(mock: &PeopleMock, token: &str, content_type: &str, lname: &str) -> Answer {
    let body = format!(r#"{{"fname":"Ada","lname":"{lname}"}}"#);
    let head = [
        "POST /api/v1/people HTTP/1.1".to_string(),
        "Host: localhost".into(),
        format!("Authorization: Bearer {token}"),
        format!("Content-Type: {content_type}"),
        format!("Content-Length: {}", body.len()),
    ];
    send_owned(mock, &head, body.as_bytes()).await
}

#[tokio::test]
async fn media_types_follow_the_rfc_and_json_is_utf8() {
    let mock = PeopleMock::start().await;
    let token = token(&mock).await;
    for (i, ok) in [
        "application/json ; charset=utf-8",
        "application/json;charset=UTF-8",
        r#"application/json; charset="utf-8""#,
        "application/json;;",
    ]
    .iter()
    .enumerate()
    {
        let answer = create_with(&mock, &token, ok, &format!("Ok{i}")).await;
        assert_eq!(answer.status, 201, "{ok}: {answer:?}");
    }
    for bad in [
        "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16",
        "text/plain",
    ] {
        create_with(&mock, &token, bad, "Bad")
            .await
            .assert_error(415, "unsupported_media_type");
    }
    assert!(mock.person("Bad").is_none());
}

#[tokio::test]
async fn a_trickling_body_is_cut_off() {
    let mock = PeopleMock::builder()
        .body_deadline(Duration::from_secs(1))
        .body_read_timeout(Duration::from_secs(30))
        .start()
        .await;
    let token = token(&mock).await;
    let head = format!(
        "POST /api/v1/people HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
    );
    let mut stream = TcpStream::connect(mock.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    // One byte every 100 ms, under the JSON limit: never a stall, never done within the bound.
    let trickle = tokio::spawn(async move {
        while write.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut out = Vec::new();
    let closed = tokio::time::timeout(BOUND, read.read_to_end(&mut out)).await;
    trickle.abort();
    assert!(closed.is_ok(), "the connection was not closed");
}

#[tokio::test]
async fn connections_over_the_cap_get_a_json_503() {
    let mock = PeopleMock::builder().max_connections(1).start().await;
    // The first connection is served and kept open.
    let mut held = TcpStream::connect(mock.addr()).await.unwrap();
    held.write_all(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    tokio::time::timeout(BOUND, held.read_exact(&mut first))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let refused = send(
        mock.addr(),
        &["GET /api/v1/openapi.json HTTP/1.1", "Host: localhost"],
        b"",
    )
    .await;
    refused.assert_error(503, "too_many_connections");
    assert_eq!(refused.header("retry-after"), Some("1"));
    drop(held);
    // Once it is closed, the place is free again.
    let served = tokio::time::timeout(BOUND, async {
        loop {
            let answer = send(
                mock.addr(),
                &["GET /api/v1/openapi.json HTTP/1.1", "Host: localhost"],
                b"",
            )
            .await;
            if answer.status == 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(served.is_ok());
}

#[tokio::test]
async fn the_journal_redacts_every_credential() {
    let mock = PeopleMock::start().await;
    send(
        mock.addr(),
        &[
            "GET /api/v1/openapi.json?id_token=t1&API_KEY=t2&%61pikey=t3&code=t4&client_assertion=t5&page=1 HTTP/1.1",
            "Host: localhost",
            "X-Auth-Token: t6",
            "X-Access-Token: t7",
            "Api-Key: t8",
            "X-Amz-Security-Token: t9",
        ],
        b"",
    )
    .await;
    let journal = mock.journal();
    let entry = journal.last().unwrap();
    let text = format!("{:?} {:?}", entry.query, entry.headers);
    for secret in ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"] {
        assert!(
            !text.contains(&format!("={secret}")) && !text.contains(&format!("\"{secret}\"")),
            "{secret} in {text}"
        );
    }
    assert!(text.contains("page=1"), "{text}");
}

/// The program's network flags reach the server: each is seen in what it does, then in
/// `/__mock/config`.
#[tokio::test]
async fn the_network_flags_reach_the_server() {
    let program = support::program::Program::start(&[
        "--log-format",
        "off",
        "--allowed-host",
        "mock.internal",
        "--cors",
        "https://app.example",
        "--admin-token",
        "s3cret",
        "--body-deadline",
        "7",
        "--max-connections",
        "50",
    ])
    .await;
    let addr: SocketAddr = program.addr.parse().unwrap();
    let config = send(
        addr,
        &[
            "GET /__mock/config HTTP/1.1",
            "Host: mock.internal",
            "Authorization: Bearer s3cret",
        ],
        b"",
    )
    .await;
    assert_eq!(config.status, 200, "{config:?}");
    let network = &config.json()["network"];
    assert_eq!(network["allowed_hosts"][0], "mock.internal");
    assert_eq!(network["cors_origins"][0], "https://app.example");
    assert_eq!(network["admin_token"], true);
    assert_eq!(network["body_deadline_secs"], 7.0);
    assert_eq!(network["max_connections"], 50);
    assert!(!config.body.windows(6).any(|w| w == b"s3cret"));
    send(
        addr,
        &["GET /__mock/config HTTP/1.1", "Host: localhost"],
        b"",
    )
    .await
    .assert_error(401, "admin_token_required");
    let head = preflight("/api/v1/people", "https://app.example");
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let answer = send(addr, &head, b"").await;
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("https://app.example")
    );
}

/// Off loopback, with what it needs, the program starts and warns.
#[tokio::test]
async fn the_program_warns_off_loopback() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_people-mock"));
    command.args([
        "--addr",
        "0.0.0.0:0",
        "--admin-token",
        "t",
        "--allow-demo-clients",
        "--log-format",
        "off",
    ]);
    let program = support::program::Program::spawn(command).await;
    let warning = program
        .stderr
        .until("the warning", |text| text.contains("warning"))
        .await;
    assert!(warning.contains("loopback"), "{warning}");
}
