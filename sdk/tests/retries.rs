//! Retries and transport failures against the mock's injected faults.

mod support;

use std::time::Duration;

use people_mock::Fault;
use people_sdk::{ErrorKind, RetryPolicy};
use support::{client, client_builder, mock, within};

const LIST: &str = "/api/v1/people";
const FARRELL: &str = "/api/v1/people/Farrell";

fn quick() -> RetryPolicy {
    RetryPolicy::default().with_initial_backoff(Duration::from_millis(1))
}

#[tokio::test]
async fn outages_with_retry_after_are_waited_out() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        client.token_info().await.unwrap();
        mock.inject(
            Fault::status(503)
                .retry_after(Duration::from_secs(1))
                .method("GET")
                .path(LIST)
                .times(2),
        );
        let page = client.people().list().send().await.unwrap();
        assert_eq!(page.total(), 3);
        assert_eq!(mock.request_count("GET", LIST), 3);
    })
    .await;
}

#[tokio::test]
async fn what_is_retried_depends_on_the_method() {
    within(async {
        let mock = mock().await;
        let client = client_builder(&mock).retry(quick()).build().unwrap();
        client.token_info().await.unwrap();

        // 429 and 503: every method, even POST.
        mock.inject(
            Fault::status(429)
                .retry_after(Duration::ZERO)
                .method("POST")
                .path(LIST)
                .times(1),
        );
        client.people().create("Homer", "Simpson").await.unwrap();
        assert_eq!(mock.request_count("POST", LIST), 2);

        // 502 and 504: idempotent methods only.
        mock.inject(Fault::status(502).method("PUT").path(FARRELL).times(1));
        client.person("Farrell").update("Douglas").await.unwrap();
        assert_eq!(mock.request_count("PUT", FARRELL), 2);
        mock.inject(Fault::status(504).method("GET").path(FARRELL).times(2));
        client.person("Farrell").get().await.unwrap();
        assert_eq!(mock.request_count("GET", FARRELL), 3);

        mock.inject(Fault::status(502).method("POST").path(LIST).times(1));
        let err = client
            .people()
            .create("Marge", "Bouvier")
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
        assert_eq!(
            mock.request_count("POST", LIST),
            3,
            "the POST was sent once"
        );
        mock.inject(Fault::status(502).method("PATCH").path(FARRELL).times(1));
        let err = client
            .person("Farrell")
            .patch(Default::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(mock.request_count("PATCH", FARRELL), 1);

        // 500 is never retried.
        mock.inject(Fault::status(500).method("GET").path(FARRELL).times(1));
        let err = client.person("Farrell").get().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(err.error(), Some("internal_error"));
        assert!(!err.is_retryable());
        assert_eq!(mock.request_count("GET", FARRELL), 4);

        // At most three attempts in all.
        mock.inject(
            Fault::status(503)
                .retry_after(Duration::ZERO)
                .method("DELETE")
                .path(FARRELL),
        );
        let err = client.person("Farrell").delete().await.unwrap_err();
        assert!(err.is_unavailable());
        assert_eq!(mock.request_count("DELETE", FARRELL), 3);
        mock.clear_faults();

        // A Retry-After longer than the policy's limit is not waited for.
        let impatient = client_builder(&mock)
            .retry(quick().with_max_retry_after(Duration::from_secs(2)))
            .build()
            .unwrap();
        mock.inject(
            Fault::status(503)
                .retry_after(Duration::from_secs(60))
                .path(FARRELL)
                .times(1),
        );
        let err = impatient.person("Farrell").get().await.unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
        assert_eq!(mock.request_count("GET", FARRELL), 5);
    })
    .await;
}

#[tokio::test]
async fn dropped_connections() {
    within(async {
        let mock = mock().await;
        let client = client_builder(&mock).retry(quick()).build().unwrap();
        client.token_info().await.unwrap();

        mock.inject(
            Fault::drop_connection()
                .method("GET")
                .path(FARRELL)
                .times(2),
        );
        client.person("Farrell").get().await.unwrap();
        assert_eq!(mock.request_count("GET", FARRELL), 3);

        mock.inject(Fault::drop_connection().method("POST").path(LIST).times(1));
        let err = client
            .people()
            .create("Homer", "Simpson")
            .await
            .unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Transport | ErrorKind::Connect),
            "{err:?}"
        );
        assert!(err.is_retryable());
        assert!(err.status().is_none());
        assert_eq!(mock.request_count("POST", LIST), 1);
    })
    .await;
}

#[tokio::test]
async fn slow_responses_time_out() {
    within(async {
        let mock = mock().await;
        let client = client_builder(&mock)
            .timeout(Duration::from_millis(200))
            .no_retry()
            .build()
            .unwrap();
        client.token_info().await.unwrap();
        // The delays are longer than the test's bound: the answers never come in time, however
        // slow the machine.
        mock.inject(
            Fault::delay(Duration::from_secs(600))
                .method("GET")
                .path(FARRELL)
                .times(1),
        );
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(err.is_retryable());
        // Downloads: the timeout bounds the wait for the headers.
        mock.inject(
            Fault::delay(Duration::from_secs(600))
                .path("/api/v1/people/Farrell/photo")
                .times(1),
        );
        let err = client
            .person("Farrell")
            .photo()
            .download()
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn malformed_bodies_keep_their_kind() {
    within(async {
        let mock = mock().await;
        let client = client_builder(&mock).no_retry().build().unwrap();
        client.token_info().await.unwrap();

        mock.inject(
            Fault::malformed_body(200)
                .method("GET")
                .path(FARRELL)
                .times(1),
        );
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_decode(), "{err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        assert!(err.raw_body_snippet().is_some());

        mock.inject(
            Fault::malformed_body(404)
                .method("GET")
                .path(FARRELL)
                .times(1),
        );
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        assert!(err.api_error().is_none());
        assert!(err.raw_body_snippet().is_some());
    })
    .await;
}
