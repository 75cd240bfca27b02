//! Every flag of the `people-mock` program reaches the server: each is seen in what the server
//! does over HTTP, then in `/__mock/config` where that reports it.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::program::Program;
use support::{BOUNDARY, PNG, Part, multipart};

const ONE_SECOND: Duration = Duration::from_secs(1);

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .unwrap()
        .to_string()
}

async fn json_of(resp: reqwest::Response) -> Value {
    let text = resp.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts a 413 naming the limit that was exceeded.
async fn assert_too_large(resp: reqwest::Response, field: &str, limit: u64) {
    assert_eq!(resp.status(), 413, "over the {field}");
    let body = json_of(resp).await;
    assert_eq!(body["error"], "payload_too_large", "{body}");
    assert_eq!(body["details"][0]["field"], field, "{body}");
    assert_eq!(
        body["details"][0]["message"],
        format!("at most {limit} bytes"),
        "{body}"
    );
}

/// A JSON text of exactly `len` bytes (trailing white space is allowed in JSON).
fn padded(value: &Value, len: usize) -> String {
    let text = value.to_string();
    assert!(text.len() <= len);
    format!("{text}{}", " ".repeat(len - text.len()))
}

async fn post_json(program: &Program, token: &str, path: &str, text: String) -> reqwest::Response {
    program
        .http
        .post(program.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(text)
        .send()
        .await
        .unwrap()
}

async fn upload(
    program: &Program,
    token: &str,
    path: &str,
    parts: &[Part<'_>],
) -> reqwest::Response {
    program
        .http
        .post(program.url(path))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts))
        .send()
        .await
        .unwrap()
}

/// A PNG of exactly `len` bytes.
fn png(len: usize) -> Vec<u8> {
    let mut bytes = PNG.to_vec();
    bytes.resize(len, 0);
    bytes
}

#[tokio::test]
async fn size_limits() {
    let program = Program::start(&[
        "--log-format",
        "off",
        "--json-limit",
        "100",
        "--photo-limit",
        "64",
        "--attachment-limit",
        "10",
        "--attachment-request-limit",
        "15",
    ])
    .await;
    let token = program.demo_token().await;

    // --json-limit
    let person = json!({"fname": "Homer", "lname": "Simpson"});
    let over = post_json(&program, &token, "people", padded(&person, 101)).await;
    assert_too_large(over, "json_limit", 100).await;
    let at = post_json(&program, &token, "people", padded(&person, 100)).await;
    assert_eq!(at.status(), 201);

    // --photo-limit
    for (len, status) in [(65, 413), (64, 201)] {
        let bytes = png(len);
        let part = Part::file("file", "me.png", &bytes).with_content_type("image/png");
        let resp = upload(&program, &token, "people/Simpson/photo", &[part]).await;
        if status == 413 {
            assert_too_large(resp, "photo_limit", 64).await;
        } else {
            assert_eq!(resp.status(), 201, "{len} bytes");
        }
    }

    // --attachment-limit (one file) and --attachment-request-limit (the sum of the files).
    let path = "people/Simpson/attachments";
    let eleven = [b'x'; 11];
    let over = upload(&program, &token, path, &[Part::file("files", "a", &eleven)]).await;
    assert_too_large(over, "attachment_file_limit", 10).await;
    let eight = [b'x'; 8];
    let over = upload(
        &program,
        &token,
        path,
        &[
            Part::file("files", "a", &eight),
            Part::file("files", "b", &eight),
        ],
    )
    .await;
    assert_too_large(over, "attachment_request_limit", 15).await;
    let (ten, five) = ([b'x'; 10], [b'y'; 5]);
    let at = upload(
        &program,
        &token,
        path,
        &[
            Part::file("files", "a", &ten),
            Part::file("files", "b", &five),
        ],
    )
    .await;
    assert_eq!(at.status(), 201);
    let stored = json_of(at).await;
    assert_eq!(stored["data"].as_array().map(Vec::len), Some(2), "{stored}");

    assert_eq!(
        program.config().await["limits"],
        json!({
            "json_bytes": 100,
            "photo_bytes": 64,
            "attachment_file_bytes": 10,
            "attachment_request_bytes": 15,
        })
    );
}

/// The flags of a program on a manual clock, which the tests move over `/__mock/clock`.
const MANUAL_CLOCK: [&str; 4] = ["--log-format", "off", "--clock", "2030-01-01T00:00:00Z"];

/// Moves the clock to the last microsecond of a one-second token's life, where `token` must
/// still work, then past it, where it must be refused.
async fn at_the_end(program: &Program, token: &str) {
    program.advance(0.999_999).await;
    assert_eq!(program.get(token, "people").await.status(), 200);
    program.advance(0.000_001).await;
    let resp = program.get(token, "people").await;
    assert_eq!(resp.status(), 401);
    assert!(header(&resp, "www-authenticate").contains("error=\"invalid_token\""));
}

/// A refresh grant of the demo client.
fn refresh_form(refresh: &str) -> String {
    format!(
        "grant_type=refresh_token&refresh_token={refresh}&client_id=demo-client&client_secret=demo-secret"
    )
}

#[tokio::test]
async fn token_ttl() {
    let program = Program::start(&[&MANUAL_CLOCK[..], &["--token-ttl", "1"]].concat()).await;
    let issued = program.token("demo-client", "demo-secret").await;
    assert_eq!(issued["expires_in"], 1);
    at_the_end(&program, issued["access_token"].as_str().unwrap()).await;
    // The refresh token has its own, longer, lifetime.
    let refresh = issued["refresh_token"].as_str().unwrap();
    let renewed = program.token_response(&refresh_form(refresh)).await;
    assert_eq!(renewed.status(), 200);

    let config = program.config().await;
    assert_eq!(config["token_ttl_secs"], 1);
    assert_eq!(config["refresh_ttl_secs"], 86_400);
}

#[tokio::test]
async fn refresh_ttl() {
    let program = Program::start(&[&MANUAL_CLOCK[..], &["--refresh-ttl", "1"]].concat()).await;
    let issued = program.token("reader", "reader-secret").await;
    let refresh = issued["refresh_token"].as_str().unwrap();
    // More scope than granted: invalid_scope while the refresh token lives, invalid_grant once it
    // has ended; neither uses it up.
    let probe = format!(
        "grant_type=refresh_token&refresh_token={refresh}&client_id=reader&client_secret=reader-secret&scope=people:write"
    );
    let probe_error = || async {
        let resp = program.token_response(&probe).await;
        assert_eq!(resp.status(), 400);
        json_of(resp).await["error"].clone()
    };
    program.advance(0.999_999).await;
    assert_eq!(probe_error().await, "invalid_scope");
    program.advance(0.000_001).await;
    assert_eq!(probe_error().await, "invalid_grant");
    // The access token lives on.
    let token = issued["access_token"].as_str().unwrap();
    assert_eq!(program.get(token, "people").await.status(), 200);

    let config = program.config().await;
    assert_eq!(config["refresh_ttl_secs"], 1);
    assert_eq!(config["token_ttl_secs"], 3600);
}

#[tokio::test]
async fn rate_limit_and_rate_window() {
    let flags = [
        &MANUAL_CLOCK[..],
        &["--rate-limit", "2", "--rate-window", "1"],
    ]
    .concat();
    let program = Program::start(&flags).await;
    let token = program.demo_token().await;
    for remaining in ["1", "0"] {
        let resp = program.get(&token, "people").await;
        assert_eq!(resp.status(), 200);
        assert_eq!(header(&resp, "x-ratelimit-limit"), "2");
        assert_eq!(header(&resp, "x-ratelimit-remaining"), remaining);
    }
    let limited = program.get(&token, "people").await;
    assert_eq!(limited.status(), 429);
    assert_eq!(header(&limited, "retry-after"), "1");
    assert_eq!(header(&limited, "x-ratelimit-remaining"), "0");
    // 2030-01-01T00:00:00Z plus the one-second window.
    assert_eq!(header(&limited, "x-ratelimit-reset"), "1893456001");
    program.advance(1.0).await;
    let fresh = program.get(&token, "people").await;
    assert_eq!(fresh.status(), 200);
    assert_eq!(header(&fresh, "x-ratelimit-reset"), "1893456002");
    assert_eq!(header(&fresh, "x-ratelimit-remaining"), "1");

    assert_eq!(
        program.config().await["rate_limit"],
        json!({"requests": 2, "window_secs": 1.0})
    );
}

#[tokio::test]
async fn journal() {
    let program = Program::start(&["--log-format", "off", "--journal", "2"]).await;
    let token = program.demo_token().await;
    for path in ["people/Farrell", "people/Easter"] {
        assert_eq!(program.get(&token, path).await.status(), 200);
    }
    let journal = json_of(
        program
            .http
            .get(format!("{}/__mock/journal", program.origin))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(journal["capacity"], 2);
    // The token request fell out; the last two remain.
    let paths: Vec<&str> = journal["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/api/v1/people/Farrell", "/api/v1/people/Easter"]);
    assert_eq!(program.config().await["journal_capacity"], 2);
}

#[tokio::test]
async fn clients_and_no_default_clients() {
    let program = Program::start(&[
        "--log-format",
        "off",
        "--people",
        "4",
        "--no-default-clients",
        "--client",
        "robot:robot-secret:people:read",
        "--client",
        "writer:writer-secret:people:read,people:write",
    ])
    .await;
    for (id, secret) in [("demo-client", "demo-secret"), ("reader", "reader-secret")] {
        let resp = program
            .token_response(&format!(
                "grant_type=client_credentials&client_id={id}&client_secret={secret}"
            ))
            .await;
        assert_eq!(resp.status(), 401, "{id}");
        assert_eq!(json_of(resp).await["error"], "invalid_client");
    }
    let robot = program.token("robot", "robot-secret").await;
    assert_eq!(robot["scope"], "people:read");
    let robot = robot["access_token"].as_str().unwrap();
    let list = json_of(program.get(robot, "people").await).await;
    assert_eq!(list["meta"]["pagination"]["total"], 7);
    let denied = post_json(
        &program,
        robot,
        "people",
        json!({"fname": "A", "lname": "B"}).to_string(),
    )
    .await;
    assert_eq!(denied.status(), 403);
    let writer = program.token("writer", "writer-secret").await;
    assert_eq!(writer["scope"], "people:read people:write");
    let created = post_json(
        &program,
        writer["access_token"].as_str().unwrap(),
        "people",
        json!({"fname": "A", "lname": "B"}).to_string(),
    )
    .await;
    assert_eq!(created.status(), 201);

    let config = program.config().await;
    assert_eq!(
        config["clients"],
        json!([
            {"client_id": "robot", "scopes": ["people:read"]},
            {"client_id": "writer", "scopes": ["people:read", "people:write"]},
        ])
    );
    assert_eq!(config["generated_people"], 4);

    let stopped = program.stop().await;
    let banner = stopped.stdout.join("\n");
    assert!(!banner.contains("demo-client"), "{banner}");
    assert!(!banner.contains("reader-secret"), "{banner}");
    assert!(
        banner.contains("client:      robot / (secret as given) (people:read)"),
        "{banner}"
    );
    assert!(!banner.contains("robot-secret"), "{banner}");
}

/// Starts the program with `--log-format FORMAT`, makes one request, stops it, and returns its
/// standard error.
async fn log_of(format: &str) -> Vec<String> {
    let program = Program::start(&["--log-format", format]).await;
    let resp = program
        .http
        .get(program.url("people/Farrell"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // The request's line is written before the answer is sent.
    let stopped = program.stop().await;
    assert!(stopped.status.success(), "{:?}", stopped.status);
    stopped.stderr
}

#[tokio::test]
async fn log_format() {
    let request_line = "INFO people_mock::request: request method=GET path=/api/v1/people/Farrell status=401 latency_ms=";
    for format in ["text", "compact"] {
        let log = log_of(format).await;
        assert_eq!(log.len(), 2, "{format}: {log:?}");
        assert!(log[0].contains(request_line), "{format}: {log:?}");
        // Hundredths of a millisecond at most: `latency_ms=0.03`, not `0.031417`.
        let latency = log[0]
            .split("latency_ms=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_default();
        let decimals = latency.split('.').nth(1).map_or(0, str::len);
        assert!(
            latency.parse::<f64>().is_ok() && decimals <= 2,
            "{format}: {latency:?}"
        );
        assert!(
            chrono::DateTime::parse_from_rfc3339(log[0].split(' ').next().unwrap()).is_ok(),
            "{format}: {log:?}"
        );
        assert_eq!(log[1], "people-mock: shutting down");
    }
    assert_eq!(log_of("off").await, ["people-mock: shutting down"]);
}

/// How long a connection the server should cut after one second may stay open: well under the
/// defaults (10 s for a request head, 30 s for a stalled body), so that a flag which did not reach
/// the server is noticed.
const CUT_BOUND: Duration = Duration::from_secs(6);

/// Reads until the server closes the connection; fails if it does not within [`CUT_BOUND`].
fn until_closed(mut stream: TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(CUT_BOUND))
        .expect("a read timeout");
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the server did not close the connection: {e}"),
    }
    received
}

#[tokio::test]
async fn header_and_body_read_timeouts() {
    let program = Program::start(&[
        "--log-format",
        "off",
        "--header-read-timeout",
        "1",
        "--body-read-timeout",
        "1",
    ])
    .await;
    let addr = program.origin.strip_prefix("http://").unwrap().to_string();
    let token = program.demo_token().await;

    // A request head that never ends.
    let before = Instant::now();
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET /api/v1/people HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let received = tokio::task::spawn_blocking(move || until_closed(stream))
        .await
        .unwrap();
    assert!(before.elapsed() >= ONE_SECOND);
    let text = String::from_utf8_lossy(&received);
    assert!(
        received.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );

    // A body that stalls after its first bytes.
    let before = Instant::now();
    let mut stream = TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /api/v1/people HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"fname\""
    );
    stream.write_all(head.as_bytes()).unwrap();
    let received = tokio::task::spawn_blocking(move || until_closed(stream))
        .await
        .unwrap();
    assert!(before.elapsed() >= ONE_SECOND);
    assert!(
        !String::from_utf8_lossy(&received).contains("201"),
        "{}",
        String::from_utf8_lossy(&received)
    );

    let config = program.config().await;
    assert_eq!(config["header_read_timeout_secs"], 1.0);
    assert_eq!(config["body_read_timeout_secs"], 1.0);
}

#[tokio::test]
async fn addr_from_the_environment() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_people-mock"));
    command
        .env("PEOPLE_MOCK_ADDR", "127.0.0.1:0")
        .env_remove("RUST_LOG")
        .args(["--log-format", "off"]);
    let program = Program::spawn(command).await;
    // A free port, not the default 127.0.0.1:8080.
    assert!(
        program.base.starts_with("http://127.0.0.1:") && !program.base.contains(":8080/"),
        "{}",
        program.base
    );
    let token = program.demo_token().await;
    assert_eq!(program.get(&token, "people").await.status(), 200);
}
