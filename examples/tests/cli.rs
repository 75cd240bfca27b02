//! The `people` binary driven as a process: against its embedded mock, and against a mock server
//! on a port given with `--base-url`.

use std::path::Path;

use people_mock::PeopleMock;
use predicates::prelude::*;
use serde_json::Value;

mod support;

use support::{json_stdout, people, people_at};

#[test]
fn the_tour_runs_against_the_embedded_mock() {
    people()
        .arg("tour")
        .assert()
        .success()
        .stderr(predicate::str::contains("embedded mock server"))
        .stdout(predicate::str::contains("person_exists"))
        .stdout(predicate::str::contains("[429, 200]"))
        .stdout(predicate::str::contains("identical"))
        .stdout(predicate::str::contains("Tour complete."));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tour_runs_against_a_server_on_a_port() {
    let mock = PeopleMock::start().await;
    let mut cmd = people_at(&mock);
    let assert = tokio::task::spawn_blocking(move || cmd.arg("tour").assert())
        .await
        .expect("joined");
    assert
        .success()
        .stdout(predicate::str::contains("[429, 200]").not())
        .stdout(predicate::str::contains(
            "the SDK waited as told and retried",
        ))
        .stdout(predicate::str::contains("Tour complete."));
}

#[test]
fn list_prints_an_aligned_table_without_colour() {
    people()
        .args(["list", "--per-page", "2"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "LNAME     FNAME  TIMESTAMP\nBrockman  Kent   ",
        ))
        .stdout(predicate::str::contains("page 1 of 2 (3 people in all)"))
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn list_json_is_an_array_of_people() {
    let people = json_stdout(people().args(["list", "--output", "json", "--sortby", "fname"]));
    let names: Vec<&str> = people
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["fname"].as_str().expect("fname"))
        .collect();
    assert_eq!(names, ["Bunny", "Doug", "Kent"]);
    for person in people.as_array().expect("array") {
        let mut keys: Vec<&String> = person.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(keys, ["fname", "lname", "timestamp"]);
    }
}

#[test]
fn list_all_streams_ndjson_one_person_a_line() {
    let output = people()
        .args([
            "list",
            "--all",
            "--per-page",
            "1",
            "--output",
            "ndjson",
            "--order",
            "desc",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let lnames: Vec<&str> = lines
        .iter()
        .map(|p| p["lname"].as_str().expect("lname"))
        .collect();
    assert_eq!(lnames, ["Farrell", "Easter", "Brockman"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_with_if_match_and_their_errors() {
    let mock = PeopleMock::start().await;
    let run = |args: Vec<&'static str>| {
        let mut cmd = people_at(&mock);
        cmd.args(args);
        cmd
    };
    let created = json_stdout(&mut run(vec![
        "create", "--fname", "Li", "--lname", "李", "--output", "json",
    ]));
    assert_eq!(created["lname"], "李");
    assert_eq!(created["location"], "/api/v1/people/%E6%9D%8E");
    let fetched = json_stdout(&mut run(vec!["get", "李", "--output", "json"]));
    let etag = fetched["etag"].as_str().expect("etag").to_owned();

    run(vec!["create", "--fname", "Li", "--lname", "李"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("already exists").and(predicate::str::contains("409")));
    let mut update = people_at(&mock);
    update
        .args(["update", "李", "--fname", "Lei", "--if-match", &etag])
        .assert()
        .success();
    let mut stale = people_at(&mock);
    stale
        .args(["patch", "李", "--fname", "Lu", "--if-match", &etag])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("412").and(predicate::str::contains("hint")));
    run(vec!["delete", "李", "--yes"])
        .assert()
        .success()
        .stdout("Deleted 李\n");
    run(vec!["get", "李"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("410"));
    run(vec!["get", "Nobody"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("404"));
    run(vec!["create", "--fname", "", "--lname", "Empty"])
        .assert()
        .code(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_and_attachments_round_trip_through_files() {
    let mock = PeopleMock::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let image = dir.path().join("face.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(std::iter::repeat_n(7u8, 2 * 1024 * 1024));
    std::fs::write(&image, &bytes).expect("write image");
    let notes = dir.path().join("notes-été.txt");
    std::fs::write(&notes, "bonjour").expect("write notes");
    let path = |p: &Path| p.to_str().expect("utf-8 path").to_owned();

    people_at(&mock)
        .args([
            "photo",
            "upload",
            "Farrell",
            &path(&image),
            "--caption",
            "Doug",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Uploaded a photo of Farrell"));
    let copy = dir.path().join("copy.png");
    people_at(&mock)
        .args(["photo", "get", "Farrell", "-O", &path(&copy)])
        .assert()
        .success();
    assert_eq!(std::fs::read(&copy).expect("read copy"), bytes);
    people_at(&mock)
        .args(["photo", "upload", "Farrell", &path(&notes)])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("415"));

    let attached = json_stdout(people_at(&mock).args([
        "attach",
        "Easter",
        &path(&notes),
        &path(&image),
        "--note",
        "two files",
        "--output",
        "json",
    ]));
    let attached = attached.as_array().expect("array");
    assert_eq!(attached.len(), 2);
    assert_eq!(attached[0]["filename"], "notes-été.txt");
    let id = attached[0]["id"].as_str().expect("id").to_owned();
    let listed = json_stdout(people_at(&mock).args(["attachments", "Easter", "--output", "json"]));
    assert_eq!(listed.as_array().expect("array").len(), 2);
    let saved = dir.path().join("saved.txt");
    people_at(&mock)
        .args(["attachment", "get", "Easter", &id, "-O", &path(&saved)])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&saved).expect("read"), "bonjour");
    people_at(&mock)
        .args(["attachment", "delete", "Easter", &id, "--yes"])
        .assert()
        .success();
    people_at(&mock)
        .args(["attachment", "get", "Easter", &id, "-O", &path(&saved)])
        .assert()
        .code(4);
}

#[test]
fn token_hides_the_token_unless_asked() {
    let info = json_stdout(people().args(["token", "--output", "json"]));
    assert_eq!(info["client_id"], "demo-client");
    assert_eq!(info["scopes"], "people:read people:write");
    assert!(info.get("access_token").is_none());
    let shown = json_stdout(people().args(["token", "--show-token", "--output", "json"]));
    assert!(
        shown["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_problems_have_their_own_exit_codes() {
    let mock = PeopleMock::start().await;
    let mut wrong = people_at(&mock);
    wrong
        .env("PEOPLE_CLIENT_SECRET", "not-the-secret")
        .arg("list")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("invalid_client"))
        .stderr(predicate::str::contains("--client-secret"))
        .stderr(predicate::str::contains("not-the-secret").not());
    // A people-mock with its demo client would lend it; this one has none to lend.
    let without_demo = PeopleMock::builder()
        .no_default_clients()
        .client("robot", "robot-secret", &["people:read"])
        .start()
        .await;
    let mut missing = people();
    missing
        .args(["--base-url", without_demo.base_url().as_str(), "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--client-id"));
    let mut reader = people_at(&mock);
    reader
        .env("PEOPLE_CLIENT_ID", "reader")
        .env("PEOPLE_CLIENT_SECRET", "reader-secret")
        .args(["delete", "Farrell", "--yes"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("403"));
}

#[test]
fn an_unreachable_server_is_a_transport_failure() {
    // A loopback port bound by this test and not listening: connections to it are refused, and
    // no other socket can take the port while the test runs.
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind(([127, 0, 0, 1], 0).into())
        .expect("a loopback port");
    let base_url = format!("http://{}", socket.local_addr().expect("its address"));
    support::people_at_url(&base_url)
        .args(["--no-retry", "list"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("hint"))
        // The cause a person can act on, reached through the error's source chain, once.
        .stderr(predicate::function(|stderr: &str| {
            stderr.matches("Connection refused").count() == 1
        }));
}

#[test]
fn usage_errors_exit_with_2() {
    people().args(["list", "--per-page", "0"]).assert().code(2);
    people().arg("frobnicate").assert().code(2);
    people()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"));
}

#[test]
fn quiet_hides_the_embedded_mock_notice() {
    people()
        .args(["--quiet", "get", "Farrell"])
        .assert()
        .success()
        .stderr("");
}
