//! The server without a socket: `PeopleMockBuilder::into_router`, `PeopleMock::router` and
//! `into_parts` driven with `tower::ServiceExt`, and `PeopleMock::state` / `MockState::router`
//! sharing one state with a running server.

mod support;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use people_mock::{Fault, PeopleMock};
use serde_json::{Value, json};
use tower::{Service, ServiceExt};

/// One request through a router, as axum's own tests do: `oneshot` on a clone.
async fn oneshot(router: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, body)
}

fn token_request(id: &str, secret: &str) -> Request<Body> {
    Request::post("/api/v1/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "grant_type=client_credentials&client_id={id}&client_secret={secret}"
        )))
        .unwrap()
}

async fn token(router: &Router, id: &str, secret: &str) -> String {
    let (status, body) = oneshot(router, token_request(id, secret)).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

fn create(token: &str, fname: &str, lname: &str) -> Request<Body> {
    Request::post("/api/v1/people")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"fname": fname, "lname": lname}).to_string(),
        ))
        .unwrap()
}

fn total(page: &Value) -> u64 {
    page["meta"]["pagination"]["total"].as_u64().unwrap()
}

#[tokio::test]
async fn into_router_serves_the_api_with_the_builder_settings() {
    let router = PeopleMock::builder()
        .people(2)
        .no_default_clients()
        .client("robot", "robot-secret", &["people:read", "people:write"])
        .json_limit(40)
        .into_router();
    // The clients of the builder, and only those.
    let (status, body) = oneshot(&router, token_request("demo-client", "demo-secret")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let token = token(&router, "robot", "robot-secret").await;
    let (status, page) = oneshot(&router, get("/api/v1/people", &token)).await;
    assert_eq!(status, 200);
    assert_eq!(total(&page), 5);
    // The JSON limit of the builder.
    let long = "x".repeat(40);
    let (status, body) = oneshot(&router, create(&token, &long, "Simpson")).await;
    assert_eq!(status, 413, "{body}");
    // The spec and the admin surface are served too.
    let (status, spec) = oneshot(
        &router,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(Some(spec), people_mock::openapi_json());
    let (status, config) = oneshot(
        &router,
        Request::get("/__mock/config").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(config["limits"]["json_bytes"], 40);
    assert_eq!(config["generated_people"], 2);
}

#[tokio::test]
async fn one_router_keeps_its_state_across_calls() {
    // As axum's examples drive several requests: `ready` then `call` on one service.
    let mut router = PeopleMock::builder().into_router();
    let token = token(&router, "demo-client", "demo-secret").await;
    let created = ServiceExt::<Request<Body>>::ready(&mut router)
        .await
        .unwrap()
        .call(create(&token, "Homer", "Simpson"))
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/api/v1/people/Simpson");
    let person = ServiceExt::<Request<Body>>::ready(&mut router)
        .await
        .unwrap()
        .call(get("/api/v1/people/Simpson", &token))
        .await
        .unwrap();
    assert_eq!(person.status(), 200);
    // Clones of the router share it.
    let (status, page) = oneshot(&router.clone(), get("/api/v1/people", &token)).await;
    assert_eq!(status, 200);
    assert_eq!(total(&page), 4);
}

#[tokio::test]
async fn every_router_of_a_builder_has_a_state_of_its_own() {
    let builder = PeopleMock::builder().people(1);
    let first = builder.clone().into_router();
    let second = PeopleMock::router(builder);
    let token = token(&first, "demo-client", "demo-secret").await;
    let (status, _) = oneshot(&first, create(&token, "Homer", "Simpson")).await;
    assert_eq!(status, 201);
    // A token of the first is unknown to the second, and so is its data.
    let (status, body) = oneshot(&second, get("/api/v1/people", &token)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    let other = token_of_demo(&second).await;
    let (status, page) = oneshot(&second, get("/api/v1/people", &other)).await;
    assert_eq!(status, 200);
    assert_eq!(total(&page), 4, "the three seeds and one generated person");
    let (status, _) = oneshot(&second, get("/api/v1/people/Simpson", &other)).await;
    assert_eq!(status, 404);
}

async fn token_of_demo(router: &Router) -> String {
    token(router, "demo-client", "demo-secret").await
}

#[tokio::test]
async fn into_parts_gives_the_state_of_its_router() {
    let (router, state) = PeopleMock::builder().into_parts();
    let token = token_of_demo(&router).await;
    let (status, _) = oneshot(&router, create(&token, "Homer", "Simpson")).await;
    assert_eq!(status, 201);
    assert_eq!(
        state.person("Simpson").map(|p| p.fname).as_deref(),
        Some("Homer")
    );
    assert_eq!(state.request_count("POST", "/api/v1/people"), 1);
    // Controls through the state act on the router.
    state.inject(
        Fault::status(503)
            .method("GET")
            .path("/api/v1/people")
            .times(1),
    );
    let (status, _) = oneshot(&router, get("/api/v1/people", &token)).await;
    assert_eq!(status, 503);
    assert_eq!(state.expire_tokens(), 2);
    let (status, body) = oneshot(&router, get("/api/v1/people", &token)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
}

#[tokio::test]
async fn the_state_of_a_running_server_is_shared_with_its_router() {
    let mock = PeopleMock::start().await;
    let state = mock.state().clone();
    let client = reqwest::Client::new();
    let socket_token = support::socket_token(&mock).await;

    // Written over the socket, seen through the state and through the state's router.
    let resp = client
        .post(format!("{}people", mock.base_url()))
        .bearer_auth(&socket_token)
        .json(&json!({"fname": "Homer", "lname": "Simpson"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(
        state.person("Simpson").map(|p| p.fname).as_deref(),
        Some("Homer")
    );
    let router = state.router();
    // A token issued over the socket is valid without it.
    let (status, person) = oneshot(&router, get("/api/v1/people/Simpson", &socket_token)).await;
    assert_eq!(status, 200);
    assert_eq!(person["fname"], "Homer");

    // Written through the router, seen over the socket.
    let (status, _) = oneshot(&router, create(&socket_token, "Marge", "Bouvier")).await;
    assert_eq!(status, 201);
    let resp = client
        .get(format!("{}people/Bouvier", mock.base_url()))
        .bearer_auth(&socket_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // Controls through the state act on the server.
    state.inject(
        Fault::status(503)
            .method("GET")
            .path("/api/v1/people/Bouvier")
            .times(1),
    );
    let resp = client
        .get(format!("{}people/Bouvier", mock.base_url()))
        .bearer_auth(&socket_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(
        mock.request_count("GET", "/api/v1/people/Bouvier"),
        2,
        "the journal is shared"
    );
    state.reset();
    assert!(mock.person("Simpson").is_none());
    let resp = client
        .get(format!("{}people", mock.base_url()))
        .bearer_auth(&socket_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "a reset forgets tokens");
}

/// The router takes the path a request over the socket takes: the admin surface's guard and
/// CORS apply without a socket too. The `Host` check does not: no browser, no rebinding.
#[tokio::test]
async fn the_router_applies_the_socket_checks() {
    let router = PeopleMock::builder().into_router();
    let cross_site = Request::post("/__mock/faults")
        .header("host", "localhost")
        .header("origin", "https://evil.example")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"kind":"status","status":503}"#))
        .unwrap();
    let (status, body) = oneshot(&router, cross_site).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "origin_refused");

    let text_plain = Request::post("/__mock/faults")
        .header("content-type", "text/plain")
        .body(Body::from(r#"{"kind":"status","status":503}"#))
        .unwrap();
    let (status, _) = oneshot(&router, text_plain).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let preflight = Request::options("/api/v1/people")
        .header("host", "localhost")
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(preflight).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );

    let (status, _) = oneshot(&router, get("/api/v1/openapi.json", "x")).await;
    assert_eq!(status, StatusCode::OK, "no Host is fine in process");
    let named = Request::get("/api/v1/openapi.json")
        .header("host", "mock.test")
        .body(Body::empty())
        .unwrap();
    let (status, _) = oneshot(&router, named).await;
    assert_eq!(status, StatusCode::OK, "any Host is fine in process");
}
