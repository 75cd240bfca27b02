//! Person CRUD: bodies, ETags, If-Match, PATCH semantics, HEAD and content types.

mod support;

use axum::body::Body;
use http::Method;
use serde_json::json;
use support::*;

#[tokio::test]
async fn create_get_put_patch_delete() {
    let app = App::new();
    let token = app.token().await;
    let created = app.create(&token, "Ada", "Lovelace").await;
    assert_eq!(created.status, 201);
    assert_eq!(created.header("location"), Some("/api/v1/people/Lovelace"));
    let etag = created.header("etag").unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'));

    let got = app.get(&token, "/api/v1/people/Lovelace").await;
    assert_eq!(got.header("etag"), Some(etag.as_str()));
    assert_eq!(got.json()["fname"], "Ada");
    let first_ts = got.json()["timestamp"].as_str().unwrap().to_string();

    let put = app
        .send(json_request(
            Method::PUT,
            "/api/v1/people/Lovelace",
            &token,
            &json!({"fname": "Augusta", "lname": "Lovelace", "extra": 1}),
        ))
        .await;
    assert_eq!(put.status, 204);
    assert!(put.body.is_empty());
    let put_etag = put.header("etag").unwrap().to_string();
    assert_ne!(put_etag, etag);
    let got = app.get(&token, "/api/v1/people/Lovelace").await;
    assert_eq!(got.header("etag"), Some(put_etag.as_str()));
    assert!(got.json()["timestamp"].as_str().unwrap() > first_ts.as_str());

    // An empty merge patch changes nothing.
    let patch = |body: &str, ct: &str| {
        authed(Method::PATCH, "/api/v1/people/Lovelace", &token)
            .header("content-type", ct)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let resp = app.send(patch("{}", "application/merge-patch+json")).await;
    assert_eq!(resp.status, 204);
    assert_eq!(resp.header("etag"), Some(put_etag.as_str()));
    let resp = app
        .send(patch(r#"{"fname":"Ada"}"#, "application/json"))
        .await;
    assert_eq!(resp.status, 204);
    assert_eq!(app.state.person("Lovelace").unwrap().fname, "Ada");
    app.send(patch(r#"{"fname":null}"#, "application/merge-patch+json"))
        .await
        .assert_error(422, "validation_failed", 422_001);
    app.send(patch(
        r#"{"lname":"Other"}"#,
        "application/merge-patch+json",
    ))
    .await
    .assert_error(422, "validation_failed", 422_001);
    app.send(patch(r#"{"fname":7}"#, "application/merge-patch+json"))
        .await
        .assert_error(400, "invalid_json", 400_001);
    app.send(patch("[1]", "application/merge-patch+json"))
        .await
        .assert_error(400, "invalid_json", 400_001);
    app.send(patch("{}", "text/plain"))
        .await
        .assert_error(415, "unsupported_media_type", 415_001);

    let deleted = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Lovelace", &token)
                .header("if-match", "*")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert!(app.state.person("Lovelace").is_none());
    let again = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Lovelace", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    again.assert_error(410, "person_gone", 410_001);
}

#[tokio::test]
async fn put_and_delete_on_unknown_keys() {
    let app = App::new();
    let token = app.token().await;
    let resp = app
        .send(json_request(
            Method::PUT,
            "/api/v1/people/Nobody",
            &token,
            &json!({"fname": "N", "lname": "Nobody"}),
        ))
        .await;
    resp.assert_error(404, "person_not_found", 404_001);
    // Existence answers before If-Match.
    let resp = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Nobody", &token)
                .header("if-match", "\"x\"")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    resp.assert_error(404, "person_not_found", 404_001);
}

#[tokio::test]
async fn if_match_lists_and_star() {
    let app = App::new();
    let token = app.token().await;
    let etag = app
        .get(&token, "/api/v1/people/Brockman")
        .await
        .header("etag")
        .unwrap()
        .to_string();
    let resp = app
        .send(
            authed(Method::PATCH, "/api/v1/people/Brockman", &token)
                .header("content-type", "application/merge-patch+json")
                .header("if-match", format!("\"nope\", {etag}"))
                .body(Body::from(r#"{"fname":"Kenneth"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status, 204);
    let resp = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Brockman", &token)
                .header("if-match", etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    resp.assert_error(412, "precondition_failed", 412_001);
    assert!(app.state.person("Brockman").is_some());
}

#[tokio::test]
async fn head_person_and_error_bodies() {
    let app = App::new();
    let token = app.token().await;
    let head = app
        .send(
            authed(Method::HEAD, "/api/v1/people/Farrell", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("etag").is_some());
    assert_eq!(head.header("content-type"), Some("application/json"));
    let missing = app
        .send(
            authed(Method::HEAD, "/api/v1/people/Nobody", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.is_empty());
}

#[tokio::test]
async fn json_body_checks() {
    let app = App::new();
    let token = app.token().await;
    // Missing members are 422 with a detail for each.
    let resp = app.post_json(&token, "/api/v1/people", &json!({})).await;
    resp.assert_error(422, "validation_failed", 422_001);
    assert_eq!(resp.json()["details"].as_array().unwrap().len(), 2);
    // Not an object.
    app.post_json(&token, "/api/v1/people", &json!(["x"]))
        .await
        .assert_error(400, "invalid_json", 400_001);
    // Charset parameter is fine; unknown members ignored.
    let resp = app
        .send(
            authed(Method::POST, "/api/v1/people", &token)
                .header("content-type", "application/json; charset=utf-8")
                .body(Body::from(r#"{"fname":"Grace","lname":"Hopper","age":85}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status, 201);
    // No content type at all.
    let resp = app
        .send(
            authed(Method::POST, "/api/v1/people", &token)
                .body(Body::from(r#"{"fname":"A","lname":"B"}"#))
                .unwrap(),
        )
        .await;
    resp.assert_error(415, "unsupported_media_type", 415_001);
    // 64 characters are fine, 65 are not, counted in characters.
    let ok = "é".repeat(64);
    assert_eq!(app.create(&token, &ok, &ok).await.status, 201);
    let long = "é".repeat(65);
    app.create(&token, "A", &long)
        .await
        .assert_error(422, "validation_failed", 422_001);
}

#[tokio::test]
async fn snapshot_and_reset() {
    let app = App::new();
    let token = app.token().await;
    app.create(&token, "Ada", "Lovelace").await;
    assert_eq!(app.state.people().len(), 4);
    app.state.reset();
    let names: Vec<_> = app.state.people().into_iter().map(|p| p.lname).collect();
    assert_eq!(names, ["Brockman", "Easter", "Farrell"]);
    // Tokens are forgotten on reset.
    app.get(&token, "/api/v1/people")
        .await
        .assert_error(401, "invalid_token", 401_002);
}
