//! Every route that takes a name refuses exactly what the spec's patterns refuse: the bodies of
//! POST, PUT and PATCH with `422` and a `details` entry for the field, and a path key with the
//! answer for a key that cannot exist, `404 person_not_found`.

mod support;

use std::time::Duration;

use axum::body::Body;
use http::Method;
use people_mock::PeopleMock;
use proptest::strategy::{Strategy, ValueTree};
use serde_json::{Value, json};
use support::seed;
use support::*;

/// Names both patterns refuse.
const BAD_NAMES: [&str; 9] = [
    "",
    " Farrell",
    "Farrell\t",
    "\u{feff}Farrell",
    "Farrell\u{feff}",
    "\u{3000}x",
    "a\u{7}b",
    "a\u{85}b",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

/// Names only the key's pattern refuses.
const BAD_KEYS_ONLY: [&str; 4] = [".", "..", "a/b", "/"];

/// The `details` messages of a 422 for `field`.
fn details_for(resp: &Resp, field: &str) -> Vec<String> {
    resp.assert_error(422, "validation_failed", 422_001);
    resp.json()["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["field"] == field)
        .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn patch(app: &App, token: &str, uri: &str, body: &Value) -> Resp {
    app.send(
        authed(Method::PATCH, uri, token)
            .header("content-type", "application/merge-patch+json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn every_body_refuses_names_that_break_the_pattern() {
    let app = App::new();
    let token = app.token().await;
    let farrell = person_uri("Farrell");
    for bad in BAD_NAMES.iter().chain(&BAD_KEYS_ONLY) {
        let lname_why = details_for(&app.create(&token, "Ann", bad).await, "lname");
        assert!(!lname_why.is_empty(), "POST lname {bad:?}");
        let put = json_request(
            Method::PUT,
            &farrell,
            &token,
            &json!({"fname": "Doug", "lname": bad}),
        );
        assert_eq!(details_for(&app.send(put).await, "lname"), lname_why);
        let patched = patch(&app, &token, &farrell, &json!({"lname": bad})).await;
        assert_eq!(details_for(&patched, "lname"), lname_why, "PATCH {bad:?}");
    }
    for dots in [".", ".."] {
        let resp = app.create(&token, "Ann", dots).await;
        assert_eq!(details_for(&resp, "lname"), ["must not be '.' or '..'"]);
    }
    let resp = app.create(&token, "Ann", "\u{feff}Farrell").await;
    assert_eq!(
        details_for(&resp, "lname"),
        ["must not start or end with white space"]
    );
    for bad in BAD_NAMES {
        let resp = app.create(&token, bad, "Fresh").await;
        assert!(
            !details_for(&resp, "fname").is_empty(),
            "POST fname {bad:?}"
        );
        let put = json_request(
            Method::PUT,
            &farrell,
            &token,
            &json!({"fname": bad, "lname": "Farrell"}),
        );
        assert!(!details_for(&app.send(put).await, "fname").is_empty());
        let patched = patch(&app, &token, &farrell, &json!({"fname": bad})).await;
        assert!(!details_for(&patched, "fname").is_empty(), "PATCH {bad:?}");
    }
    for fine_as_fname in BAD_KEYS_ONLY {
        let patched = patch(&app, &token, &farrell, &json!({"fname": fine_as_fname})).await;
        assert_eq!(patched.status, 204, "{fine_as_fname:?}");
    }
    assert_eq!(app.state.people().len(), 3, "nothing was created");
    assert_eq!(app.state.person("Farrell").unwrap().fname, "/");
}

#[tokio::test]
async fn a_path_key_that_breaks_the_pattern_names_no_one() {
    let app = App::new();
    let token = app.token().await;
    for segment in [
        "%2E",
        ".",
        "..",
        "%2E%2E",
        ".%2e",
        "%2e.",
        "%EF%BB%BFFarrell",
        "Farrell%EF%BB%BF",
        "%20Farrell",
    ] {
        let person = format!("/api/v1/people/{segment}");
        let photo = format!("{person}/photo");
        let attachments = format!("{person}/attachments");
        let attachment = format!("{attachments}/att_00000001");
        let png = multipart(&[Part::file("file", "me.png", PNG).with_content_type("image/png")]);
        let file = multipart(&[Part::file("files", "a.txt", b"a")]);
        let requests = [
            authed(Method::GET, &person, &token).body(Body::empty()),
            authed(Method::DELETE, &person, &token).body(Body::empty()),
            authed(Method::PATCH, &person, &token)
                .header("content-type", "application/merge-patch+json")
                .body(Body::from(r#"{"fname":"Ann"}"#)),
            authed(Method::GET, &photo, &token).body(Body::empty()),
            authed(Method::DELETE, &photo, &token).body(Body::empty()),
            authed(Method::GET, &attachments, &token).body(Body::empty()),
            authed(Method::GET, &attachment, &token).body(Body::empty()),
            authed(Method::DELETE, &attachment, &token).body(Body::empty()),
        ];
        for request in requests {
            let request = request.unwrap();
            let what = format!("{} {}", request.method(), request.uri());
            let resp = app.send(request).await;
            assert_eq!(resp.status, 404, "{what}");
            assert_eq!(resp.json()["error"], "person_not_found", "{what}");
        }
        let resp = app.send(multipart_request(&photo, &token, png)).await;
        resp.assert_error(404, "person_not_found", 404_001);
        let resp = app
            .send(multipart_request(&attachments, &token, file))
            .await;
        resp.assert_error(404, "person_not_found", 404_001);
        // A PUT body must carry the path's key, which cannot be valid: validation answers first.
        let put = json_request(
            Method::PUT,
            &person,
            &token,
            &json!({"fname": "Ann", "lname": "Farrell"}),
        );
        assert!(!details_for(&app.send(put).await, "lname").is_empty());
    }
    assert_eq!(app.state.people().len(), 3, "nothing was created");
}

/// The spec's pattern for a schema, from the document the server serves.
fn spec_pattern(schema: &str) -> regress::Regex {
    let spec: Value = serde_yaml_ng::from_str(people_mock::OPENAPI_YAML).expect("the spec");
    let pattern = spec["components"]["schemas"][schema]["pattern"]
        .as_str()
        .expect("a pattern");
    regress::Regex::new(pattern).expect("the pattern compiles")
}

fn spec_accepts(pattern: &regress::Regex, name: &str) -> bool {
    (1..=64).contains(&name.chars().count()) && pattern.find(name).is_some()
}

#[tokio::test]
async fn create_and_patch_accept_exactly_what_the_patterns_accept() {
    let app = App::with(PeopleMock::builder().rate_limit(100_000, Duration::from_secs(60)));
    let token = app.token().await;
    let (lname_pattern, fname_pattern) = (spec_pattern("Lname"), spec_pattern("Fname"));
    let names = proptest::string::string_regex(
        "[. a/%\\t\\u{85}\\u{feff}\\u{3000}\\u{200b}李]{0,4}|\\PC{0,66}",
    )
    .expect("a strategy");
    let mut runner =
        seed::seeded_runner("create_and_patch_accept_exactly_what_the_patterns_accept");
    for _ in 0..400 {
        let name = names.new_tree(&mut runner).expect("a name").current();
        let expected = match spec_accepts(&lname_pattern, &name) {
            true if app.state.person(&name).is_some() => 409,
            true => 201,
            false => 422,
        };
        let created = app.create(&token, "Ann", &name).await;
        assert_eq!(
            created.status, expected,
            "lname {name:?}: {:?}",
            created.body
        );
        let patched = patch(
            &app,
            &token,
            &person_uri("Farrell"),
            &json!({"fname": name}),
        )
        .await;
        let expected = if spec_accepts(&fname_pattern, &name) {
            204
        } else {
            422
        };
        assert_eq!(
            patched.status, expected,
            "fname {name:?}: {:?}",
            patched.body
        );
    }
}
