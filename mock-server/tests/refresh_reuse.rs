//! A refresh token used twice revokes its whole grant (RFC 9700 §4.14.2): the refresh token
//! that replaced it and every access token issued along the chain, but nothing of other grants.

mod support;

use serde_json::Value;
use support::*;

const DEMO: &str = "client_id=demo-client&client_secret=demo-secret";

async fn grant(app: &App, form_body: &str) -> Resp {
    app.send(form("/api/v1/oauth/token", &format!("{DEMO}&{form_body}")))
        .await
}

async fn refresh(app: &App, token: &Value) -> Resp {
    let refresh = token["refresh_token"].as_str().unwrap();
    grant(
        app,
        &format!("grant_type=refresh_token&refresh_token={refresh}"),
    )
    .await
}

async fn status_with(app: &App, token: &Value) -> u16 {
    let access = token["access_token"].as_str().unwrap();
    app.get(access, "/api/v1/people").await.status.as_u16()
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_revokes_its_chain() {
    let app = App::new();
    let first = grant(&app, "grant_type=client_credentials").await.json();
    let other = grant(&app, "grant_type=client_credentials").await.json();
    let second = refresh(&app, &first).await.json();
    let third = refresh(&app, &second).await.json();
    for token in [&first, &second, &third, &other] {
        assert_eq!(status_with(&app, token).await, 200);
    }

    // `first`'s refresh token was spent by the first rotation: presented again, it is refused
    // and takes the chain down with it.
    let reuse = refresh(&app, &first).await;
    assert_eq!(reuse.status, 400);
    assert_eq!(reuse.json()["error"], "invalid_grant");
    for token in [&first, &second, &third] {
        let access = token["access_token"].as_str().unwrap();
        let resp = app.get(access, "/api/v1/people").await;
        resp.assert_error(401, "invalid_token", 401_002);
    }
    // The chain's current refresh token is revoked too.
    let current = refresh(&app, &third).await;
    assert_eq!(current.status, 400);
    assert_eq!(current.json()["error"], "invalid_grant");

    // Another grant of the same client is untouched.
    assert_eq!(status_with(&app, &other).await, 200);
    assert_eq!(refresh(&app, &other).await.status, 200);
}

#[tokio::test]
async fn another_client_presenting_a_spent_token_revokes_nothing() {
    let app = App::new();
    let first = grant(&app, "grant_type=client_credentials").await.json();
    let second = refresh(&app, &first).await.json();
    let spent = first["refresh_token"].as_str().unwrap();
    let foreign = app
        .send(form(
            "/api/v1/oauth/token",
            &format!(
                "client_id=reader&client_secret=reader-secret&grant_type=refresh_token&refresh_token={spent}"
            ),
        ))
        .await;
    assert_eq!(foreign.status, 400);
    assert_eq!(status_with(&app, &second).await, 200);
    assert_eq!(refresh(&app, &second).await.status, 200);
}
