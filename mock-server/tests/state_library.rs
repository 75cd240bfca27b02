//! `PeopleMock::builder().state(dir)` in the library: what one server was told is what the next
//! one on the same directory answers (people, gone people, photos, ETags, timestamps), a second
//! server on a directory in use is refused, and a reset and a `PUT /__mock/state` are kept.

mod support;

use axum::body::Body;
use http::{Method, Request};
use people_mock::{Fixture, PeopleMock, StateError};
use support::{App, PNG, Part, admin_request, authed, person_uri, photo_request};

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

/// A server on `dir` that starts from Ada Lovelace alone when the directory is new.
fn durable(dir: &std::path::Path) -> App {
    let fixture = Fixture::from_json(r#"{"people": [{"fname": "Ada", "lname": "Lovelace"}]}"#)
        .expect("a valid fixture");
    App::with(PeopleMock::builder().state(dir).data(fixture))
}

#[tokio::test]
async fn a_loaded_state_is_kept_and_a_reset_goes_back_to_the_fixture() {
    // What another server holds: a photo, attachments, a deleted key.
    let source = App::new();
    let token = source.token().await;
    assert_eq!(
        source.create(&token, "Zoë", "Lévi-Strauss").await.status,
        201
    );
    assert_eq!(
        source
            .send(photo_request("Lévi-Strauss", &token))
            .await
            .status,
        201
    );
    let files = [
        Part::file("files", "a.txt", b"first"),
        Part::file("files", "b.txt", b"second"),
    ];
    let attachments = format!("{}/attachments", person_uri("Easter"));
    assert_eq!(
        source.upload(&token, &attachments, &files).await.status,
        201
    );
    assert_eq!(source.send(delete("Brockman", &token)).await.status, 204);
    let export = source
        .send(admin_request(Method::GET, "/__mock/state", None))
        .await;
    assert_eq!(export.status, 200);

    // A new directory starts from the fixture; PUT /__mock/state replaces it, on disk.
    let dir = tempfile::tempdir().expect("a temp dir");
    let app = durable(dir.path());
    let names: Vec<String> = app.state.people().into_iter().map(|p| p.lname).collect();
    assert_eq!(names, ["Lovelace"]);
    let body = String::from_utf8_lossy(&export.body).into_owned();
    let put = app
        .send(admin_request(Method::PUT, "/__mock/state", Some(body)))
        .await;
    assert_eq!(put.status, 200, "{:?}", put.body);
    let token = app.token().await;
    let before = app.get(&token, &person_uri("Lévi-Strauss")).await;
    assert_eq!(before.status, 200);
    drop(app);

    // The next start on the directory answers what was loaded, not the fixture.
    let app = durable(dir.path());
    let again = app
        .send(admin_request(Method::GET, "/__mock/state", None))
        .await;
    assert_eq!(
        again.json(),
        export.json(),
        "people, files, ids and times kept"
    );
    let token = app.token().await;
    let after = app.get(&token, &person_uri("Lévi-Strauss")).await;
    assert_eq!(after.header("etag"), before.header("etag"));
    app.get(&token, &person_uri("Brockman"))
        .await
        .assert_error(410, "person_gone", 410_001);
    // Attachment ids go on after the loaded ones.
    let more = [Part::file("files", "c.txt", b"third")];
    let added = app.upload(&token, &attachments, &more).await;
    assert_eq!(added.status, 201);
    let listed = app.get(&token, &attachments).await.json();
    let mut ids: Vec<&str> = listed["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids.len(), 3);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3, "no id given twice");

    // A reset goes back to the fixture, and that is kept too.
    let reset = admin_request(Method::POST, "/__mock/reset", Some("{}".into()));
    assert_eq!(app.send(reset).await.status, 200);
    drop(app);
    let app = durable(dir.path());
    let names: Vec<String> = app.state.people().into_iter().map(|p| p.lname).collect();
    assert_eq!(names, ["Lovelace"]);
}
