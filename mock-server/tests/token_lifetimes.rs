//! Access and refresh tokens end when their own lifetimes (`token_ttl`, `refresh_ttl`) pass,
//! not only when forced through `expire_tokens()`. The server runs on a manual clock: a
//! lifetime passes when the test moves the clock, to the microsecond, with no waiting.

mod support;

use std::time::Duration;

use axum::body::Body;
use base64::Engine;
use http::{Method, Request};
use people_mock::{Clock, PeopleMock, PeopleMockBuilder};
use serde_json::Value;
use support::*;

const TOKEN: &str = "/api/v1/oauth/token";
const PEOPLE: &str = "/api/v1/people";
const TTL: Duration = Duration::from_secs(1);
/// The last moment a token of lifetime [`TTL`] is still good.
const JUST_BEFORE: Duration = Duration::from_micros(999_999);

/// A builder on a manual clock whose rate limit the requests below never reach.
fn builder() -> PeopleMockBuilder {
    PeopleMock::builder()
        .rate_limit(1_000_000, Duration::from_secs(60))
        .clock(Clock::manual("2030-01-01T00:00:00Z".parse().unwrap()))
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

/// Moves the clock to the last moment of a lifetime of [`TTL`], checks `token` still works,
/// moves it one microsecond on and returns the refusal.
async fn at_the_end(app: &App, token: &str) -> Resp {
    app.state.advance(JUST_BEFORE);
    assert_eq!(
        app.get(token, PEOPLE).await.status,
        200,
        "good until its end"
    );
    app.state.advance(Duration::from_micros(1));
    let refused = app.get(token, PEOPLE).await;
    assert_eq!(refused.status, 401, "{:?}", refused.body);
    refused
}

fn assert_invalid_grant(resp: &Resp) {
    assert_eq!(resp.status, 400, "{:?}", resp.body);
    assert_eq!(resp.json()["error"], "invalid_grant", "{:?}", resp.body);
}

#[tokio::test]
async fn an_access_token_ends_when_token_ttl_has_passed() {
    let app = App::with(builder().token_ttl(TTL));
    let issued = grant(&app, "grant_type=client_credentials").await;
    assert_eq!(issued["expires_in"], 1);
    let token = text(&issued, "access_token");
    assert_eq!(app.get(token, PEOPLE).await.status, 200);

    let refused = at_the_end(&app, token).await;
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
    at_the_end(&app, text(&second, "access_token")).await;
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
    at_the_end(&app, text(&first, "access_token")).await;
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
    let first = grant(&app, "grant_type=client_credentials&scope=people:read").await;
    let refresh = text(&first, "refresh_token");
    // Asking for more scope than granted is refused without using the token up: invalid_scope
    // while the refresh token lives, invalid_grant once it has ended. That probes its state
    // without rotating it.
    let probe = format!("grant_type=refresh_token&refresh_token={refresh}&scope=people:write");
    let probe_error = || async {
        let resp = app.send(demo(&probe)).await;
        assert_eq!(resp.status, 400, "{:?}", resp.body);
        resp.json()["error"].clone()
    };
    app.state.advance(JUST_BEFORE);
    assert_eq!(probe_error().await, "invalid_scope");
    app.state.advance(Duration::from_micros(1));
    assert_eq!(probe_error().await, "invalid_grant");
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
