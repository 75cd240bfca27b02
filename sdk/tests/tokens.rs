//! Tokens against the mock: lazy fetch, caching, single-flight renewal under load, expiry,
//! the `401 invalid_token` replay, token endpoint errors and custom token sources.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::{BoxFuture, join_all};
use people_sdk::{
    AccessToken, Client, ClientAuth, ClientCredentials, Error, ErrorKind, PhotoUpload, TokenSource,
};
use support::{client, client_builder, credentials, mock, mock_builder, png, within};

const TOKEN_PATH: &str = "/api/v1/oauth/token";

/// `n` concurrent reads; panics if any fails.
async fn hammer(client: &Client, n: usize) {
    let calls = (0..n).map(|i| {
        let client = client.clone();
        let key = ["Farrell", "Brockman", "Easter"][i % 3];
        tokio::spawn(async move { client.person(key).get().await })
    });
    for result in join_all(calls).await {
        result.expect("task").expect("call");
    }
}

#[tokio::test]
async fn tokens_are_fetched_lazily_and_cached() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        assert_eq!(
            mock.request_count("POST", TOKEN_PATH),
            0,
            "nothing at build time"
        );
        client.person("Farrell").get().await.unwrap();
        client.people().list().send().await.unwrap();
        client.person("Farrell").update("Doug").await.unwrap();
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 1);
        let info = client.token_info().await.unwrap();
        assert!(info.has_scope("people:read") && info.has_scope("people:write"));
        let left = info.expires_in.unwrap();
        assert!(left > Duration::from_secs(3000) && left <= Duration::from_secs(3600));
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_start_under_load_makes_one_token_request() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        hammer(&client, 250).await;
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 1);
        assert_eq!(mock.request_count("GET", "/api/v1/people/*"), 250);
    })
    .await;
}

/// A burst of calls at expiry renews the token once, not once per call: single flight.
///
/// A one-second token is renewed once 0.9 s of it have passed (a tenth of its lifetime before
/// expiry), and so is each new one. A burst that lasts longer than that, on a slow machine, may
/// rightly renew again; what single flight rules out is a second renewal within 0.9 s of the
/// first, so the test allows one renewal per started 0.9 s of burst (one, on any machine that
/// finishes the burst in less). Every renewal presents the refresh token of the one before: a
/// renewal racing another would present a retired one and be refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_under_load_makes_one_refresh() {
    within(async {
        let mock = mock_builder()
            .token_ttl(Duration::from_secs(1))
            .start()
            .await;
        let client = client(&mock);
        client.person("Farrell").get().await.unwrap();
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 1);
        // Twice, the second time with the refresh token the first renewal rotated.
        for calls in [200, 50] {
            // Past the renewal point of the current token.
            tokio::time::sleep(Duration::from_millis(1200)).await;
            let before = mock.request_count("POST", TOKEN_PATH);
            let started = std::time::Instant::now();
            hammer(&client, calls).await;
            let burst = started.elapsed();
            let renewals = mock.request_count("POST", TOKEN_PATH) - before;
            let allowed = 1 + usize::try_from(burst.as_millis() / 900).unwrap_or(usize::MAX);
            assert!(
                (1..=allowed).contains(&renewals),
                "{renewals} renewals for {calls} calls in {burst:?} (at most {allowed})"
            );
        }
        // Every renewal used the refresh token and was granted: no fallback was needed.
        let token_statuses: Vec<u16> = mock
            .journal()
            .into_iter()
            .filter(|e| e.path == TOKEN_PATH)
            .map(|e| e.status)
            .collect();
        assert!(
            token_statuses.iter().all(|&status| status == 200),
            "{token_statuses:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_tokens_are_renewed_once_and_calls_replayed() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        client.person("Farrell").get().await.unwrap();
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 1);

        // The server forgets every token (access and refresh) behind the client's back.
        mock.expire_tokens();
        mock.clear_journal();
        hammer(&client, 200).await;
        // One flight: the refresh grant (refused: invalid_grant), then client credentials.
        let token_statuses: Vec<u16> = mock
            .journal()
            .into_iter()
            .filter(|e| e.path == TOKEN_PATH)
            .map(|e| e.status)
            .collect();
        assert_eq!(token_statuses, [400, 200]);
        let unauthorized = mock
            .journal()
            .into_iter()
            .filter(|e| e.path != TOKEN_PATH && e.status == 401)
            .count();
        assert!((1..=200).contains(&unauthorized), "{unauthorized}");
        assert_eq!(
            mock.journal()
                .iter()
                .filter(|e| e.path != TOKEN_PATH && e.status == 200)
                .count(),
            200
        );
    })
    .await;
}

