//! Fault injection: every kind, matching, times, priority and use counts.

mod support;

use std::time::Duration;

use axum::body::Body;
use http::Request;
use people_mock::{Fault, FaultKind, PeopleMock};
use support::*;

#[tokio::test]
async fn status_fault_times_and_uses() {
    let app = App::new();
    let token = app.token().await;
    let id = app.state.inject(
        Fault::status(503)
            .retry_after(Duration::from_secs(1))
            .method("GET")
            .path("/api/v1/people")
            .times(2)
            .priority(1),
    );
    for _ in 0..2 {
        let resp = app.get(&token, "/api/v1/people").await;
        resp.assert_error(503, "service_unavailable", 503_001);
        assert_eq!(resp.header("retry-after"), Some("1"));
    }
    assert_eq!(app.get(&token, "/api/v1/people").await.status, 200);
    let info = app.state.faults().into_iter().find(|f| f.id == id).unwrap();
    assert_eq!(info.uses, 2);
    assert!(!info.is_active());
    assert_eq!(
        info.kind,
        FaultKind::Status {
            status: 503,
            retry_after: Some(Duration::from_secs(1))
        }
    );
}

#[tokio::test]
async fn matching_by_method_and_path_prefix() {
    let app = App::new();
    let token = app.token().await;
    app.state
        .inject(Fault::status(502).method("POST").path("/api/v1/people/*"));
    assert_eq!(app.get(&token, "/api/v1/people/Farrell").await.status, 200);
    assert_eq!(
        app.create(&token, "A", "B").await.status,
        201,
        "exact /people is not under the prefix"
    );
    let resp = app.send(photo_request("Farrell", &token)).await;
    resp.assert_error(502, "injected_fault", 502_999);
}

#[tokio::test]
async fn lower_priority_number_wins_then_oldest() {
    let app = App::new();
    let token = app.token().await;
    app.state.inject(Fault::status(500).times(1));
    app.state.inject(Fault::status(503).times(1).priority(1));
    app.state.inject(Fault::status(504).times(1).priority(1));
    let codes: Vec<u16> = [
        app.get(&token, "/api/v1/people").await.status.as_u16(),
        app.get(&token, "/api/v1/people").await.status.as_u16(),
        app.get(&token, "/api/v1/people").await.status.as_u16(),
        app.get(&token, "/api/v1/people").await.status.as_u16(),
    ]
    .to_vec();
    assert_eq!(codes, [503, 504, 500, 200]);
}

#[tokio::test]
async fn faults_apply_before_auth_and_on_the_token_endpoint() {
    let app = App::new();
    app.state
        .inject(Fault::status(500).path("/api/v1/oauth/token").times(1));
    let resp = app
        .send(form("/api/v1/oauth/token", "grant_type=client_credentials"))
        .await;
    assert_eq!(resp.status, 500);
    assert_eq!(resp.json()["error"], "server_error");
    app.state
        .inject(Fault::status(503).path("/api/v1/oauth/token").times(1));
    let resp = app
        .send(form("/api/v1/oauth/token", "grant_type=client_credentials"))
        .await;
    assert_eq!(resp.json()["error"], "temporarily_unavailable");
    assert_eq!(resp.header("retry-after"), Some("1"));
    // No token at all, still the fault.
    app.state.inject(Fault::status(503).times(1));
    let resp = app
        .send(Request::get("/api/v1/people").body(Body::empty()).unwrap())
        .await;
    resp.assert_error(503, "service_unavailable", 503_001);
}

#[tokio::test]
async fn malformed_body_fault() {
    let app = App::new();
    let token = app.token().await;
    app.state
        .inject(Fault::malformed_body(200).path("/api/v1/people").times(1));
    let resp = app.get(&token, "/api/v1/people").await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&resp.body).is_err());
}

#[tokio::test]
async fn delay_fault_then_normal_handling() {
    let app = App::new();
    let token = app.token().await;
    app.state
        .inject(Fault::delay(Duration::from_millis(20)).times(1));
    let resp = app.get(&token, "/api/v1/people/Farrell").await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["lname"], "Farrell");
    assert_eq!(app.state.faults()[0].uses, 1);
}

#[tokio::test]
async fn remove_and_clear() {
    let app = App::new();
    let token = app.token().await;
    let id = app.state.inject(Fault::status(500));
    assert!(app.state.remove_fault(id));
    assert!(!app.state.remove_fault(id));
    app.state.inject(Fault::status(500));
    app.state.clear_faults();
    assert!(app.state.faults().is_empty());
    assert_eq!(app.get(&token, "/api/v1/people").await.status, 200);
}

#[tokio::test]
async fn drop_connection_closes_without_answering() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    mock.inject(
        Fault::drop_connection()
            .method("GET")
            .path("/api/v1/people")
            .times(1),
    );
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/people", mock.uri());
    let err = client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_status(), "{err}");
    // The next request is served normally.
    let ok = client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(mock.faults()[0].uses, 1);
    // The journal records the dropped request with status 0.
    let statuses: Vec<u16> = mock
        .journal()
        .iter()
        .filter(|e| e.path == "/api/v1/people")
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [0, 200]);
}

#[tokio::test]
async fn drop_without_a_socket_breaks_the_body() {
    let app = App::new();
    let token = app.token().await;
    app.state.inject(Fault::drop_connection().times(1));
    let response = tower::ServiceExt::oneshot(
        app.router.clone(),
        authed(http::Method::GET, "/api/v1/people", &token)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let collected = http_body_util::BodyExt::collect(response.into_body()).await;
    assert!(collected.is_err());
}
