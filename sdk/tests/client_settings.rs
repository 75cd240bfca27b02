//! Settings of the client builder that only show on the wire: the token endpoint, the connect
//! timeout and the retry policy.

mod support;

use std::error::Error as _;
use std::time::Duration;

use people_sdk::{Client, RetryPolicy};
use serde_json::json;
use support::within;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PERSON: &str = "/api/v1/people/Farrell";

fn person_json() -> serde_json::Value {
    json!({"fname": "Doug", "lname": "Farrell", "timestamp": "2024-05-01T10:00:00Z"})
}

#[tokio::test]
async fn token_url_sends_token_requests_elsewhere() {
    within(async {
        let api = MockServer::start().await;
        let issuer = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/sso/issue"))
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "at_from_the_issuer", "token_type": "Bearer", "expires_in": 3600
            })))
            .expect(1)
            .mount(&issuer)
            .await;
        Mock::given(method("GET"))
            .and(path(PERSON))
            .and(header("authorization", "Bearer at_from_the_issuer"))
            .respond_with(ResponseTemplate::new(200).set_body_json(person_json()))
            .expect(1)
            .mount(&api)
            .await;
        let client = Client::builder()
            .base_url(api.uri())
            .client_credentials("id", "secret")
            .token_url(format!("{}/sso/issue", issuer.uri()))
            .build()
            .unwrap();

        let person = client.person("Farrell").get().await.unwrap();

        assert_eq!(person.lname.as_str(), "Farrell");
        let to_api = api.received_requests().await.unwrap();
        assert!(
            to_api
                .iter()
                .all(|r| !r.url.path().ends_with("/oauth/token")),
            "no token request went to the API's default token endpoint"
        );
    })
    .await;
}

/// A loopback listener whose accept queue is full: it never accepts, and the kernel drops
/// further connection attempts (their SYNs), so they neither succeed nor fail.
fn full_listener() -> (
    std::net::SocketAddr,
    Vec<std::net::TcpStream>,
    tokio::net::TcpListener,
) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    // The queue of a backlog of 0 holds one connection; a second attempt only makes sure. An
    // attempt that does not get through gives up after its timeout and leaves nothing behind.
    let fillers = (0..2)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()
        })
        .collect();
    (addr, fillers, listener)
}

#[tokio::test]
async fn connect_timeout_bounds_the_connection() {
    within(async {
        let (addr, _fillers, _listener) = full_listener();
        // The call's own time limit is shorter than the default connect timeout (10 s): if the
        // setting did not reach the HTTP client, the call would end by that limit instead, with
        // an error that does not come from connecting.
        let client = Client::builder()
            .base_url(format!("http://{addr}/api/v1"))
            .bearer_token("at_unused")
            .connect_timeout(Duration::from_millis(100))
            .timeout(Duration::from_secs(8))
            .no_retry()
            .build()
            .unwrap();

        let err = client.person("Farrell").get().await.unwrap_err();

        assert!(err.is_timeout(), "{err:?}");
        let transport = err
            .source()
            .and_then(|s| s.downcast_ref::<reqwest::Error>())
            .expect("the HTTP client's error");
        assert!(
            transport.is_connect() && transport.is_timeout(),
            "not a connect timeout: {transport:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn retry_policy_is_the_one_given_and_the_one_followed() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(PERSON))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
            .expect(4)
            .mount(&server)
            .await;
        let policy = RetryPolicy::new()
            .with_max_attempts(4)
            .with_initial_backoff(Duration::from_millis(3))
            .with_max_backoff(Duration::from_millis(7))
            .with_max_retry_after(Duration::from_secs(11))
            .with_jitter(false);
        let client = Client::builder()
            .base_url(server.uri())
            .bearer_token("at_policy")
            .retry(policy.clone())
            .build()
            .unwrap();

        assert_eq!(client.retry_policy(), &policy);
        let got = client.retry_policy();
        assert_eq!(got.max_attempts(), 4);
        assert_eq!(got.initial_backoff(), Duration::from_millis(3));
        assert_eq!(got.max_backoff(), Duration::from_millis(7));
        assert_eq!(got.max_retry_after(), Duration::from_secs(11));
        assert!(!got.jitter());
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_unavailable(), "{err:?}");
        // Four attempts in all: `expect(4)` is checked when the server is dropped.

        let plain = Client::builder().base_url(server.uri()).build().unwrap();
        assert_eq!(plain.retry_policy(), &RetryPolicy::default());
        assert_eq!(plain.retry_policy().max_attempts(), 3);
        assert!(plain.retry_policy().jitter());
        assert_eq!(plain.retry_policy().max_backoff(), Duration::from_secs(5));
        let once = Client::builder()
            .base_url(server.uri())
            .no_retry()
            .build()
            .unwrap();
        assert_eq!(once.retry_policy(), &RetryPolicy::none());
        assert_eq!(once.retry_policy().max_attempts(), 1);
    })
    .await;
}
