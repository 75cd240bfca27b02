//! Token sources beyond the client's own: clearing a shared [`ClientCredentials`], tokens with a
//! known expiry, and a fixed token the server has expired.

mod support;

use std::time::{Duration, Instant};

use people_sdk::{AccessToken, Client, ClientCredentials, StaticToken, TokenSource};
use serde_json::json;
use support::{credentials, mock, token_endpoint, within};
use wiremock::MockServer;
use wiremock::matchers::body_string_contains;

#[tokio::test]
async fn clear_drops_the_access_token_and_keeps_the_refresh_token() {
    within(async {
        let server = MockServer::start().await;
        token_endpoint()
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "at_first", "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": "rt_first"
            })))
            .expect(1)
            .mount(&server)
            .await;
        token_endpoint()
            .and(body_string_contains("grant_type=refresh_token"))
            .and(body_string_contains("refresh_token=rt_first"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "at_second", "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": "rt_second"
            })))
            .expect(1)
            .mount(&server)
            .await;
        let url = format!("{}/api/v1/oauth/token", server.uri());
        let creds = ClientCredentials::builder(&url, "id", "secret")
            .build()
            .unwrap();
        assert_eq!(creds.token_url().as_str(), url);

        assert_eq!(creds.token().await.unwrap().expose_secret(), "at_first");
        assert_eq!(
            creds.token().await.unwrap().expose_secret(),
            "at_first",
            "cached"
        );
        creds.clear();
        assert_eq!(
            creds.token().await.unwrap().expose_secret(),
            "at_second",
            "renewed with the refresh token after clear"
        );
        assert_eq!(creds.token().await.unwrap().expose_secret(), "at_second");
        // One request of each grant: the `expect(1)`s are checked when the server is dropped.
    })
    .await;
}

#[test]
fn a_token_with_a_known_expiry() {
    let at = Instant::now() + Duration::from_secs(90);
    let token = AccessToken::new("at_ninety").with_expires_at(at);
    assert_eq!(token.expires_at(), Some(at));
    assert!(!token.is_expired());
    let left = token.expires_in().unwrap();
    assert!(
        left > Duration::ZERO && left <= Duration::from_secs(90),
        "{left:?}"
    );

    let past = Instant::now()
        .checked_sub(Duration::from_secs(1))
        .expect("an instant a second ago");
    let expired = AccessToken::new("at_gone").with_expires_at(past);
    assert_eq!(expired.expires_at(), Some(past));
    assert!(expired.is_expired());
    assert_eq!(expired.expires_in(), Some(Duration::ZERO));

    assert_eq!(AccessToken::new("at_unknown").expires_at(), None);
    assert!(!AccessToken::new("at_unknown").is_expired());
}

#[tokio::test]
async fn an_expired_static_token_is_refused_once_and_not_replayed() {
    within(async {
        let mock = mock().await;
        let issued = credentials(&mock).token().await.unwrap();
        assert_eq!(
            mock.expire_tokens(),
            2,
            "the access token and its refresh token"
        );
        let past = Instant::now()
            .checked_sub(Duration::from_secs(5))
            .expect("an instant 5 s ago");
        let client = Client::builder()
            .base_url(mock.base_url())
            .bearer_token(StaticToken::from_token(
                AccessToken::new(issued.expose_secret()).with_expires_at(past),
            ))
            .build()
            .unwrap();

        let info = client.token_info().await.unwrap();
        assert_eq!(info.expires_at, Some(past));
        assert_eq!(info.expires_in, Some(Duration::ZERO));
        let err = client.person("Farrell").get().await.unwrap_err();

        assert!(err.is_unauthorized(), "{err:?}");
        assert_eq!(err.error(), Some("invalid_token"));
        assert_eq!(
            mock.request_count("GET", "/api/v1/people/Farrell"),
            1,
            "a fixed token cannot be renewed, so the call is not replayed"
        );
        assert_eq!(mock.request_count("POST", "/api/v1/oauth/token"), 1);
    })
    .await;
}
