//! The request journal: redaction, bounds, counts and expectations.

mod support;

use axum::body::Body;
use http::Method;
use people_mock::{Expect, PeopleMock, REDACTED};
use support::*;

#[tokio::test]
async fn records_requests_with_credentials_redacted() {
    let app = App::new();
    let token = app.token().await;
    app.send(
        authed(
            Method::GET,
            "/api/v1/people?page=1&access_token=leak",
            &token,
        )
        .header("cookie", "session=abc")
        .header("x-trace", "t-1")
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    let journal = app.state.journal();
    assert_eq!(journal.len(), 2);
    let token_entry = &journal[0];
    assert_eq!(
        (token_entry.method.as_str(), token_entry.path.as_str()),
        ("POST", "/api/v1/oauth/token")
    );
    assert_eq!(token_entry.status, 200);
    let entry = &journal[1];
    assert_eq!(entry.path, "/api/v1/people");
    assert_eq!(
        entry.query.as_deref(),
        Some("page=1&access_token=[redacted]")
    );
    assert_eq!(entry.header("authorization"), Some(REDACTED));
    assert_eq!(entry.header("cookie"), Some(REDACTED));
    assert_eq!(entry.header("x-trace"), Some("t-1"));
    assert_eq!(entry.status, 200);
    let dump = format!("{journal:?}");
    assert!(!dump.contains(&token), "a token leaked into the journal");
    assert!(
        !dump.contains("demo-secret"),
        "a secret leaked into the journal"
    );
}

#[tokio::test]
async fn bounded_and_clearable() {
    let app = App::with(PeopleMock::builder().journal(3));
    let token = app.token().await;
    for _ in 0..5 {
        app.get(&token, "/api/v1/people").await;
    }
    assert_eq!(app.state.journal().len(), 3);
    app.state.clear_journal();
    assert!(app.state.received_requests().is_empty());
    let off = App::with(PeopleMock::builder().journal(0));
    off.token().await;
    assert!(off.state.journal().is_empty());
}

#[tokio::test]
async fn counts_and_expectations() {
    let app = App::new();
    let token = app.token().await;
    app.get(&token, "/api/v1/people").await;
    app.get(&token, "/api/v1/people/Farrell").await;
    assert_eq!(app.state.request_count("POST", "/api/v1/oauth/token"), 1);
    assert_eq!(app.state.request_count("GET", "/api/v1/people*"), 2);
    assert!(
        app.state
            .verify(&Expect::requests("POST", "/api/v1/oauth/token").times(1))
            .is_ok()
    );
    assert!(
        app.state
            .verify(
                &Expect::requests("GET", "/api/v1/people/*")
                    .at_least(1)
                    .at_most(1)
            )
            .is_ok()
    );
    let err = app
        .state
        .verify(&Expect::requests("DELETE", "/api/v1/people/Farrell").times(1))
        .unwrap_err();
    assert!(err.contains("received 0"), "{err}");
}

#[tokio::test]
async fn admin_requests_are_not_recorded() {
    let mock = PeopleMock::start().await;
    reqwest::get(format!("{}/__mock/config", mock.uri()))
        .await
        .unwrap();
    assert!(mock.journal().is_empty());
}
