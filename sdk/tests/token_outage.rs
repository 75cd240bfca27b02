//! Token failures are shared like tokens: the calls that wait for one token request get its
//! outcome, error or not, instead of each asking again in turn.
//!
//! Each test runs on one thread and starts its calls together with `join_all`, which polls every
//! call once before any response can arrive: all of them reach the token source while the first
//! token request is still under way, so the counts below do not depend on timing.

mod support;

use std::time::Duration;

use futures::future::join_all;
use people_mock::Fault;
use people_sdk::{Client, Error, ErrorKind, RetryPolicy, TokenSource};
use support::{client_builder, credentials, mock, within};

const TOKEN_PATH: &str = "/api/v1/oauth/token";

/// `n` reads of Farrell started together; their outcomes in order.
async fn concurrent_reads(client: &Client, n: usize) -> Vec<Result<(), Error>> {
    join_all((0..n).map(|_| async { client.person("Farrell").get().await.map(|_| ()) })).await
}

#[tokio::test]
async fn a_refused_token_request_is_shared_by_the_calls_that_waited_for_it() {
    within(async {
        let mock = mock().await;
        let client = Client::builder()
            .base_url(mock.base_url())
            .client_credentials(mock.client_id(), "not-the-secret")
            .build()
            .unwrap();

        let outcomes = concurrent_reads(&client, 50).await;
        assert_eq!(
            mock.request_count("POST", TOKEN_PATH),
            1,
            "one token request"
        );
        for outcome in outcomes {
            let err = outcome.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Auth, "{err:?}");
            assert_eq!(
                err.token_endpoint_error().map(|o| o.code()),
                Some("invalid_client")
            );
            assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        }
        assert_eq!(mock.request_count("GET", "/api/v1/people/*"), 0);

        // The failure is not remembered: the next call asks again.
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_auth(), "{err:?}");
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 2);
    })
    .await;
}

#[tokio::test]
async fn an_outage_of_the_token_endpoint_is_retried_once_for_all_waiting_calls() {
    within(async {
        let mock = mock().await;
        let attempts = 3;
        let client = client_builder(&mock)
            .retry(RetryPolicy::default().with_max_attempts(attempts))
            .build()
            .unwrap();
        let outage = mock.inject(
            Fault::status(503)
                .retry_after(Duration::ZERO)
                .path(TOKEN_PATH),
        );

        let outcomes = concurrent_reads(&client, 50).await;
        // One chain of attempts, not one per waiting call.
        assert_eq!(
            mock.request_count("POST", TOKEN_PATH),
            attempts as usize,
            "the retries of one token request"
        );
        for outcome in outcomes {
            let err = outcome.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        }

        // The next call tries again, with a chain of its own.
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_unavailable(), "{err:?}");
        assert_eq!(
            mock.request_count("POST", TOKEN_PATH),
            2 * attempts as usize
        );

        // Once the endpoint is back, so are the calls.
        assert!(mock.remove_fault(outage));
        for outcome in concurrent_reads(&client, 50).await {
            outcome.unwrap();
        }
        assert_eq!(
            mock.request_count("POST", TOKEN_PATH),
            2 * attempts as usize + 1
        );
    })
    .await;
}

#[tokio::test]
async fn a_thousand_callers_at_expiry_share_one_token_request() {
    within(async {
        let mock = mock().await;
        let creds = credentials(&mock);
        let first = creds.token().await.unwrap();
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 1);

        // The cached token is dropped, as at its renewal point: every caller needs a new one.
        creds.clear();
        let tokens = join_all((0..1000).map(|_| creds.token())).await;
        assert_eq!(mock.request_count("POST", TOKEN_PATH), 2, "one renewal");
        let renewed = tokens[0].as_ref().unwrap().expose_secret().to_owned();
        assert_ne!(renewed, first.expose_secret());
        for token in tokens {
            assert_eq!(token.unwrap().expose_secret(), renewed);
        }
    })
    .await;
}
