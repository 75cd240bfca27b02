//! Slow clients against the `people-mock` program: `--header-read-timeout` cuts off a client that
//! does not finish its request head, `--body-read-timeout` one that stalls part-way through its
//! body, and neither stops a client that sends its whole request at once.
//!
//! Each cut-off is awaited with a generous bound; nothing measures how fast it comes. That pauses
//! shorter than the body timeout are no stall, even when they add up to more, is shown on a paused
//! clock in `src/body_timeout.rs`.

mod support;

use serde_json::Value;
use support::program::{BOUND, Program};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection; returns what it sent.
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

/// Waits (within [`BOUND`]) for the server to close `stream`; returns what it sent first.
async fn closed_by_the_server(stream: &mut TcpStream, what: &str) -> String {
    let answer = tokio::time::timeout(BOUND, read_to_close(stream))
        .await
        .unwrap_or_else(|_| panic!("still open after {BOUND:?}: {what}"));
    String::from_utf8_lossy(&answer).into_owned()
}

/// Sends `request` in one write on a new connection and returns the whole answer (the request
/// asks for `Connection: close`).
async fn send_at_once(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("a connection");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request");
    closed_by_the_server(&mut stream, request).await
}

/// A client slow to send its head gets at most an error status before the close, and a client
/// that sends its head at once is served as usual.
#[tokio::test]
async fn a_client_slow_to_send_its_head_is_cut_off() {
    let program = Program::start(&["--header-read-timeout", "1", "--log-format", "off"]).await;
    // All connections first, then the waits: the timeouts run side by side.
    let mut slow = Vec::new();
    for partial in [
        &b"GET /api/v1/peo"[..],
        &b"GET /api/v1/people HTTP/1.1\r\nHost: localhost\r\nAccept: appl"[..],
        &b"GET /api/v1/people HTTP/1.1\r\nHost: localhost\r\n"[..],
        &b""[..],
    ] {
        let mut stream = TcpStream::connect(&program.addr)
            .await
            .expect("a connection");
        stream.write_all(partial).await.expect("a partial head");
        slow.push((format!("{:?}", String::from_utf8_lossy(partial)), stream));
    }
    for (what, mut stream) in slow {
        let answer = closed_by_the_server(&mut stream, &what).await;
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
            "{what}: {answer}"
        );
    }
    let answer = send_at_once(
        &program.addr,
        "GET /api/v1/openapi.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A client that sends its head and then stalls part-way through its body is cut off without an
/// answer, and nothing of its request is stored; the same request sent at once is served. The
/// request log, at TRACE, never shows the token or the client secret.
#[tokio::test]
async fn a_client_slow_to_send_its_body_is_cut_off() {
    let program =
        Program::start_tracing(&["--body-read-timeout", "1", "--log-format", "compact"]).await;
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}oauth/token", program.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret")
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
            "POST /api/v1/people HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        (head, body)
    };

    // Stalls after five bytes of its body.
    let (head, body) = post("Sloth");
    let mut stream = TcpStream::connect(&program.addr)
        .await
        .expect("a connection");
    stream.write_all(head.as_bytes()).await.expect("the head");
    stream
        .write_all(&body.as_bytes()[..5])
        .await
        .expect("a little of the body");
    let answer = closed_by_the_server(&mut stream, "a stalled body").await;
    assert!(
        !answer.starts_with("HTTP/1.1 2"),
        "a stalled body was accepted: {answer}"
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

    let (head, body) = post("Snail");
    let answer = send_at_once(&program.addr, &format!("{head}{body}")).await;
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    // The log line of a request is written before its answer is sent, so it is in the pipe by
    // now; the test reads until it has come through.
    let log = program
        .stderr
        .until("the log line of the request that created Snail", |log| {
            log.lines()
                .any(|line| line.contains("people_mock::request") && line.contains("status=201"))
        })
        .await;
    for secret in [token.as_str(), "demo-secret"] {
        assert!(
            !log.contains(secret),
            "the program's log holds a secret or a token: {log}"
        );
    }
}