#[tokio::test]
async fn a_one_shot_body_is_not_replayed() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        client.person("Farrell").get().await.unwrap();
        mock.expire_tokens();
        let image = png(4096);
        let err = client
            .person("Farrell")
            .photo()
            .upload(
                PhotoUpload::from_reader(std::io::Cursor::new(image.clone()), 4096)
                    .with_file_name("x.png"),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BodyNotReplayable, "{err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        assert!(err.to_string().contains("one-shot"), "{err}");
        // The same upload from bytes is replayed and succeeds.
        mock.expire_tokens();
        client
            .person("Farrell")
            .photo()
            .upload(PhotoUpload::from_bytes(image))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn token_endpoint_refusals_are_auth_errors() {
    within(async {
        let mock = mock().await;
        let wrong_secret = Client::builder()
            .base_url(mock.base_url())
            .client_credentials("demo-client", "not-the-secret")
            .build()
            .unwrap();
        let err = wrong_secret.person("Farrell").get().await.unwrap_err();
        assert!(err.is_auth(), "{err:?}");
        assert_eq!(err.token_endpoint_error().unwrap().code(), "invalid_client");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        assert!(!err.to_string().contains("not-the-secret"));
        assert!(!format!("{err:?}").contains("not-the-secret"));

        let bad_scope = client_builder(&mock)
            .scopes(["people:admin"])
            .build()
            .unwrap();
        let err = bad_scope.token_info().await.unwrap_err();
        assert!(err.is_auth());
        assert_eq!(err.token_endpoint_error().unwrap().code(), "invalid_scope");

        let reader_asks_write = Client::builder()
            .base_url(mock.base_url())
            .client_credentials("reader", "reader-secret")
            .scopes(["people:write"])
            .build()
            .unwrap();
        let err = reader_asks_write.person("Farrell").get().await.unwrap_err();
        assert_eq!(err.token_endpoint_error().unwrap().code(), "invalid_scope");
        // Refusals are not retried.
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 3);
    })
    .await;
}

#[tokio::test]
async fn form_client_auth_and_token_endpoint_outages() {
    within(async {
        let mock = mock().await;
        let client = client_builder(&mock)
            .client_auth(ClientAuth::Form)
            .build()
            .unwrap();
        mock.inject(
            people_mock::Fault::status(503)
                .retry_after(Duration::from_secs(0))
                .path(TOKEN_PATH)
                .times(1),
        );
        client.person("Farrell").get().await.unwrap();
        assert_eq!(
            mock.request_count("POST", TOKEN_PATH),
            2,
            "the 503 was retried"
        );
        let sent = mock
            .journal()
            .into_iter()
            .find(|e| e.path == TOKEN_PATH)
            .unwrap();
        assert!(
            sent.header("authorization").is_none(),
            "form auth sends no Basic header"
        );

        // A lasting outage: the token error keeps its kind and the OAuth code.
        let fresh = client_builder(&mock).no_retry().build().unwrap();
        mock.inject(
            people_mock::Fault::status(503)
                .retry_after(Duration::from_secs(0))
                .path(TOKEN_PATH),
        );
        let err = fresh.person("Farrell").get().await.unwrap_err();
        assert!(err.is_unavailable(), "{err:?}");
        assert_eq!(
            err.token_endpoint_error().map(|o| o.code()),
            Some("temporarily_unavailable")
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_credentials_source_shared_by_clients() {
    within(async {
        let mock = mock().await;
        let creds = credentials(&mock);
        let a = Client::builder()
            .base_url(mock.base_url())
            .token_source(creds.clone())
            .build()
            .unwrap();
        let b = Client::builder()
            .base_url(mock.base_url())
            .token_source(creds.clone())
            .build()
            .unwrap();
        hammer(&a, 20).await;
        hammer(&b, 20).await;
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 1);
        let token = creds.token().await.unwrap();
        assert!(!token.is_expired());
        assert_eq!(token.scopes(), ["people:read", "people:write"]);
    })
    .await;
}

/// A source that hands out the token the mock issued last, and counts.
struct Counting {
    inner: ClientCredentials,
    calls: AtomicUsize,
    invalidations: AtomicUsize,
}

impl TokenSource for Counting {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.token()
    }

    fn invalidate(&self, rejected: &AccessToken) -> bool {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        self.inner.invalidate(rejected)
    }
}

#[tokio::test]
async fn custom_sources_are_asked_and_told() {
    within(async {
        let mock = mock().await;
        let source = Arc::new(Counting {
            inner: credentials(&mock),
            calls: AtomicUsize::new(0),
            invalidations: AtomicUsize::new(0),
        });
        let client = Client::builder()
            .base_url(mock.base_url())
            .token_source(source.clone())
            .build()
            .unwrap();
        client.person("Farrell").get().await.unwrap();
        assert_eq!(source.calls.load(Ordering::SeqCst), 1);
        mock.expire_tokens();
        client.person("Farrell").get().await.unwrap();
        assert_eq!(
            source.calls.load(Ordering::SeqCst),
            3,
            "asked again for the replay"
        );
        assert_eq!(source.invalidations.load(Ordering::SeqCst), 1);
    })
    .await;
}
