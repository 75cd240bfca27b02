//! The running server: start, addresses, spec, and shutdown closing the listener.

mod support;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use people_mock::PeopleMock;
use support::*;
use tokio::net::TcpStream;

/// Whether a connection to `addr` is refused: nothing listens there. A connection reset is no
/// answer either way: a connection caught in the listener's queue as it closes is reset.
async fn refused(addr: SocketAddr) -> bool {
    match TcpStream::connect(addr).await {
        Ok(_) => false,
        Err(err) if err.kind() == ErrorKind::ConnectionReset => false,
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
            true
        }
    }
}

#[tokio::test]
async fn start_serves_on_loopback_and_shutdown_closes_the_listener() {
    let mock = PeopleMock::start().await;
    let addr = mock.addr();
    assert!(addr.ip().is_loopback());
    assert_eq!(mock.uri(), format!("http://{addr}"));
    assert_eq!(mock.base_url().as_str(), format!("http://{addr}/api/v1/"));
    let token = socket_token(&mock).await;
    let resp = reqwest::Client::new()
        .get(mock.base_url().join("people/Farrell").unwrap())
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    mock.shutdown().await;
    // The listening socket is closed once `shutdown` returns: nothing listens on the port.
    assert!(refused(addr).await, "{addr} still accepts connections");
}

/// Dropping cannot wait: the server stops on its own task, soon after. Each attempt yields to
/// it; the test's bound ends the wait if it never stops.
#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let mock = PeopleMock::start().await;
    let addr = mock.addr();
    drop(mock);
    let stopped = tokio::time::timeout(Duration::from_secs(60), async {
        while !refused(addr).await {
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(
        stopped.is_ok(),
        "the server kept accepting connections after the handle was dropped"
    );
}

#[tokio::test]
async fn try_start_reports_a_taken_port() {
    let mock = PeopleMock::start().await;
    let err = PeopleMock::builder()
        .addr(mock.addr())
        .try_start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}

#[tokio::test]
async fn many_servers_side_by_side() {
    let mut mocks = Vec::new();
    for _ in 0..8 {
        mocks.push(PeopleMock::start().await);
    }
    let mut ports: Vec<u16> = mocks.iter().map(|m| m.addr().port()).collect();
    ports.sort();
    ports.dedup();
    assert_eq!(ports.len(), 8);
}

#[tokio::test]
async fn serves_its_spec_and_docs_without_auth() {
    let mock = PeopleMock::start().await;
    let yaml = reqwest::get(format!("{}openapi.yaml", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(yaml.status(), 200);
    assert_eq!(yaml.headers()["content-type"], "application/yaml");
    assert!(yaml.text().await.unwrap().contains("openapi:"));
    let json = reqwest::get(format!("{}openapi.json", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(json.status(), 200);
    let value: serde_json::Value = json.json().await.unwrap();
    assert!(value["openapi"].is_string());
    assert_eq!(Some(value), people_mock::openapi_json());
    let docs = reqwest::get(format!("{}docs", mock.base_url()))
        .await
        .unwrap();
    if cfg!(feature = "ui") {
        assert_eq!(docs.status(), 200);
        assert!(
            docs.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    } else {
        assert_eq!(docs.status(), 404);
    }
}

#[tokio::test]
async fn head_over_the_socket_keeps_content_length() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let client = reqwest::Client::new();
    let get = client
        .get(format!("{}people/Farrell", mock.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let length = get.headers()["content-length"].clone();
    let head = client
        .head(format!("{}people/Farrell", mock.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], length);
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn unauthenticated_requests_count_against_no_rate_limit() {
    let mock = PeopleMock::builder()
        .rate_limit(2, Duration::from_secs(60))
        .start()
        .await;
    let client = reqwest::Client::new();
    let url = format!("{}people", mock.base_url());
    // Authentication answers before the rate limit, and what it refuses is not counted.
    for _ in 0..3 {
        let refused = client.get(&url).send().await.unwrap();
        assert_eq!(refused.status(), 401);
        assert_eq!(refused.headers()["x-ratelimit-remaining"], "2");
    }
    let token = socket_token(&mock).await;
    let counted = client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(counted.status(), 200);
    assert_eq!(counted.headers()["x-ratelimit-remaining"], "1");
}
