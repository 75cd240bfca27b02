//! Security: scopes, expired and revoked tokens, rotating refresh tokens.
//!
//! Elsewhere: secrets kept out of `Debug` output, the journal and the logs in
//! `secret_redaction.rs` (a test binary of its own, for its log capture); slow clients against the
//! `people-mock` program in `mock-server/tests/slow_clients.rs`; bodies over the size limits,
//! refused without being buffered, with a lazily generated 1 GiB body through a real socket, in
//! `mock-server/tests/large_body.rs`.

mod support;

use std::time::Duration;

use people_mock::{PeopleMock, READER_CLIENT_ID, READER_CLIENT_SECRET};
use people_sdk::{Client, Error, PhotoUpload, StaticToken};
use reqwest::StatusCode;
use serde_json::Value;
use support::token_endpoint::{grant, token_request};

const BOUND: Duration = Duration::from_secs(60);

async fn bounded<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(BOUND, test)
        .await
        .expect("the test finished within its bound")
}

/// `GET /people/Farrell` with a bearer token: the status, the `error` and `WWW-Authenticate`.
async fn read_with(
    http: &reqwest::Client,
    mock: &PeopleMock,
    token: &str,
) -> (StatusCode, Option<String>, String) {
    let response = http
        .get(format!("{}people/Farrell", mock.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("the mock answers");
    let status = response.status();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["error"].as_str().map(str::to_owned), challenge)
}

#[tokio::test]
async fn a_reader_token_cannot_write() {
    bounded(async {
        let mock = PeopleMock::start().await;
        let reader = Client::builder()
            .base_url(mock.base_url().as_str())
            .client_credentials(READER_CLIENT_ID, READER_CLIENT_SECRET)
            .build()
            .expect("a client");
        let info = reader.token_info().await.expect("a token");
        assert!(info.has_scope("people:read") && !info.has_scope("people:write"));
        assert_eq!(
            reader
                .person("Farrell")
                .get()
                .await
                .expect("a read")
                .value()
                .fname
                .as_str(),
            "Doug"
        );
        let before = mock.people();
        let farrell = reader.person("Farrell");
        let refusals: Vec<Error> = vec![
            reader
                .people()
                .create("Homer", "Simpson")
                .await
                .map(drop)
                .unwrap_err(),
            farrell.update("Douglas").await.map(drop).unwrap_err(),
            farrell.delete().await.unwrap_err(),
            farrell
                .photo()
                .upload(PhotoUpload::from_bytes(&b"\x89PNG\r\n\x1a\n0000"[..]))
                .await
                .map(drop)
                .unwrap_err(),
            farrell
                .attachments()
                .delete("att_00000001")
                .await
                .unwrap_err(),
        ];
        for err in refusals {
            assert!(err.is_forbidden(), "{err:?}");
            assert_eq!(err.error(), Some("insufficient_scope"));
            let challenge = err
                .headers()
                .and_then(|h| h.get("www-authenticate"))
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(challenge.contains("insufficient_scope"), "{challenge}");
            assert!(challenge.contains("people:write"), "{challenge}");
        }
        assert_eq!(mock.people(), before, "a refused write changed nothing");
    })
    .await;
}

#[tokio::test]
async fn expired_and_revoked_tokens_are_refused() {
    bounded(async {
        let mock = PeopleMock::start().await;
        let http = reqwest::Client::new();
        let (token, _) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        assert_eq!(read_with(&http, &mock, &token).await.0, StatusCode::OK);

        assert!(mock.expire_tokens() >= 1);
        let (status, error, challenge) = read_with(&http, &mock, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error.as_deref(), Some("invalid_token"));
        assert!(
            challenge.starts_with("Bearer realm=\"people\""),
            "{challenge}"
        );
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

        let (fresh, refresh) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        assert_eq!(read_with(&http, &mock, &fresh).await.0, StatusCode::OK);
        assert!(mock.revoke(&fresh));
        let (status, error, challenge) = read_with(&http, &mock, &fresh).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error.as_deref(), Some("invalid_token"));
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

        // A revoked refresh token is no grant either.
        assert!(mock.revoke(&refresh));
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", mock.client_id()),
            ("client_secret", mock.client_secret()),
        ];
        let (status, body) = token_request(&http, &mock, &form).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );

        // Through the SDK: a fixed token that was revoked gives a typed 401 ...
        let (revoked, _) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        mock.revoke(&revoked);
        let fixed = Client::builder()
            .base_url(mock.base_url().as_str())
            .bearer_token(StaticToken::new(revoked))
            .build()
            .expect("a client");
        let err = fixed.person("Farrell").get().await.unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
        assert_eq!(err.error(), Some("invalid_token"));

        // ... and a client with credentials gets a new token when its own expires.
        let client = Client::builder()
            .base_url(mock.base_url().as_str())
            .client_credentials(mock.client_id(), mock.client_secret())
            .build()
            .expect("a client");
        client.person("Farrell").get().await.expect("a read");
        mock.expire_tokens();
        client
            .person("Farrell")
            .get()
            .await
            .expect("a read with a new token");
    })
    .await;
}

#[tokio::test]
async fn a_reused_refresh_token_is_invalid_grant() {
    bounded(async {
        let mock = PeopleMock::start().await;
        let http = reqwest::Client::new();
        let (_, first) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        let refresh = |token: String| {
            let (http, mock) = (&http, &mock);
            async move {
                let form = [
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token.as_str()),
                    ("client_id", mock.client_id()),
                    ("client_secret", mock.client_secret()),
                ];
                token_request(http, mock, &form).await
            }
        };
        let (status, body) = refresh(first.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let second = body["refresh_token"]
            .as_str()
            .expect("a new refresh token")
            .to_owned();
        assert_ne!(second, first, "refresh tokens rotate");

        // The first one was retired by its use. Presented again, it revokes its whole chain
        // (RFC 9700 section 4.14.2): the refresh token that replaced it is refused too.
        let (status, body) = refresh(first).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_grant");
        let (status, body) = refresh(second).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );

        // A refresh token of another grant works, once.
        let (_, other) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        let (status, body) = refresh(other.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = refresh(other).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );

        // Another client's refresh token is no grant for this one.
        let (_, readers) = grant(&http, &mock, READER_CLIENT_ID, READER_CLIENT_SECRET).await;
        let (status, body) = refresh(readers).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );

        // Expired refresh tokens neither.
        let (_, third) = grant(&http, &mock, mock.client_id(), mock.client_secret()).await;
        mock.expire_tokens();
        let (status, body) = refresh(third).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );
    })
    .await;
}
