//! Scripted edge cases against wiremock: what a proxy or a broken server may answer.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use people_sdk::{Client, ErrorKind, RetryPolicy};
use serde_json::json;
use support::{token_endpoint, within};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PERSON: &str = "/api/v1/people/Farrell";

fn person_json() -> serde_json::Value {
    json!({"fname": "Doug", "lname": "Farrell", "timestamp": "2026-11-26T09:58:49.123456Z"})
}

fn quick() -> RetryPolicy {
    RetryPolicy::default().with_initial_backoff(Duration::from_millis(1))
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token("at_test")
        .retry(quick())
        .build()
        .unwrap()
}

/// A client that gets its tokens from the server's token endpoint, as client `id`.
fn credentials_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("id", "s")
        .build()
        .unwrap()
}

#[tokio::test]
async fn proxy_html_502() {
    within(async {
        let server = MockServer::start().await;
        let html = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>";
        Mock::given(method("GET"))
            .and(path(PERSON))
            .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
            .expect(3)
            .mount(&server)
            .await;
        let err = client(&server).person("Farrell").get().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
        assert!(err.api_error().is_none());
        assert!(err.raw_body_snippet().unwrap().contains("<title>502 Bad Gateway</title>"));
        assert_eq!(
            err.headers().unwrap().get("content-type").unwrap(),
            "text/html"
        );
        assert!(err.is_retryable());
        let text = err.to_string();
        assert!(text.contains("502") && text.contains("/api/v1/people/Farrell"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn post_is_not_retried_on_502() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/people"))
            .respond_with(
                ResponseTemplate::new(502).set_body_raw("<html>bad gateway</html>", "text/html"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server)
            .people()
            .create("Homer", "Simpson")
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    })
    .await;
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    within(async {
        let server = MockServer::start().await;
        let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
        Mock::given(method("GET"))
            .and(path(PERSON))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", at.as_str()))
            .up_to_n_times(1)
            .with_priority(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(PERSON))
            .respond_with(ResponseTemplate::new(200).set_body_json(person_json()))
            .expect(1)
            .mount(&server)
            .await;
        let person = client(&server).person("Farrell").get().await.unwrap();
        assert_eq!(person.fname.as_str(), "Doug");

        // Without retries the wait is reported, measured from the response. The date has whole
        // seconds, so it is up to 1 s short of `sent + 20 s`; and the wait shrinks by however
        // long the exchange took: the test measures that on the same clock instead of assuming it.
        let server = MockServer::start().await;
        let sent = SystemTime::now();
        let at = httpdate::fmt_http_date(sent + Duration::from_secs(20));
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", at.as_str()))
            .mount(&server)
            .await;
        let no_retry = Client::builder()
            .base_url(server.uri())
            .bearer_token("t")
            .no_retry()
            .build()
            .unwrap();
        let err = no_retry.person("Farrell").get().await.unwrap_err();
        let taken = sent.elapsed().unwrap_or_default();
        let wait = err.retry_after().unwrap();
        let least = Duration::from_secs(19).saturating_sub(taken);
        assert!(
            wait >= least && wait <= Duration::from_secs(20),
            "{wait:?} (at least {least:?})"
        );
    })
    .await;
}

#[tokio::test]
async fn rate_limited_then_fine() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "0")
                    .insert_header("X-RateLimit-Limit", "10")
                    .insert_header("X-RateLimit-Remaining", "0")
                    .insert_header("X-RateLimit-Reset", "1795694400")
                    .set_body_json(json!({"message": "slow down", "error_code": 429001, "error": "rate_limited"})),
            )
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(person_json()))
            .mount(&server)
            .await;
        let client = client(&server);
        client.person("Farrell").get().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
        // The last rate limit seen was the 429's.
        assert_eq!(client.last_rate_limit().map(|r| r.limit), Some(10));
    })
    .await;
}

