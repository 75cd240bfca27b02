//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod program;
pub mod seed;
pub mod wait;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use people_mock::{MockState, PeopleMock, PeopleMockBuilder};
use serde_json::Value;
use tower::ServiceExt;

/// The Unicode keys of the contract that must round-trip everywhere.
pub const UNICODE_KEYS: [&str; 5] = ["O'Brien", "Lévi-Strauss", "van der Berg", "100%", "李"];

/// A tiny valid PNG signature followed by some bytes.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01";

/// A router and its state, without a socket.
pub struct App {
    pub router: Router,
    pub state: MockState,
}

/// A collected response.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the contract's JSON error shape.
    pub fn assert_error(&self, status: u16, error: &str, code: u64) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        assert_eq!(body["error"], error, "{body}");
        assert_eq!(body["error_code"], code, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
}

impl App {
    pub fn new() -> Self {
        Self::with(PeopleMock::builder())
    }

    pub fn with(builder: PeopleMockBuilder) -> Self {
        let (router, state) = builder.into_parts();
        Self { router, state }
    }

    pub async fn send(&self, request: Request<Body>) -> Resp {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body collects").to_bytes();
        Resp {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// A token for a client via the token endpoint (form authentication).
    pub async fn token_for(&self, id: &str, secret: &str) -> String {
        let body = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");
        let resp = self.send(form("/api/v1/oauth/token", &body)).await;
        assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.body);
        resp.json()["access_token"].as_str().unwrap().to_string()
    }

    /// A read-write token.
    pub async fn token(&self) -> String {
        self.token_for("demo-client", "demo-secret").await
    }

    /// A read-only token.
    pub async fn reader_token(&self) -> String {
        self.token_for("reader", "reader-secret").await
    }

    pub async fn get(&self, token: &str, uri: &str) -> Resp {
        self.send(authed(Method::GET, uri, token).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_json(&self, token: &str, uri: &str, body: &Value) -> Resp {
        self.send(json_request(Method::POST, uri, token, body))
            .await
    }

    /// A multipart POST of `parts` with a bearer token.
    pub async fn upload(&self, token: &str, uri: &str, parts: &[Part<'_>]) -> Resp {
        self.send(multipart_request(uri, token, multipart(parts)))
            .await
    }

    pub async fn create(&self, token: &str, fname: &str, lname: &str) -> Resp {
        self.post_json(
            token,
            "/api/v1/people",
            &serde_json::json!({"fname": fname, "lname": lname}),
        )
        .await
    }
}

/// A request builder with a bearer token.
pub fn authed(method: Method, uri: &str, token: &str) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "mock.test:1234")
        .header("authorization", format!("Bearer {token}"))
}

/// A JSON request with a bearer token.
pub fn json_request(method: Method, uri: &str, token: &str, body: &Value) -> Request<Body> {
    authed(method, uri, token)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A form POST without credentials in headers.
pub fn form(uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// `/api/v1/people/{lname}` with the lname percent-encoded.
pub fn person_uri(lname: &str) -> String {
    format!("/api/v1/people/{}", people_mock::encode_segment(lname))
}

/// One part of a multipart body.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub data: &'a [u8],
}

impl<'a> Part<'a> {
    /// A file part: a filename and no Content-Type.
    pub fn file(name: &'a str, filename: &'a str, data: &'a [u8]) -> Self {
        Self {
            name,
            filename: Some(filename),
            content_type: None,
            data,
        }
    }

    /// A text part: no filename and no Content-Type.
    pub fn text(name: &'a str, data: &'a [u8]) -> Self {
        Self {
            name,
            filename: None,
            content_type: None,
            data,
        }
    }

    /// The same part with a Content-Type.
    pub fn with_content_type(self, content_type: &'a str) -> Self {
        Self {
            content_type: Some(content_type),
            ..self
        }
    }
}

pub const BOUNDARY: &str = "XyZ-boundary-123";

/// A complete multipart/form-data body.
pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
        if let Some(filename) = part.filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = part.content_type {
            out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// A multipart POST with a bearer token.
pub fn multipart_request(uri: &str, token: &str, body: Vec<u8>) -> Request<Body> {
    authed(Method::POST, uri, token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// A photo upload of a PNG.
pub fn photo_request(lname: &str, token: &str) -> Request<Body> {
    let body = multipart(&[Part::file("file", "me.png", PNG).with_content_type("image/png")]);
    multipart_request(&format!("{}/photo", person_uri(lname)), token, body)
}

/// A client for socket tests, fetching a token.
pub async fn socket_token(mock: &PeopleMock) -> String {
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{}/api/v1/oauth/token", mock.uri()))
        .basic_auth(mock.client_id(), Some(mock.client_secret()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// A request to the admin surface, with a JSON body when given one.
pub fn admin_request(method: Method, path: &str, body: Option<String>) -> Request<Body> {
    let builder = Request::builder().method(method).uri(path);
    match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("a request"),
        None => builder.body(Body::empty()).expect("a request"),
    }
}
