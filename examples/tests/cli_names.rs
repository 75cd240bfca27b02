//! The `people` binary and names the rules refuse: as arguments they are usage errors caught
//! before any request; as records a server holds they are listed, escaped where a terminal
//! would act on them.

use assert_cmd::Command;
use people_mock::PeopleMock;
use predicates::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `people` against `base_url` with credentials, with a clean environment and no colour.
fn people_at(base_url: &str) -> Command {
    let mut cmd = Command::cargo_bin("people").expect("the people binary is built");
    cmd.env("PEOPLE_BASE_URL", base_url)
        .env("PEOPLE_CLIENT_ID", "demo-client")
        .env("PEOPLE_CLIENT_SECRET", "demo-secret")
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

/// Every command that takes a last name, with `key` as that name.
fn commands_with_key(key: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["get", key],
        vec!["create", "--fname", "Doug", "--lname", key],
        vec!["update", key, "--fname", "Doug"],
        vec!["patch", key, "--fname", "Doug"],
        vec!["delete", key],
        vec!["photo", "upload", key, "me.png"],
        vec!["photo", "get", key, "-O", "me.png"],
        vec!["photo", "delete", key],
        vec!["attach", key, "notes.txt"],
        vec!["attachments", key],
        vec!["attachment", "get", key, "att_00000001", "-O", "notes.txt"],
        vec!["attachment", "delete", key, "att_00000001"],
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn dot_keys_are_usage_errors_before_any_request() {
    let mock = PeopleMock::start().await;
    let base_url = mock.base_url().to_string();
    let checked = tokio::task::spawn_blocking(move || {
        let mut runs = 0;
        for key in [".", ".."] {
            for args in commands_with_key(key) {
                people_at(&base_url)
                    .args(&args)
                    .assert()
                    .code(2)
                    .stderr(predicate::str::contains("it must not be '.' or '..'"));
                runs += 1;
            }
            // An attachment id is a path segment too.
            people_at(&base_url)
                .args(["attachment", "delete", "Farrell", key, "--yes"])
                .assert()
                .code(2)
                .stderr(predicate::str::contains("'.' or '..'"));
        }
        runs
    })
    .await
    .expect("joined");
    assert_eq!(checked, 24);
    assert_eq!(
        mock.journal(),
        [],
        "nothing was sent, not even a token request"
    );
    assert_eq!(mock.people().len(), 3);
}

/// Names the spec's patterns forbid, as a server may still hold them.
const FORBIDDEN: [&str; 5] = [" Doug", "\u{feff}Farrell", "Bell\u{7}", "AC/DC", ".."];

/// A wiremock server that issues tokens and lists a page of people with forbidden names.
async fn server_holding_forbidden_names() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at_test", "token_type": "Bearer", "expires_in": 3600,
            "refresh_token": "rt_test", "scope": "people:read people:write"
        })))
        .mount(&server)
        .await;
    let long = "x".repeat(65);
    let mut data: Vec<Value> = FORBIDDEN
        .iter()
        .map(|name| json!({"fname": name, "lname": name, "timestamp": "2026-11-26T09:58:49Z"}))
        .collect();
    data.push(json!({"fname": long, "lname": long, "timestamp": "2026-11-26T09:58:49Z"}));
    let count = data.len();
    Mock::given(method("GET"))
        .and(path("/api/v1/people"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": data,
            "meta": {"pagination": {"total": count, "count": count, "per_page": 20,
                "current_page": 1, "total_pages": 1, "links": {}}}
        })))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn list_prints_names_the_rules_forbid() {
    let server = server_holding_forbidden_names().await;
    let base_url = format!("{}/api/v1", server.uri());
    let (table, json_out, ndjson) = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str]| {
            let output = people_at(&base_url).args(args).output().expect("runs");
            assert!(
                output.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).expect("utf-8")
        };
        (
            run(&["list"]),
            run(&["list", "--output", "json"]),
            run(&["list", "--all", "--output", "ndjson"]),
        )
    })
    .await
    .expect("joined");

    for name in [" Doug", "AC/DC", ".."] {
        assert!(table.contains(&format!("{name}  ")), "{name:?} in\n{table}");
    }
    // An invisible character that could make one row pass for another is shown as an escape.
    assert!(table.contains("\\u{feff}Farrell  "), "{table}");
    assert!(!table.contains('\u{feff}'), "{table}");
    assert!(table.contains("Bell\\u{7}"), "{table}");
    assert!(
        !table.contains('\u{7}'),
        "a control character reached the terminal"
    );
    assert!(table.contains(&"x".repeat(65)), "{table}");
    assert!(table.contains("page 1 of 1 (6 people in all)"), "{table}");

    let listed: Value = serde_json::from_str(&json_out).expect("JSON");
    let lnames: Vec<&str> = listed
        .as_array()
        .expect("an array")
        .iter()
        .map(|p| p["lname"].as_str().expect("lname"))
        .collect();
    let long = "x".repeat(65);
    let mut expected: Vec<&str> = FORBIDDEN.to_vec();
    expected.push(&long);
    assert_eq!(lnames, expected);
    let streamed: Vec<String> = ndjson
        .lines()
        .map(|line| {
            let person: Value = serde_json::from_str(line).expect("a JSON line");
            person["fname"].as_str().expect("fname").to_owned()
        })
        .collect();
    assert_eq!(streamed, expected);
}