#[tokio::test]
async fn truncated_json() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/people"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(r#"{"data": [{"fname": "Do"#, "application/json"),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(PERSON))
            .respond_with(
                ResponseTemplate::new(404)
                    .set_body_raw(r#"{"message": "Person 'Farr"#, "application/json"),
            )
            .mount(&server)
            .await;
        let client = client(&server);
        let err = client.people().list().send().await.unwrap_err();
        assert!(err.is_decode(), "{err:?}");
        assert_eq!(err.raw_body_snippet(), Some(r#"{"data": [{"fname": "Do"#));
        assert!(!err.is_retryable());
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        assert!(err.api_error().is_none());
        assert_eq!(err.raw_body_snippet(), Some(r#"{"message": "Person 'Farr"#));
    })
    .await;
}

#[tokio::test]
async fn empty_503() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .expect(3)
            .mount(&server)
            .await;
        let err = client(&server).person("Farrell").get().await.unwrap_err();
        assert!(err.is_unavailable());
        assert!(err.api_error().is_none());
        assert!(err.raw_body_snippet().is_none());
        assert!(err.retry_after().is_none());
    })
    .await;
}

#[tokio::test]
async fn slower_than_the_timeout() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(person_json())
                    // Longer than the test's bound: the answer never comes in time, however
                    // slow the machine.
                    .set_delay(Duration::from_secs(600)),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .bearer_token("t")
            .timeout(Duration::from_millis(100))
            .no_retry()
            .build()
            .unwrap();
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
    })
    .await;
}

/// A server that accepts connections and closes them at once, counting them.
async fn slamming_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://{addr}"), count)
}

#[tokio::test]
async fn dropped_connections() {
    within(async {
        let (uri, count) = slamming_server().await;
        let client = Client::builder()
            .base_url(&uri)
            .bearer_token("t")
            .retry(quick())
            .build()
            .unwrap();
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Transport | ErrorKind::Connect),
            "{err:?}"
        );
        assert_eq!(count.load(Ordering::SeqCst), 3, "GET is retried");
        let err = client
            .people()
            .create("Homer", "Simpson")
            .await
            .unwrap_err();
        assert!(err.status().is_none(), "{err:?}");
        assert_eq!(count.load(Ordering::SeqCst), 4, "POST is not");
    })
    .await;
}

#[tokio::test]
async fn nobody_listening() {
    within(async {
        // A socket bound to a port and not listening: a connection to it is refused, and the
        // port stays this test's until the end (a freed port could be taken by anyone).
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = socket.local_addr().unwrap();
        let client = Client::builder()
            .base_url(format!("http://{addr}/api/v1"))
            .bearer_token("t")
            .retry(quick())
            .build()
            .unwrap();
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_connect(), "{err:?}");
        assert!(err.to_string().contains("could not connect"), "{err}");
    })
    .await;
}

fn token_body(access: &str, expires_in: u64) -> serde_json::Value {
    json!({
        "access_token": access, "token_type": "Bearer", "expires_in": expires_in,
        "refresh_token": format!("rt_{access}"), "scope": "people:read people:write"
    })
}

