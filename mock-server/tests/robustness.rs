//! Random requests never panic, never answer 5xx, and every error body is the JSON error shape.

mod support;

use axum::body::Body;
use http::{Method, Request};
use support::*;

const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO",
];
const SEGMENTS: [&str; 16] = [
    "api",
    "v1",
    "people",
    "Farrell",
    "photo",
    "attachments",
    "att_00000001",
    "oauth",
    "token",
    "%FF",
    "%2F",
    "O%27Brien",
    "%E6%9D%8E",
    "..",
    "",
    "__mock",
];
const CONTENT_TYPES: [&str; 7] = [
    "application/json",
    "application/merge-patch+json",
    "multipart/form-data; boundary=XyZ-boundary-123",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "text/plain",
    ";;;",
];
const BODIES: [&[u8]; 8] = [
    b"",
    b"{}",
    br#"{"fname":"A","lname":"Farrell"}"#,
    br#"{"fname":null,"lname":5}"#,
    b"[[[[[[[[",
    b"--XyZ-boundary-123\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nxx",
    b"grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret",
    b"\xff\xfe\x00garbage",
];
const QUERIES: [&str; 6] = [
    "",
    "?page=2",
    "?per_page=%FF",
    "?sortby=fname&order=desc",
    "?page=99999999999999999999",
    "?&&=&",
];

#[tokio::test]
async fn random_requests_never_fail_the_server() {
    let app = App::with(
        people_mock::PeopleMock::builder()
            .rate_limit(1_000_000, std::time::Duration::from_secs(60)),
    );
    let mut token = app.token().await;
    let mut statuses = std::collections::BTreeSet::new();
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..3000 {
        let depth = rng.usize(0..6);
        let mut path = String::new();
        for _ in 0..depth {
            path.push('/');
            path.push_str(SEGMENTS[rng.usize(..SEGMENTS.len())]);
        }
        if path.is_empty() || rng.bool() {
            path = format!("/api/v1/people{path}");
        }
        let uri = format!("{path}{}", QUERIES[rng.usize(..QUERIES.len())]);
        let method = METHODS[rng.usize(..METHODS.len())];
        let mut request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(&uri);
        if rng.u8(..4) > 0 {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if rng.bool() {
            request = request.header(
                "content-type",
                CONTENT_TYPES[rng.usize(..CONTENT_TYPES.len())],
            );
        }
        if rng.u8(..4) == 0 {
            request = request.header(
                "if-match",
                ["*", "\"x\"", "W/\"y\"", "garbage"][rng.usize(..4)],
            );
        }
        if rng.u8(..4) == 0 {
            request = request.header(
                "accept",
                ["text/html", "*/*", "application/json;q=0", ""][rng.usize(..4)],
            );
        }
        let body = BODIES[rng.usize(..BODIES.len())];
        let request = match request.body(Body::from(body.to_vec())) {
            Ok(request) => request,
            Err(_) => continue,
        };
        let resp = app.send(request).await;
        statuses.insert(resp.status.as_u16());
        assert!(
            resp.status.as_u16() < 500,
            "{method} {uri} -> {}",
            resp.status
        );
        let oauth = path == "/api/v1/oauth/token";
        if resp.status.as_u16() >= 400 && method != "HEAD" && !oauth {
            let json = resp.json();
            assert!(
                json["error"].is_string() && json["error_code"].is_u64(),
                "{method} {uri}: {json}"
            );
        }
        // Keep the seeds around so later requests reach deeper checks.
        if app.state.people().len() < 2 {
            app.state.reset();
            token = app.token().await;
        }
    }
    // The random walk reached a wide range of outcomes.
    for expected in [200, 204, 400, 401, 404, 405, 406, 415] {
        assert!(
            statuses.contains(&expected),
            "never saw {expected}: {statuses:?}"
        );
    }
}
