//! The manual clock: a test that runs the same steps twice sees the same bytes, and moves time
//! over the admin surface as through the library.

mod support;

use std::time::Duration;

use people_mock::{Clock, PeopleMock, PeopleMockBuilder};
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

const START: &str = "2030-01-01T00:00:00Z";

fn manual() -> PeopleMockBuilder {
    PeopleMock::builder()
        .clock(Clock::manual(START.parse().unwrap()))
        .token_seed(42)
}

/// One answer as the wire carries it: status, every header in order, body.
fn transcript_of(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> String {
    let mut text = format!("{status}\n");
    for (name, value) in headers {
        text.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    text.push_str(&String::from_utf8_lossy(body));
    text.push('\n');
    text
}

/// A scenario through the socket: token, create, read, change, upload, list, an hour later
/// refused and renewed; everything it saw, byte for byte (the server's address, which differs
/// from run to run, written `ORIGIN`).
async fn scenario() -> String {
    let mock = manual().start().await;
    let http = reqwest::Client::new();
    let base = mock.base_url();
    let mut seen = String::new();
    let mut send = async |request: reqwest::RequestBuilder| {
        let resp = request.send().await.unwrap();
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let body = resp.bytes().await.unwrap();
        seen.push_str(&transcript_of(status, &headers, &body));
        body
    };
    let token_form = |form: String| {
        http.post(base.join("oauth/token").unwrap())
            .basic_auth("demo-client", Some("demo-secret"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
    };
    let grant: Value =
        serde_json::from_slice(&send(token_form("grant_type=client_credentials".into())).await)
            .unwrap();
    let token = grant["access_token"].as_str().unwrap().to_string();
    let refresh = grant["refresh_token"].as_str().unwrap().to_string();
    let people = base.join("people").unwrap();
    let ada = base.join("people/Lovelace").unwrap();
    send(
        http.post(people.clone())
            .bearer_auth(&token)
            .json(&json!({"fname": "Ada", "lname": "Lovelace"})),
    )
    .await;
    mock.advance(Duration::from_secs(90));
    send(http.get(ada.clone()).bearer_auth(&token)).await;
    send(
        http.patch(ada.clone())
            .bearer_auth(&token)
            .json(&json!({"fname": "Augusta"})),
    )
    .await;
    let form = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(&b"notes"[..]).file_name("notes.txt"),
    );
    send(
        http.post(base.join("people/Lovelace/attachments").unwrap())
            .bearer_auth(&token)
            .multipart(form),
    )
    .await;
    send(
        http.get(format!("{people}?sortby=timestamp&order=desc&per_page=2"))
            .bearer_auth(&token),
    )
    .await;
    mock.advance(Duration::from_secs(3600));
    send(http.get(ada.clone()).bearer_auth(&token)).await;
    send(token_form(format!(
        "grant_type=refresh_token&refresh_token={refresh}"
    )))
    .await;
    seen.replace(&mock.uri(), "ORIGIN")
}

#[tokio::test]
async fn two_runs_of_one_test_see_the_same_bytes() {
    let first = scenario().await;
    let second = scenario().await;
    assert_eq!(first, second);
    // What the bytes hold: the clock's time, and the token's end an hour on.
    assert!(
        first.contains("date: Tue, 01 Jan 2030 00:00:00 GMT"),
        "{first}"
    );
    assert!(
        first.contains("date: Tue, 01 Jan 2030 01:01:30 GMT"),
        "{first}"
    );
    assert!(
        first.contains(r#""timestamp":"2030-01-01T00:01:30.000000Z""#),
        "{first}"
    );
    assert!(
        first.contains(r#""uploaded_at":"2030-01-01T00:01:30.000000Z""#),
        "{first}"
    );
    assert!(first.contains("x-ratelimit-reset: 1893456060"), "{first}");
    assert!(first.contains("the token expired"), "{first}");
}

struct Admin {
    http: reqwest::Client,
    base: String,
    token: Option<&'static str>,
}

impl Admin {
    fn new(mock: &PeopleMock) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: format!("{}/__mock/clock", mock.uri()),
            token: None,
        }
    }

    async fn call(&self, method: Method, body: Option<&str>) -> (u16, Value) {
        let mut request = self.http.request(method, &self.base);
        if let Some(token) = self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let resp = request.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }
}

#[tokio::test]
async fn the_admin_surface_moves_a_manual_clock() {
    let mock = manual().start().await;
    let admin = Admin::new(&mock);
    assert_eq!(
        admin.call(Method::GET, None).await,
        (
            200,
            json!({"now": "2030-01-01T00:00:00.000000Z", "manual": true})
        )
    );
    let (status, moved) = admin
        .call(Method::POST, Some(r#"{"advance_secs": 1.5}"#))
        .await;
    assert_eq!(
        (status, &moved["now"]),
        (200, &json!("2030-01-01T00:00:01.500000Z"))
    );
    assert_eq!(
        mock.clock().now(),
        "2030-01-01T00:00:01.5Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    let (status, set) = admin
        .call(
            Method::POST,
            Some(r#"{"set": "2031-02-03T04:05:06+01:00"}"#),
        )
        .await;
    assert_eq!(
        (status, &set["now"]),
        (200, &json!("2031-02-03T03:05:06.000000Z"))
    );

    // Refusals change nothing.
    for (body, status, error) in [
        ("{}", 422, "validation_failed"),
        (
            r#"{"advance_secs": 1, "set": "2030-01-01T00:00:00Z"}"#,
            422,
            "validation_failed",
        ),
        (r#"{"advance_secs": -1}"#, 422, "validation_failed"),
        (r#"{"advance_secs": 1e300}"#, 422, "validation_failed"),
        (r#"{"advance_secs": "60"}"#, 400, "invalid_json"),
        (r#"{"set": "tomorrow"}"#, 422, "validation_failed"),
        (
            r#"{"set": "1969-12-31T23:59:59Z"}"#,
            422,
            "validation_failed",
        ),
        (r#"{"set": 5}"#, 400, "invalid_json"),
        (r#"{"speed": 2}"#, 422, "validation_failed"),
        ("[1]", 400, "invalid_json"),
    ] {
        let (got, answer) = admin.call(Method::POST, Some(body)).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(error)),
            "{body}: {answer}"
        );
    }
    assert_eq!(
        admin.call(Method::GET, None).await.1["now"],
        "2031-02-03T03:05:06.000000Z"
    );

    // A reset puts the clock back at its start.
    mock.reset();
    assert_eq!(
        admin.call(Method::GET, None).await.1["now"],
        "2030-01-01T00:00:00.000000Z"
    );
}

#[tokio::test]
async fn the_system_clock_is_not_moved() {
    let mock = PeopleMock::start().await;
    let admin = Admin::new(&mock);
    let (status, shown) = admin.call(Method::GET, None).await;
    assert_eq!((status, &shown["manual"]), (200, &json!(false)));
    let (status, refused) = admin
        .call(Method::POST, Some(r#"{"advance_secs": 60}"#))
        .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (409, Some("clock_not_manual"))
    );
    assert_eq!(refused["error_code"], 409_002);
    assert!(mock.clock().advance(Duration::from_secs(1)).is_err());
}

#[tokio::test]
async fn the_clock_route_keeps_the_admin_guard() {
    let mock = manual().admin_token("s3cret").start().await;
    let mut admin = Admin::new(&mock);
    let (status, refused) = admin
        .call(Method::POST, Some(r#"{"advance_secs": 60}"#))
        .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (401, Some("admin_token_required"))
    );
    assert_eq!(
        mock.clock().now(),
        START.parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );
    admin.token = Some("s3cret");
    // A write must be JSON.
    let resp = admin
        .http
        .post(&admin.base)
        .bearer_auth("s3cret")
        .header("content-type", "text/plain")
        .body(r#"{"advance_secs": 60}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    assert_eq!(
        admin
            .call(Method::POST, Some(r#"{"advance_secs": 60}"#))
            .await
            .1["now"],
        "2030-01-01T00:01:00.000000Z"
    );
    let (status, _) = admin.call(Method::DELETE, None).await;
    assert_eq!(status, 405);
}

/// A token ends when the clock passes its lifetime, seen through the socket.
#[tokio::test]
async fn a_token_ends_without_waiting() {
    let mock = manual().start().await;
    let token = socket_token(&mock).await;
    let get = || {
        reqwest::Client::new()
            .get(mock.base_url().join("people").unwrap())
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(get().await.unwrap().status(), 200);
    mock.advance(Duration::from_secs(3599));
    assert_eq!(get().await.unwrap().status(), 200);
    mock.advance(Duration::from_secs(1));
    assert_eq!(get().await.unwrap().status(), 401);
}

/// The program on a manual clock with a token seed: two runs issue the same tokens, stamp the
/// same times, and end a token when the clock is moved over HTTP.
#[tokio::test]
async fn the_program_repeats_itself() {
    let flags = ["--log-format", "off", "--clock", START, "--token-seed", "7"];
    let mut grants = Vec::new();
    for _ in 0..2 {
        let program = support::program::Program::start(&flags).await;
        let grant = program.token("demo-client", "demo-secret").await;
        let token = grant["access_token"].as_str().unwrap();
        let farrell: Value = program
            .get(token, "people/Farrell")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(farrell["timestamp"], "2030-01-01T00:00:00.000000Z");
        assert_eq!(
            program.advance(3600.0).await["now"],
            "2030-01-01T01:00:00.000000Z"
        );
        assert_eq!(program.get(token, "people/Farrell").await.status(), 401);
        assert_eq!(program.config().await["token_seed"], true);
        grants.push(grant);
    }
    assert_eq!(grants[0], grants[1]);
}

/// At the latest time a manual clock shows, the seeds and a change still get times the API can
/// write with a four-digit year.
#[tokio::test]
async fn the_latest_time_still_writes_four_digit_years() {
    let app = App::with(PeopleMock::builder().clock(Clock::manual(Clock::LATEST)));
    let token = app.token().await;
    assert_eq!(app.create(&token, "Ada", "Lovelace").await.status, 201);
    let patch = json_request(
        http::Method::PATCH,
        &person_uri("Lovelace"),
        &token,
        &json!({"fname": "Augusta"}),
    );
    assert_eq!(app.send(patch).await.status, 204);
    let page = app.get(&token, "/api/v1/people").await.json();
    for person in page["data"].as_array().unwrap() {
        let timestamp = person["timestamp"].as_str().unwrap();
        assert!(
            timestamp.starts_with("9999-12-31T23:59:59.0000"),
            "{timestamp}"
        );
    }
}