#[tokio::test]
async fn token_endpoint_errors_are_auth_with_the_oauth_code() {
    within(async {
        for (status, code) in [
            (400, "invalid_request"),
            (401, "invalid_client"),
            (400, "unsupported_grant_type"),
            (400, "invalid_scope"),
            (400, "some_future_code"),
        ] {
            let server = MockServer::start().await;
            token_endpoint()
                .respond_with(
                    ResponseTemplate::new(status)
                        .set_body_json(json!({"error": code, "error_description": "No."})),
                )
                .expect(1)
                .mount(&server)
                .await;
            let client = Client::builder()
                .base_url(server.uri())
                .client_credentials("id", "secret")
                .retry(quick())
                .build()
                .unwrap();
            let err = client.person("Farrell").get().await.unwrap_err();
            assert!(err.is_auth(), "{code}: {err:?}");
            assert_eq!(err.token_endpoint_error().unwrap().code(), code);
            assert_eq!(
                err.token_endpoint_error().unwrap().description(),
                Some("No.")
            );
            assert!(err.to_string().contains(code), "{err}");
        }
        // A token endpoint that answers HTML.
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html"))
            .mount(&server)
            .await;
        let client = credentials_client(&server);
        let err = client.token_info().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(err.raw_body_snippet(), Some("<html>oops</html>"));
        // A success that is not a token.
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer"})))
            .mount(&server)
            .await;
        let client = credentials_client(&server);
        let err = client.token_info().await.unwrap_err();
        assert!(err.is_decode(), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn refresh_falls_back_to_client_credentials_on_invalid_grant() {
    within(async {
        let server = MockServer::start().await;
        // Client credentials: Basic auth of "id:se cret" form-urlencoded, then base64.
        token_endpoint()
            .and(header("authorization", "Basic aWQ6c2UrY3JldA=="))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains("scope=people%3Aread+people%3Awrite"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body("first", 1)))
            .up_to_n_times(1)
            .with_priority(1)
            .expect(1)
            .mount(&server)
            .await;
        token_endpoint()
            .and(body_string_contains("grant_type=refresh_token"))
            .and(body_string_contains("refresh_token=rt_first"))
            .respond_with(
                ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        token_endpoint()
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body("second", 3600)))
            .expect(1)
            .mount(&server)
            .await;
        for token in ["first", "second"] {
            Mock::given(method("GET"))
                .and(path(PERSON))
                .and(header("authorization", format!("Bearer {token}").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(person_json()))
                .expect(1)
                .mount(&server)
                .await;
        }
        let client = Client::builder()
            .base_url(server.uri())
            .client_credentials("id", "se cret")
            .scopes(["people:read", "people:write"])
            .build()
            .unwrap();
        client.person("Farrell").get().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        client.person("Farrell").get().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_bare_invalid_token_challenge_is_replayed() {
    within(async {
        let server = MockServer::start().await;
        let issued = Arc::new(AtomicUsize::new(0));
        let counter = issued.clone();
        token_endpoint()
            .respond_with(move |_: &wiremock::Request| {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                ResponseTemplate::new(200).set_body_json(token_body(&format!("t{n}"), 3600))
            })
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer t0"))
            .respond_with(ResponseTemplate::new(401).insert_header(
                "WWW-Authenticate",
                r#"Bearer realm="people", error="invalid_token""#,
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer t1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(person_json()))
            .mount(&server)
            .await;
        let client = credentials_client(&server);
        client.person("Farrell").get().await.unwrap();
        assert_eq!(issued.load(Ordering::SeqCst), 2);
        // A second rejection of the replay is returned, not replayed again.
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer t1"))
            .and(path("/api/v1/people/Brockman"))
            .respond_with(ResponseTemplate::new(401).set_body_json(
                json!({"message": "expired", "error_code": 401002, "error": "invalid_token"}),
            ))
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer t2"))
            .and(path("/api/v1/people/Brockman"))
            .respond_with(ResponseTemplate::new(401).set_body_json(
                json!({"message": "expired", "error_code": 401002, "error": "invalid_token"}),
            ))
            .with_priority(1)
            .mount(&server)
            .await;
        let err = client.person("Brockman").get().await.unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
        assert_eq!(issued.load(Ordering::SeqCst), 3);
    })
    .await;
}

#[tokio::test]
async fn requests_carry_the_documented_headers() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(PERSON))
            .and(header("authorization", "Bearer at_test"))
            .and(header("accept", "application/json"))
            .and(header(
                "user-agent",
                concat!("people-sdk/", env!("CARGO_PKG_VERSION")),
            ))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(person_json())
                    .insert_header("ETag", "\"e1\""),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("PATCH"))
            .and(path(PERSON))
            .and(header("content-type", "application/merge-patch+json"))
            .and(header("if-match", "\"e1\""))
            .respond_with(ResponseTemplate::new(204).insert_header("ETag", "\"e2\""))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        let fetched = client.person("Farrell").get().await.unwrap();
        let written = client
            .person("Farrell")
            .patch(Default::default())
            .if_match(fetched.etag().unwrap())
            .await
            .unwrap();
        assert_eq!(written.etag().unwrap().as_str(), "\"e2\"");
        let custom = Client::builder()
            .base_url(server.uri())
            .user_agent("my-app/1.0")
            .http_client(reqwest::Client::new())
            .build()
            .unwrap();
        Mock::given(method("GET"))
            .and(header("user-agent", "my-app/1.0"))
            .respond_with(ResponseTemplate::new(200).set_body_json(person_json()))
            .expect(1)
            .mount(&server)
            .await;
        custom.person("Brockman").get().await.unwrap();
    })
    .await;
}
