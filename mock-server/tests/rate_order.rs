//! The rate limit's place in the order of checks: only a request that reaches the rate check
//! (a known route and method, a valid token) counts, and any request that counts may get `429`.
//! A `401`, `404` or `405` counts against no one and reports the window as it stands.

mod support;

use std::time::Duration;

use axum::body::Body;
use http::{Method, Request};
use people_mock::PeopleMock;
use support::*;

fn remaining(resp: &Resp) -> &str {
    resp.header("x-ratelimit-remaining")
        .expect("an X-RateLimit-Remaining header")
}

fn app() -> App {
    App::with(PeopleMock::builder().rate_limit(2, Duration::from_secs(3600)))
}

#[tokio::test]
async fn requests_without_a_valid_token_count_against_no_one() {
    let app = app();
    for _ in 0..5 {
        let missing = app
            .send(Request::get("/api/v1/people").body(Body::empty()).unwrap())
            .await;
        missing.assert_error(401, "missing_token", 401_001);
        assert_eq!(remaining(&missing), "2");
        let unknown = app.get("not-a-token", "/api/v1/people").await;
        unknown.assert_error(401, "invalid_token", 401_002);
        assert_eq!(remaining(&unknown), "2");
    }
    // The client's window is whole.
    let token = app.token().await;
    assert_eq!(remaining(&app.get(&token, "/api/v1/people").await), "1");
    assert_eq!(remaining(&app.get(&token, "/api/v1/people").await), "0");
    app.get(&token, "/api/v1/people")
        .await
        .assert_error(429, "rate_limited", 429_001);
}

#[tokio::test]
async fn unknown_routes_and_methods_count_against_no_one() {
    let app = app();
    let token = app.token().await;
    assert_eq!(remaining(&app.get(&token, "/api/v1/people").await), "1");
    for _ in 0..5 {
        let missing = app.get(&token, "/api/v1/people/Farrell/nothing").await;
        missing.assert_error(404, "route_not_found", 404_004);
        assert_eq!(remaining(&missing), "1");
        let refused = app
            .send(
                authed(Method::PATCH, "/api/v1/people", &token)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        refused.assert_error(405, "method_not_allowed", 405_001);
        assert_eq!(remaining(&refused), "1");
    }
    assert_eq!(remaining(&app.get(&token, "/api/v1/people").await), "0");
    // Past the limit, a 404 or 405 still answers as such (the route comes first), and a
    // request without a token still gets 401 (the token comes before the rate).
    let missing = app.get(&token, "/api/v1/people/Farrell/nothing").await;
    missing.assert_error(404, "route_not_found", 404_004);
    let anonymous = app
        .send(Request::get("/api/v1/people").body(Body::empty()).unwrap())
        .await;
    anonymous.assert_error(401, "missing_token", 401_001);
    app.get(&token, "/api/v1/people")
        .await
        .assert_error(429, "rate_limited", 429_001);
}
