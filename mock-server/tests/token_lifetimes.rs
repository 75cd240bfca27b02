//! Access and refresh tokens end when their own lifetimes (`token_ttl`, `refresh_ttl`) pass,
//! not only when forced through `expire_tokens()`.

mod support;

use std::time::{Duration, Instant};

use axum::body::Body;
use base64::Engine;
use http::{Method, Request};
use people_mock::{PeopleMock, PeopleMockBuilder};
use serde_json::Value;
use support::wait::poll_until;
use support::*;

const TOKEN: &str = "/api/v1/oauth/token";
const PEOPLE: &str = "/api/v1/people";
const TTL: Duration = Duration::from_secs(1);

/// A builder whose rate limit the polls below never reach.
fn builder() -> PeopleMockBuilder {
    PeopleMock::builder().rate_limit(1_000_000, Duration::from_secs(60))
}

/// A token request of the demo client, authenticated with HTTP Basic.
fn demo(body: &str) -> Request<Body> {
    let credentials = base64::engine::general_purpose::STANDARD.encode("demo-client:demo-secret");
    Request::builder()
        .method(Method::POST)
        .uri(TOKEN)
        .header("authorization", format!("Basic {credentials}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A successful grant's answer.
async fn grant(app: &App, body: &str) -> Value {
    let resp = app.send(demo(body)).await;
    assert_eq!(resp.status, 200, "{:?}", resp.body);
    resp.json()
}

fn text<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name}: {value}"))
}

/// Polls an access token until it is refused, and returns the refusal; it must work until then.
async fn until_refused(app: &App, token: &str) -> Resp {
    poll_until("the access token expires", || async {
        let resp = app.get(token, PEOPLE).await;
        match resp.status.as_u16() {
            200 => None,
            401 => Some(resp),
            other => panic!("unexpected {other}: {:?}", resp.body),
        }
    })
    .await
}

fn assert_invalid_grant(resp: &Resp) {
    assert_eq!(resp.status, 400, "{:?}", resp.body);
    assert_eq!(resp.json()["error"], "invalid_grant", "{:?}", resp.body);
}

#[tokio::test]
async fn an_access_token_ends_when_token_ttl_has_passed() {
    let app = App::with(builder().token_ttl(TTL));
    let before = Instant::now();
    let issued = grant(&app, "grant_type=client_credentials").await;
    assert_eq!(issued["expires_in"], 1);
    let token = text(&issued, "access_token");
    assert_eq!(app.get(token, PEOPLE).await.status, 200);

    let refused = until_refused(&app, token).await;
    // Issued after `before`, so it cannot have expired before `before + TTL`.
    assert!(
        before.elapsed() >= TTL,
        "expired after {:?}",
        before.elapsed()
    );
    refused.assert_error(401, "invalid_token", 401_002);
    assert_eq!(
        refused.header("www-authenticate"),
        Some(
            r#"Bearer realm="people", error="invalid_token", error_description="the token expired""#
        )
    );
    // A new grant works again.
    let again = grant(&app, "grant_type=client_credentials").await;
    assert_eq!(
        app.get(text(&again, "access_token"), PEOPLE).await.status,
        200
    );
}

#[tokio::test]
async fn a_refresh_token_ends_when_refresh_ttl_has_passed() {
    let app = App::with(builder().token_ttl(TTL).refresh_ttl(TTL));
    let first = grant(&app, "grant_type=client_credentials").await;
    let before = Instant::now();
    // A refresh before the end works; its access and refresh tokens are issued together, with
    // the same lifetime here, so the access token's refusal says the refresh token is over too.
    let second = grant(
        &app,
        &format!(
            "grant_type=refresh_token&refresh_token={}",
            text(&first, "refresh_token")
        ),
    )
    .await;
    until_refused(&app, text(&second, "access_token")).await;
    assert!(before.elapsed() >= TTL);
    let late = app
        .send(demo(&format!(
            "grant_type=refresh_token&refresh_token={}",
            text(&second, "refresh_token")
        )))
        .await;
    assert_invalid_grant(&late);
    assert_eq!(
        late.json()["error_description"],
        "the refresh token is expired or revoked"
    );
}

#[tokio::test]
async fn a_refresh_token_outlives_its_access_token_by_its_own_lifetime() {
    // token_ttl short, refresh_ttl the default (24 h): after the access token's end the refresh
    // token still works.
    let app = App::with(builder().token_ttl(TTL));
    let first = grant(&app, "grant_type=client_credentials").await;
    until_refused(&app, text(&first, "access_token")).await;
    let renewed = grant(
        &app,
        &format!(
            "grant_type=refresh_token&refresh_token={}",
            text(&first, "refresh_token")
        ),
    )
    .await;
    assert_eq!(renewed["expires_in"], 1);
    assert_eq!(
        app.get(text(&renewed, "access_token"), PEOPLE).await.status,
        200
    );
}

#[tokio::test]
async fn a_refresh_token_can_end_before_its_access_token() {
    // refresh_ttl short, token_ttl the default (1 h).
    let app = App::with(builder().refresh_ttl(TTL));
    let before = Instant::now();
    let first = grant(&app, "grant_type=client_credentials&scope=people:read").await;
    let refresh = text(&first, "refresh_token");
    // Asking for more scope than granted is refused without using the token up: invalid_scope
    // while the refresh token lives, invalid_grant once it has ended. That probes its state
    // without rotating it.
    let probe = format!("grant_type=refresh_token&refresh_token={refresh}&scope=people:write");
    poll_until("the refresh token expires", || async {
        let resp = app.send(demo(&probe)).await;
        assert_eq!(resp.status, 400, "{:?}", resp.body);
        match resp.json()["error"].as_str() {
            Some("invalid_scope") => None,
            Some("invalid_grant") => Some(()),
            other => panic!("unexpected error {other:?}"),
        }
    })
    .await;
    assert!(
        before.elapsed() >= TTL,
        "expired after {:?}",
        before.elapsed()
    );
    assert_invalid_grant(
        &app.send(demo(&format!(
            "grant_type=refresh_token&refresh_token={refresh}"
        )))
        .await,
    );
    // The access token issued with it lives on.
    assert_eq!(
        app.get(text(&first, "access_token"), PEOPLE).await.status,
        200
    );
}
