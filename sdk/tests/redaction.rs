//! Secrets never show: not in `Debug`, not in `Display`, not in logs.

mod support;

use std::time::Duration;

use people_sdk::{AccessToken, Client, StaticToken, TokenSource};
use serde_json::json;
use support::{LogCapture, client_builder, credentials, mock, within};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn debug_output_holds_no_secret() {
    within(async {
        let mock = mock().await;
        let builder = client_builder(&mock);
        assert!(!format!("{builder:?}").contains("demo-secret"));
        let client = builder.build().unwrap();
        client.person("Farrell").get().await.unwrap();
        let creds = credentials(&mock);
        let token = creds.token().await.unwrap();
        let secret = token.expose_secret().to_owned();
        assert!(secret.len() >= 16);
        let info = client.token_info().await.unwrap();
        let texts = [
            format!("{client:?}"),
            format!("{creds:?}"),
            format!("{creds:#?}"),
            format!("{token:?}"),
            format!("{info:?}"),
            format!("{:?}", StaticToken::from_token(token.clone())),
            format!("{:?}", AccessToken::new(secret.clone())),
        ];
        for text in &texts {
            assert!(!text.contains("demo-secret"), "{text}");
            assert!(!text.contains(&secret), "{text}");
        }
        assert!(texts[2].contains("<redacted>"), "{}", texts[2]);

        // Errors of every sort.
        let wrong = Client::builder()
            .base_url(mock.base_url())
            .client_credentials("demo-client", "wrong-secret-123")
            .build()
            .unwrap();
        let err = wrong.person("Farrell").get().await.unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("wrong-secret-123"), "{text}");
        }
        let fixed = Client::builder()
            .base_url(mock.base_url())
            .bearer_token("at_not_known_here_42")
            .build()
            .unwrap();
        let err = fixed.person("Farrell").get().await.unwrap_err();
        for text in [err.to_string(), format!("{err:?}"), format!("{fixed:?}")] {
            assert!(!text.contains("at_not_known_here_42"), "{text}");
        }
    })
    .await;
}

#[tokio::test]
async fn logs_hold_no_token_or_secret() {
    let logs = LogCapture::install();
    within(async {
        let server = MockServer::start().await;
        let token = |access: &str, expires_in: u64| {
            json!({"access_token": access, "token_type": "Bearer", "expires_in": expires_in,
                   "refresh_token": format!("RT-SECRET-{access}"), "scope": "people:read people:write"})
        };
        Mock::given(method("POST"))
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token("AT-SECRET-1", 1)))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains("grant_type=refresh_token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token("AT-SECRET-2", 3600)))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains("grant_type=refresh_token"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
            .with_priority(2)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token("AT-SECRET-3", 3600)))
            .with_priority(3)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/people/Farrell"))
            .and(header("authorization", "Bearer AT-SECRET-2"))
            .respond_with(ResponseTemplate::new(401).set_body_json(
                json!({"message": "expired", "error_code": 401002, "error": "invalid_token"}),
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"fname": "Doug", "lname": "Farrell", "timestamp": "2026-11-26T09:58:49Z"}),
            ))
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .client_credentials("log-client", "CLIENT-SECRET-XYZ")
            .build()
            .unwrap();
        client.person("Brockman").get().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        // Renewed by refresh (AT-SECRET-2), rejected, refresh refused, client credentials
        // (AT-SECRET-3), replayed.
        client.person("Farrell").get().await.unwrap();
        let err = client.person("Farrell").delete().await.unwrap_err();
        assert!(err.is_unavailable());
        tracing::info!(client = ?client, error = %err, error_debug = ?err, "done");
    })
    .await;
    let text = logs.text();
    assert!(text.contains("people_sdk.call"), "spans are logged: {text}");
    assert!(text.contains("retrying"), "retries are logged: {text}");
    for secret in [
        "AT-SECRET",
        "RT-SECRET",
        "CLIENT-SECRET",
        "bG9nLWNsaWVudDpDTElFTlQ",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the logs:\n{text}"
        );
    }
}
