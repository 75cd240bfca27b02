//! One test per row of the contract's status table: status, headers and error body.

mod support;

use std::time::Duration;

use axum::body::Body;
use http::{Method, Request};
use people_mock::{Fault, PeopleMock};
use serde_json::json;
use support::*;

#[tokio::test]
async fn status_400_malformed_json_query_and_multipart() {
    let app = App::new();
    let token = app.token().await;
    let resp = app
        .send(
            authed(Method::POST, "/api/v1/people", &token)
                .header("content-type", "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    resp.assert_error(400, "invalid_json", 400_001);

    let resp = app
        .post_json(&token, "/api/v1/people", &json!({"fname": 5, "lname": "X"}))
        .await;
    resp.assert_error(400, "invalid_json", 400_001);

    let resp = app.get(&token, "/api/v1/people?per_page=0").await;
    resp.assert_error(400, "invalid_query", 400_002);
    assert_eq!(resp.json()["details"][0]["field"], "per_page");

    let resp = app
        .send(multipart_request(
            "/api/v1/people/Farrell/photo",
            &token,
            b"this is not multipart".to_vec(),
        ))
        .await;
    resp.assert_error(400, "invalid_multipart", 400_003);

    let resp = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Farrell", &token)
                .header("if-match", "not-an-etag")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    resp.assert_error(400, "invalid_header", 400_004);
    assert!(app.state.person("Farrell").is_some());
}

#[tokio::test]
async fn status_401_missing_unknown_and_expired_token() {
    let app = App::new();
    let resp = app
        .send(Request::get("/api/v1/people").body(Body::empty()).unwrap())
        .await;
    resp.assert_error(401, "missing_token", 401_001);
    assert_eq!(
        resp.header("www-authenticate"),
        Some(r#"Bearer realm="people""#)
    );
    assert!(resp.header("x-ratelimit-limit").is_some());

    let resp = app.get("not-a-token", "/api/v1/people").await;
    resp.assert_error(401, "invalid_token", 401_002);
    assert!(
        resp.header("www-authenticate")
            .unwrap()
            .starts_with(r#"Bearer realm="people", error="invalid_token""#)
    );

    let token = app.token().await;
    app.state.expire_tokens();
    let resp = app.get(&token, "/api/v1/people").await;
    resp.assert_error(401, "invalid_token", 401_002);

    let resp = app
        .send(
            Request::get("/api/v1/people")
                .header("authorization", "Basic ZGVtbzpkZW1v")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    resp.assert_error(401, "missing_token", 401_001);
}

#[tokio::test]
async fn status_403_reader_cannot_write() {
    let app = App::new();
    let token = app.reader_token().await;
    assert_eq!(app.get(&token, "/api/v1/people").await.status, 200);
    let resp = app.create(&token, "Ada", "Lovelace").await;
    resp.assert_error(403, "insufficient_scope", 403_001);
    assert_eq!(
        resp.header("www-authenticate"),
        Some(r#"Bearer realm="people", error="insufficient_scope", scope="people:write""#)
    );
    assert!(app.state.person("Lovelace").is_none());
}

#[tokio::test]
async fn status_404_person_photo_attachment_and_route() {
    let app = App::new();
    let token = app.token().await;
    app.get(&token, "/api/v1/people/Nobody")
        .await
        .assert_error(404, "person_not_found", 404_001);
    app.get(&token, "/api/v1/people/Farrell/photo")
        .await
        .assert_error(404, "photo_not_found", 404_002);
    app.get(&token, "/api/v1/people/Farrell/attachments/att_nope")
        .await
        .assert_error(404, "attachment_not_found", 404_003);
    app.get(&token, "/api/v1/nothing/here")
        .await
        .assert_error(404, "route_not_found", 404_004);
    app.get(&token, "/elsewhere")
        .await
        .assert_error(404, "route_not_found", 404_004);
    app.get(&token, "/api/v1/people/Farrell/extra/segments")
        .await
        .assert_error(404, "route_not_found", 404_004);
}

#[tokio::test]
async fn status_405_with_allow() {
    let app = App::new();
    let token = app.token().await;
    let cases = [
        (Method::DELETE, "/api/v1/people", "GET, HEAD, POST"),
        (
            Method::POST,
            "/api/v1/people/Farrell",
            "GET, HEAD, PUT, PATCH, DELETE",
        ),
        (
            Method::PUT,
            "/api/v1/people/Farrell/photo",
            "GET, HEAD, POST, DELETE",
        ),
        (
            Method::DELETE,
            "/api/v1/people/Farrell/attachments",
            "GET, HEAD, POST",
        ),
        (Method::POST, "/api/v1/openapi.json", "GET, HEAD"),
    ];
    for (method, uri, allow) in cases {
        let resp = app
            .send(authed(method, uri, &token).body(Body::empty()).unwrap())
            .await;
        resp.assert_error(405, "method_not_allowed", 405_001);
        assert_eq!(resp.header("allow"), Some(allow), "{uri}");
    }
    // The token endpoint keeps the OAuth shape.
    let resp = app
        .send(
            Request::get("/api/v1/oauth/token")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status, 405);
    assert_eq!(resp.header("allow"), Some("POST"));
    assert_eq!(resp.json()["error"], "invalid_request");
}

#[tokio::test]
async fn status_406_accept_rules_out_json() {
    let app = App::new();
    let token = app.token().await;
    for uri in [
        "/api/v1/people",
        "/api/v1/people/Farrell",
        "/api/v1/people/Farrell/attachments",
    ] {
        let resp = app
            .send(
                authed(Method::GET, uri, &token)
                    .header("accept", "text/html")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        resp.assert_error(406, "not_acceptable", 406_001);
    }
    let resp = app
        .send(
            authed(Method::GET, "/api/v1/people", &token)
                .header("accept", "text/html, application/json;q=0.1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status, 200);
}

#[tokio::test]
async fn status_409_existing_lname() {
    let app = App::new();
    let token = app.token().await;
    let resp = app.create(&token, "Someone", "Farrell").await;
    resp.assert_error(409, "person_exists", 409_001);
    assert_eq!(resp.json()["details"][0]["field"], "lname");
    assert_eq!(app.state.person("Farrell").unwrap().fname, "Doug");
}

#[tokio::test]
async fn status_410_after_delete() {
    let app = App::new();
    let token = app.token().await;
    let resp = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Easter", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status, 204);
    app.get(&token, "/api/v1/people/Easter")
        .await
        .assert_error(410, "person_gone", 410_001);
    app.get(&token, "/api/v1/people/Easter/photo")
        .await
        .assert_error(410, "person_gone", 410_001);
    assert_eq!(app.create(&token, "Bunny", "Easter").await.status, 201);
    assert_eq!(app.get(&token, "/api/v1/people/Easter").await.status, 200);
}

#[tokio::test]
async fn status_412_stale_if_match() {
    let app = App::new();
    let token = app.token().await;
    let etag = app
        .get(&token, "/api/v1/people/Farrell")
        .await
        .header("etag")
        .unwrap()
        .to_string();
    let put = |if_match: &str| {
        authed(Method::PUT, "/api/v1/people/Farrell", &token)
            .header("content-type", "application/json")
            .header("if-match", if_match)
            .body(Body::from(r#"{"fname":"Douglas","lname":"Farrell"}"#))
            .unwrap()
    };
    let resp = app.send(put("\"stale\"")).await;
    resp.assert_error(412, "precondition_failed", 412_001);
    assert_eq!(app.state.person("Farrell").unwrap().fname, "Doug");
    let weak = format!("W/{etag}");
    app.send(put(&weak))
        .await
        .assert_error(412, "precondition_failed", 412_001);
    let resp = app.send(put(&etag)).await;
    assert_eq!(resp.status, 204);
    assert_ne!(resp.header("etag"), Some(etag.as_str()));
    assert_eq!(app.state.person("Farrell").unwrap().fname, "Douglas");
}

#[tokio::test]
async fn status_413_json_and_uploads() {
    let app = App::with(
        PeopleMock::builder()
            .photo_limit(1024)
            .attachment_limits(100, 150),
    );
    let token = app.token().await;
    let big = json!({"fname": "x".repeat(70 * 1024), "lname": "Big"});
    let resp = app.post_json(&token, "/api/v1/people", &big).await;
    resp.assert_error(413, "payload_too_large", 413_001);

    let mut photo = PNG.to_vec();
    photo.resize(2048, 0);
    let resp = app
        .upload(
            &token,
            "/api/v1/people/Farrell/photo",
            &[Part::file("file", "a.png", &photo).with_content_type("image/png")],
        )
        .await;
    resp.assert_error(413, "payload_too_large", 413_001);
    assert_eq!(resp.json()["details"][0]["field"], "photo_limit");
    assert_eq!(
        app.get(&token, "/api/v1/people/Farrell/photo").await.status,
        404
    );

    // Two files under the per-file limit but over the request limit: nothing stored.
    let resp = app
        .upload(
            &token,
            "/api/v1/people/Farrell/attachments",
            &[
                Part::file("files", "a", &[1; 90]),
                Part::file("files", "b", &[2; 90]),
            ],
        )
        .await;
    resp.assert_error(413, "payload_too_large", 413_001);
    let list = app.get(&token, "/api/v1/people/Farrell/attachments").await;
    assert_eq!(list.json()["data"], json!([]));
}

#[tokio::test]
async fn status_415_content_type_and_fake_image() {
    let app = App::new();
    let token = app.token().await;
    let resp = app
        .send(
            authed(Method::POST, "/api/v1/people", &token)
                .header("content-type", "text/plain")
                .body(Body::from(r#"{"fname":"A","lname":"B"}"#))
                .unwrap(),
        )
        .await;
    resp.assert_error(415, "unsupported_media_type", 415_001);

    let resp = app
        .send(
            authed(Method::POST, "/api/v1/people/Farrell/photo", &token)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    resp.assert_error(415, "unsupported_media_type", 415_001);

    let resp = app
        .upload(
            &token,
            "/api/v1/people/Farrell/photo",
            &[Part::file("file", "a.png", b"GIF89a not a png").with_content_type("image/png")],
        )
        .await;
    resp.assert_error(415, "unsupported_image", 415_002);

    let resp = app
        .upload(
            &token,
            "/api/v1/people/Farrell/photo",
            &[Part::file("file", "a.txt", b"hello").with_content_type("text/plain")],
        )
        .await;
    resp.assert_error(415, "unsupported_image", 415_002);
}

#[tokio::test]
async fn status_422_validation_and_missing_file() {
    let app = App::new();
    let token = app.token().await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/people",
            &json!({"fname": "", "lname": "x".repeat(65)}),
        )
        .await;
    resp.assert_error(422, "validation_failed", 422_001);
    let fields: Vec<_> = resp.json()["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].clone())
        .collect();
    assert_eq!(fields, [json!("fname"), json!("lname")]);

    let resp = app
        .send(json_request(
            Method::PUT,
            "/api/v1/people/Farrell",
            &token,
            &json!({"fname": "D", "lname": "Other"}),
        ))
        .await;
    resp.assert_error(422, "validation_failed", 422_001);
    assert_eq!(resp.json()["details"][0]["field"], "lname");

    let resp = app
        .upload(
            &token,
            "/api/v1/people/Farrell/photo",
            &[Part::text("caption", b"hi")],
        )
        .await;
    resp.assert_error(422, "missing_file", 422_002);
}

#[tokio::test]
async fn status_429_over_the_rate_limit() {
    let app = App::with(PeopleMock::builder().rate_limit(2, Duration::from_secs(60)));
    let token = app.token().await;
    let first = app.get(&token, "/api/v1/people").await;
    assert_eq!(first.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("1"));
    assert_eq!(
        app.get(&token, "/api/v1/people")
            .await
            .header("x-ratelimit-remaining"),
        Some("0")
    );
    let resp = app.create(&token, "Ada", "Lovelace").await;
    resp.assert_error(429, "rate_limited", 429_001);
    let retry: u64 = resp.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(resp.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = resp.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset > 1_700_000_000);
    assert!(app.state.person("Lovelace").is_none(), "nothing done");
    // Another client has its own window.
    let reader = app.reader_token().await;
    assert_eq!(app.get(&reader, "/api/v1/people").await.status, 200);
}

#[tokio::test]
async fn status_500_only_when_injected() {
    let app = App::new();
    let token = app.token().await;
    app.state
        .inject(Fault::status(500).path("/api/v1/people").times(1));
    app.get(&token, "/api/v1/people")
        .await
        .assert_error(500, "internal_error", 500_001);
    assert_eq!(app.get(&token, "/api/v1/people").await.status, 200);
}

#[tokio::test]
async fn status_503_injected_outage_with_retry_after() {
    let app = App::new();
    let token = app.token().await;
    app.state.inject(
        Fault::status(503)
            .retry_after(Duration::from_secs(7))
            .method("GET")
            .path("/api/v1/people/*"),
    );
    let resp = app.get(&token, "/api/v1/people/Farrell").await;
    resp.assert_error(503, "service_unavailable", 503_001);
    assert_eq!(resp.header("retry-after"), Some("7"));
    assert_eq!(app.get(&token, "/api/v1/people").await.status, 200);
}
