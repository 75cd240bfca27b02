//! The token endpoint: client authentication styles, grants, rotation and OAuth errors.

mod support;

use axum::body::Body;
use base64::Engine;
use http::{Method, Request};
use people_mock::PeopleMock;
use serde_json::Value;
use support::*;

const TOKEN: &str = "/api/v1/oauth/token";

fn basic(id: &str, secret: &str, body: &str) -> Request<Body> {
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    Request::builder()
        .method(Method::POST)
        .uri(TOKEN)
        .header("authorization", format!("Basic {credentials}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A token request of the demo client, authenticated with HTTP Basic.
fn demo(body: &str) -> Request<Body> {
    basic("demo-client", "demo-secret", body)
}

fn assert_oauth_error(resp: &Resp, status: u16, error: &str) {
    assert_eq!(resp.status.as_u16(), status, "{:?}", resp.body);
    assert_eq!(resp.header("cache-control"), Some("no-store"));
    let body = resp.json();
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string());
}

#[tokio::test]
async fn client_credentials_with_basic_and_with_form() {
    let app = App::new();
    let resp = app.send(demo("grant_type=client_credentials")).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("cache-control"), Some("no-store"));
    assert_eq!(resp.header("pragma"), Some("no-cache"));
    assert!(resp.header("x-ratelimit-limit").is_none());
    let body = resp.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "people:read people:write");
    assert!(body["access_token"].as_str().unwrap().len() >= 22);
    assert!(body["refresh_token"].is_string());

    let resp = app
        .send(form(TOKEN, "grant_type=client_credentials&client_id=reader&client_secret=reader-secret&scope=people%3Aread"))
        .await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["scope"], "people:read");
    let token = resp.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.get(&token, "/api/v1/people").await.status, 200);
}

