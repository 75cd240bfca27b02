//! `PeopleMock::builder().state(dir)` in the library: what one server was told is what the next
//! one on the same directory answers (people, gone people, photos, ETags, timestamps), a second
//! server on a directory in use is refused, and a reset is kept.

mod support;

use axum::body::Body;
use http::{Method, Request};
use people_mock::{PeopleMock, StateError};
use support::{App, PNG, authed, person_uri, photo_request};

fn delete(lname: &str, token: &str) -> Request<Body> {
    authed(Method::DELETE, &person_uri(lname), token)
        .body(Body::empty())
        .expect("a request")
}

#[tokio::test]
async fn a_restart_on_the_same_directory_answers_the_same() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let app = App::with(PeopleMock::builder().state(dir.path()));
    let token = app.token().await;
    assert_eq!(app.create(&token, "Ada", "Lovelace").await.status, 201);
    assert_eq!(
        app.send(photo_request("Lovelace", &token)).await.status,
        201
    );
    assert_eq!(app.send(delete("Easter", &token)).await.status, 204);
    let before = app.get(&token, &person_uri("Lovelace")).await;
    assert_eq!(before.status, 200);

    let busy = PeopleMock::builder()
        .state(dir.path())
        .try_start()
        .await
        .expect_err("the directory is in use");
    let inner = busy.get_ref().and_then(|e| e.downcast_ref::<StateError>());
    assert!(inner.is_some_and(StateError::is_busy), "{busy}");
    drop(app);

    let app = App::with(PeopleMock::builder().state(dir.path()));
    let token = app.token().await;
    let after = app.get(&token, &person_uri("Lovelace")).await;
    assert_eq!(after.status, 200);
    assert_eq!(after.json(), before.json(), "same fname and timestamp");
    assert_eq!(after.header("etag"), before.header("etag"));
    let photo = app
        .get(&token, &format!("{}/photo", person_uri("Lovelace")))
        .await;
    assert_eq!(photo.status, 200);
    assert_eq!(&photo.body[..], PNG);
    app.get(&token, &person_uri("Easter"))
        .await
        .assert_error(410, "person_gone", 410_001);

    // A person deleted and created again gets an ETag of its own, even across a restart.
    assert_eq!(app.send(delete("Lovelace", &token)).await.status, 204);
    drop(app);
    let app = App::with(PeopleMock::builder().state(dir.path()));
    let token = app.token().await;
    assert_eq!(app.create(&token, "Ada", "Lovelace").await.status, 201);
    let again = app.get(&token, &person_uri("Lovelace")).await;
    assert_ne!(again.header("etag"), before.header("etag"));
}

#[tokio::test]
async fn a_reset_is_kept() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let app = App::with(PeopleMock::builder().state(dir.path()));
    let token = app.token().await;
    assert_eq!(app.create(&token, "Ada", "Lovelace").await.status, 201);
    let reset = Request::post("/__mock/reset")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .expect("a request");
    assert_eq!(app.send(reset).await.status, 200);
    drop(app);
    let app = App::with(PeopleMock::builder().state(dir.path()));
    let token = app.token().await;
    assert_eq!(app.get(&token, &person_uri("Lovelace")).await.status, 404);
    assert_eq!(app.state.people().len(), 3);
}
