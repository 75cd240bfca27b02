//! `people` remembers: its embedded mock keeps its state in a directory (`PEOPLE_STATE` here,
//! never the user's), so one run sees what the last one wrote, `people reset --yes` starts
//! over, and two runs at once on one directory both succeed. Against a people-mock given with
//! `--base-url` and no credentials, `people` uses the mock's demo client; any other server
//! still needs credentials.

mod support;

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use people_mock::PeopleMock;
use predicates::prelude::*;
use support::{fresh_state, people_with_state};
use wiremock::MockServer;

/// `people` with its embedded mock's state in `state`.
fn people(state: &Path) -> Command {
    people_with_state(state)
}

#[test]
fn a_person_created_is_there_next_run_until_reset() {
    let state = fresh_state();
    people(state.path())
        .args(["create", "--fname", "Ada", "--lname", "Lovelace"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "its state kept in {}",
            state.path().display()
        )));
    people(state.path())
        .args(["--output", "json", "get", "Lovelace"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"Ada\""));
    people(state.path())
        .args(["--output", "json", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Lovelace"));
    // A reset drops every change: with nobody at a terminal to confirm, it needs --yes.
    people(state.path())
        .arg("reset")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    people(state.path())
        .args(["get", "Lovelace"])
        .assert()
        .success();
    people(state.path())
        .args(["reset", "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("back to the seed people"));
    people(state.path())
        .args(["get", "Lovelace"])
        .assert()
        .code(4);
    people(state.path())
        .args(["get", "Farrell"])
        .assert()
        .success();
}

#[test]
fn two_runs_at_once_on_one_state_both_succeed() {
    let state = fresh_state();
    let spawn = |lname: &str| {
        StdCommand::new(assert_cmd::cargo::cargo_bin("people"))
            .env("PEOPLE_STATE", state.path())
            .env_remove("PEOPLE_BASE_URL")
            .env_remove("PEOPLE_CLIENT_ID")
            .env_remove("PEOPLE_CLIENT_SECRET")
            .args(["create", "--fname", "Twin", "--lname", lname])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("people starts")
    };
    let first = spawn("Castor");
    let second = spawn("Pollux");
    for child in [first, second] {
        let out = child.wait_with_output().expect("people ends");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for lname in ["Castor", "Pollux"] {
        people(state.path()).args(["get", lname]).assert().success();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_people_mock_at_a_url_lends_its_demo_client() {
    let mock = PeopleMock::start().await;
    let state = fresh_state();
    let mut cmd = people(state.path());
    cmd.args(["--base-url", mock.base_url().as_str(), "get", "Farrell"]);
    let assert = tokio::task::spawn_blocking(move || cmd.assert())
        .await
        .expect("joined");
    assert.success().stderr(predicate::str::contains(
        "is a people-mock; using its demo client (demo-client)",
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn another_server_still_needs_credentials() {
    let server = MockServer::start().await;
    let state = fresh_state();
    let mut cmd = people(state.path());
    cmd.args(["--base-url", &format!("{}/api/v1", server.uri()), "list"]);
    let assert = tokio::task::spawn_blocking(move || cmd.assert())
        .await
        .expect("joined");
    assert
        .code(2)
        .stderr(predicate::str::contains("no credentials"));
}