#[tokio::test]
async fn narrower_scope_is_enforced() {
    let app = App::new();
    let resp = app
        .send(demo("grant_type=client_credentials&scope=people:read"))
        .await;
    let token = resp.json()["access_token"].as_str().unwrap().to_string();
    app.create(&token, "A", "B")
        .await
        .assert_error(403, "insufficient_scope", 403_001);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_is_invalid_grant() {
    let app = App::new();
    let first: Value = app.send(demo("grant_type=client_credentials")).await.json();
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let resp = app
        .send(demo(&format!(
            "grant_type=refresh_token&refresh_token={old_refresh}"
        )))
        .await;
    assert_eq!(resp.status, 200);
    let second = resp.json();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    // The old access token keeps working until it expires.
    assert_eq!(
        app.get(first["access_token"].as_str().unwrap(), "/api/v1/people")
            .await
            .status,
        200
    );

    let reuse = app
        .send(demo(&format!(
            "grant_type=refresh_token&refresh_token={old_refresh}"
        )))
        .await;
    assert_oauth_error(&reuse, 400, "invalid_grant");

    // Narrowing on refresh is allowed; widening is not. On a grant of its own: the reuse
    // above revoked the chain `second` belongs to.
    let fresh: Value = app.send(demo("grant_type=client_credentials")).await.json();
    let new_refresh = fresh["refresh_token"].as_str().unwrap();
    let narrowed = app
        .send(demo(&format!(
            "grant_type=refresh_token&refresh_token={new_refresh}&scope=people:read"
        )))
        .await;
    assert_eq!(narrowed.json()["scope"], "people:read");

    // Another client's refresh token is invalid_grant.
    let third = narrowed.json();
    let foreign = app
        .send(basic(
            "reader",
            "reader-secret",
            &format!(
                "grant_type=refresh_token&refresh_token={}",
                third["refresh_token"].as_str().unwrap()
            ),
        ))
        .await;
    assert_oauth_error(&foreign, 400, "invalid_grant");
}

#[tokio::test]
async fn refresh_scope_beyond_the_grant_is_invalid_scope() {
    let app = App::new();
    let first = app
        .send(demo("grant_type=client_credentials&scope=people:read"))
        .await
        .json();
    let resp = app
        .send(demo(&format!(
            "grant_type=refresh_token&refresh_token={}&scope=people:write",
            first["refresh_token"].as_str().unwrap()
        )))
        .await;
    assert_oauth_error(&resp, 400, "invalid_scope");
}

#[tokio::test]
async fn expired_and_revoked_refresh_tokens() {
    let app = App::new();
    let first = app.send(demo("grant_type=client_credentials")).await.json();
    let refresh = first["refresh_token"].as_str().unwrap();
    assert!(app.state.revoke(refresh));
    let resp = app
        .send(demo(&format!(
            "grant_type=refresh_token&refresh_token={refresh}"
        )))
        .await;
    assert_oauth_error(&resp, 400, "invalid_grant");

    let second = app.send(demo("grant_type=client_credentials")).await.json();
    app.state.expire_tokens();
    let resp = app
        .send(demo(&format!(
            "grant_type=refresh_token&refresh_token={}",
            second["refresh_token"].as_str().unwrap()
        )))
        .await;
    assert_oauth_error(&resp, 400, "invalid_grant");
    let revoked_access = second["access_token"].as_str().unwrap();
    app.get(revoked_access, "/api/v1/people")
        .await
        .assert_error(401, "invalid_token", 401_002);
}

#[tokio::test]
async fn oauth_errors() {
    let app = App::new();
    assert_oauth_error(
        &app.send(demo("grant_type=password")).await,
        400,
        "unsupported_grant_type",
    );
    assert_oauth_error(
        &app.send(demo("scope=people:read")).await,
        400,
        "invalid_request",
    );
    assert_oauth_error(
        &app.send(demo("grant_type=client_credentials&scope=admin"))
            .await,
        400,
        "invalid_scope",
    );
    assert_oauth_error(
        &app.send(basic(
            "reader",
            "reader-secret",
            "grant_type=client_credentials&scope=people:write",
        ))
        .await,
        400,
        "invalid_scope",
    );
    assert_oauth_error(
        &app.send(demo("grant_type=refresh_token")).await,
        400,
        "invalid_request",
    );
    assert_oauth_error(
        &app.send(demo(
            "grant_type=client_credentials&grant_type=client_credentials",
        ))
        .await,
        400,
        "invalid_request",
    );
    // Both client authentication styles at once.
    assert_oauth_error(
        &app.send(demo(
            "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret",
        ))
        .await,
        400,
        "invalid_request",
    );
    // Wrong content type.
    let resp = app
        .send(
            Request::post(TOKEN)
                .header("content-type", "application/json")
                .body(Body::from(r#"{"grant_type":"client_credentials"}"#))
                .unwrap(),
        )
        .await;
    assert_oauth_error(&resp, 400, "invalid_request");

    for resp in [
        app.send(basic(
            "demo-client",
            "wrong",
            "grant_type=client_credentials",
        ))
        .await,
        app.send(basic("nobody", "x", "grant_type=client_credentials"))
            .await,
        app.send(form(TOKEN, "grant_type=client_credentials")).await,
        app.send(form(
            TOKEN,
            "grant_type=client_credentials&client_id=demo-client",
        ))
        .await,
    ] {
        assert_oauth_error(&resp, 401, "invalid_client");
        assert_eq!(
            resp.header("www-authenticate"),
            Some(r#"Basic realm="people""#)
        );
    }
    let garbage = Request::post(TOKEN)
        .header("authorization", "Basic %%%")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials"))
        .unwrap();
    assert_oauth_error(&app.send(garbage).await, 401, "invalid_client");
}

#[tokio::test]
async fn configured_clients_and_token_lifetime() {
    let app = App::with(
        PeopleMock::builder()
            .no_default_clients()
            .client("robot", "s3cret", &["people:read people:write"])
            .token_ttl(std::time::Duration::from_secs(2)),
    );
    assert_eq!(app.state.client_id(), "robot");
    assert_oauth_error(
        &app.send(demo("grant_type=client_credentials")).await,
        401,
        "invalid_client",
    );
    let resp = app
        .send(basic("robot", "s3cret", "grant_type=client_credentials"))
        .await;
    assert_eq!(resp.json()["expires_in"], 2);
    assert_eq!(resp.json()["scope"], "people:read people:write");
}

#[tokio::test]
async fn basic_credentials_are_form_decoded() {
    let app =
        App::with(PeopleMock::builder().client("id:with colon", "p@ss word", &["people:read"]));
    let resp = app
        .send(basic(
            "id%3Awith+colon",
            "p%40ss+word",
            "grant_type=client_credentials",
        ))
        .await;
    assert_eq!(resp.status, 200, "{:?}", resp.body);
}
