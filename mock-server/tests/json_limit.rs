//! The JSON body limit: a body of exactly the limit is read, one byte more is a 413 that
//! changes nothing, whether the length is announced or only seen while reading.

mod support;

use axum::body::Body;
use bytes::Bytes;
use http::{Method, Request};
use people_mock::PeopleMock;
use serde_json::{Value, json};
use support::*;

/// The contract's limit, and the default.
const DEFAULT_LIMIT: usize = 64 * 1024;

/// `value` as JSON text of exactly `len` bytes: padded with trailing white space, which JSON
/// allows.
fn padded(value: &Value, len: usize) -> String {
    let mut text = value.to_string();
    assert!(text.len() <= len, "{text} is longer than {len}");
    text.extend(std::iter::repeat_n(' ', len - text.len()));
    text
}

/// How the body travels.
#[derive(Debug, Clone, Copy)]
enum Sent {
    /// With `Content-Length`.
    Announced,
    /// In small chunks, with no length given.
    Streamed,
}

fn request(method: Method, uri: &str, token: &str, text: String, sent: Sent) -> Request<Body> {
    let builder = authed(method, uri, token).header("content-type", "application/json");
    match sent {
        Sent::Announced => builder
            .header("content-length", text.len())
            .body(Body::from(text))
            .unwrap(),
        Sent::Streamed => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = text
                .into_bytes()
                .chunks(1000)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            builder
                .body(Body::from_stream(futures::stream::iter(chunks)))
                .unwrap()
        }
    }
}

fn assert_too_large(resp: &Resp, limit: usize) {
    resp.assert_error(413, "payload_too_large", 413_001);
    let details = &resp.json()["details"];
    assert_eq!(details[0]["field"], "json_limit", "{details}");
    assert_eq!(
        details[0]["message"],
        format!("at most {limit} bytes"),
        "{details}"
    );
}

/// Create, PUT and PATCH at the limit and one byte over it.
async fn check_limit(app: &App, limit: usize) {
    for sent in [Sent::Announced, Sent::Streamed] {
        // A reset (below) forgets tokens.
        let token = app.token().await;
        let create = json!({"fname": "Homer", "lname": "Simpson"});
        let over = app
            .send(request(
                Method::POST,
                "/api/v1/people",
                &token,
                padded(&create, limit + 1),
                sent,
            ))
            .await;
        assert_too_large(&over, limit);
        assert!(app.state.person("Simpson").is_none(), "{sent:?}");
        let at = app
            .send(request(
                Method::POST,
                "/api/v1/people",
                &token,
                padded(&create, limit),
                sent,
            ))
            .await;
        assert_eq!(at.status, 201, "{sent:?}: {:?}", at.body);

        for (method, fname) in [(Method::PUT, "Put"), (Method::PATCH, "Patched")] {
            let body = match method {
                Method::PUT => json!({"fname": fname, "lname": "Simpson"}),
                _ => json!({"fname": fname}),
            };
            let over = app
                .send(request(
                    method.clone(),
                    "/api/v1/people/Simpson",
                    &token,
                    padded(&body, limit + 1),
                    sent,
                ))
                .await;
            assert_too_large(&over, limit);
            assert_eq!(
                app.state.person("Simpson").map(|p| p.fname).as_deref(),
                Some(if method == Method::PUT {
                    "Homer"
                } else {
                    "Put"
                }),
                "{method} {sent:?}"
            );
            let at = app
                .send(request(
                    method.clone(),
                    "/api/v1/people/Simpson",
                    &token,
                    padded(&body, limit),
                    sent,
                ))
                .await;
            assert_eq!(at.status, 204, "{method} {sent:?}: {:?}", at.body);
            assert_eq!(
                app.state.person("Simpson").map(|p| p.fname).as_deref(),
                Some(fname)
            );
        }
        app.state.reset();
    }
}

#[tokio::test]
async fn the_default_limit_is_64_kib() {
    check_limit(&App::new(), DEFAULT_LIMIT).await;
}

#[tokio::test]
async fn a_configured_limit_applies() {
    check_limit(&App::with(PeopleMock::builder().json_limit(100)), 100).await;
}
