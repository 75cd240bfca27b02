//! The contract's Unicode keys round-trip through every route.

mod support;

use axum::body::Body;
use http::{Method, StatusCode};
use serde_json::json;
use support::*;

/// `DELETE path`; the status.
async fn delete(app: &App, token: &str, path: &str) -> StatusCode {
    app.send(
        authed(Method::DELETE, path, token)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .status
}

/// A person with each key, created; their paths.
async fn create_each(app: &App, token: &str) -> Vec<(&'static str, String)> {
    let mut people = Vec::new();
    for lname in UNICODE_KEYS {
        let uri = person_uri(lname);
        let created = app.create(token, "Name", lname).await;
        assert_eq!(created.status, 201, "{lname}: {:?}", created.body);
        assert_eq!(created.header("location"), Some(uri.as_str()), "{lname}");
        assert!(created.body.is_empty());
        people.push((lname, uri));
    }
    people
}

#[tokio::test]
async fn the_person_routes_round_trip_unicode_keys() {
    let app = App::new();
    let token = app.token().await;
    for (lname, uri) in create_each(&app, &token).await {
        let got = app.get(&token, &uri).await;
        assert_eq!(got.status, 200, "{lname}");
        assert_eq!(got.json()["lname"], lname);

        let filtered = app
            .get(
                &token,
                &format!(
                    "/api/v1/people?lname={}",
                    people_mock::encode_segment(lname)
                ),
            )
            .await;
        assert_eq!(filtered.json()["data"][0]["lname"], lname, "filter {lname}");

        let put = app
            .send(json_request(
                Method::PUT,
                &uri,
                &token,
                &json!({"fname": "Put", "lname": lname}),
            ))
            .await;
        assert_eq!(put.status, 204, "{lname}");

        let patch = app
            .send(
                authed(Method::PATCH, &uri, &token)
                    .header("content-type", "application/merge-patch+json")
                    .body(Body::from(
                        json!({"fname": "Patched", "lname": lname}).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(patch.status, 204, "{lname}");
        assert_eq!(app.state.person(lname).unwrap().fname, "Patched");

        assert_eq!(delete(&app, &token, &uri).await, 204, "{lname}");
        app.get(&token, &uri)
            .await
            .assert_error(410, "person_gone", 410_001);
        app.get(&token, &format!("{uri}/attachments"))
            .await
            .assert_error(410, "person_gone", 410_001);
    }
}

#[tokio::test]
async fn the_photo_routes_round_trip_unicode_keys() {
    let app = App::new();
    let token = app.token().await;
    for (lname, uri) in create_each(&app, &token).await {
        let photo = app.send(photo_request(lname, &token)).await;
        assert_eq!(photo.status, 201, "{lname}");
        assert_eq!(
            photo.header("location"),
            Some(format!("{uri}/photo").as_str())
        );
        let got = app.get(&token, &format!("{uri}/photo")).await;
        assert_eq!(got.status, 200);
        assert_eq!(&got.body[..], PNG);
        assert_eq!(delete(&app, &token, &format!("{uri}/photo")).await, 204);
    }
}

#[tokio::test]
async fn the_attachment_routes_round_trip_unicode_keys() {
    let app = App::new();
    let token = app.token().await;
    for (lname, uri) in create_each(&app, &token).await {
        let uploaded = app
            .upload(
                &token,
                &format!("{uri}/attachments"),
                &[Part::file("files", "n.txt", lname.as_bytes()).with_content_type("text/plain")],
            )
            .await;
        assert_eq!(uploaded.status, 201, "{lname}");
        let id = uploaded.json()["data"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let list = app.get(&token, &format!("{uri}/attachments")).await;
        assert_eq!(list.json()["data"][0]["id"], id.as_str());
        let file = app.get(&token, &format!("{uri}/attachments/{id}")).await;
        assert_eq!(&file.body[..], lname.as_bytes());
        let path = format!("{uri}/attachments/{id}");
        assert_eq!(delete(&app, &token, &path).await, 204);
    }
}

#[tokio::test]
async fn keys_are_case_sensitive_and_slash_is_not_a_key() {
    let app = App::new();
    let token = app.token().await;
    app.get(&token, "/api/v1/people/farrell")
        .await
        .assert_error(404, "person_not_found", 404_001);
    app.get(&token, "/api/v1/people/a%2Fb")
        .await
        .assert_error(404, "person_not_found", 404_001);
    app.get(&token, "/api/v1/people/%FF%FE")
        .await
        .assert_error(404, "person_not_found", 404_001);
    app.create(&token, "A", "a/b")
        .await
        .assert_error(422, "validation_failed", 422_001);
    app.create(&token, "A", "tab\there")
        .await
        .assert_error(422, "validation_failed", 422_001);
    app.create(&token, "A", " padded")
        .await
        .assert_error(422, "validation_failed", 422_001);
}
