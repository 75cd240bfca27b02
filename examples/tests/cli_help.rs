//! `people`'s help, version, flag conventions and shell completions.

use people_mock::{Fault, PeopleMock};
use predicates::prelude::*;
use serde_json::Value;

mod support;

use support::{blocking, json_stdout, people, people_at};

/// Every command path, for checking each one's help.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["list"],
    &["get"],
    &["create"],
    &["update"],
    &["patch"],
    &["delete"],
    &["photo"],
    &["photo", "upload"],
    &["photo", "get"],
    &["photo", "delete"],
    &["attach"],
    &["attachments"],
    &["attachment"],
    &["attachment", "get"],
    &["attachment", "delete"],
    &["token"],
    &["tour"],
    &["reset"],
    &["completions"],
];

fn help_of(path: &[&str]) -> String {
    let output = people()
        .args(path)
        .arg("--help")
        .output()
        .expect("people runs");
    assert!(output.status.success(), "{path:?}");
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn help_teaches_in_80_columns() {
    let top = help_of(&[]);
    assert!(
        top.starts_with("Manage people, their photos and attachments"),
        "{top}"
    );
    assert!(
        !top.contains("command-line client and focused examples"),
        "{top}"
    );
    for path in COMMANDS {
        let help = help_of(path);
        for line in help.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 80,
                "{path:?}: a line wider than 80 columns: {line:?}"
            );
        }
        assert!(help.contains("Global options:"), "{path:?}:\n{help}");
        assert!(help.contains("--base-url <URL>"), "{path:?}:\n{help}");
        let is_group = matches!(*path, ["photo"] | ["attachment"]);
        if !is_group {
            assert!(help.contains("Examples:\n  people"), "{path:?}:\n{help}");
        }
    }
    assert!(top.contains("Exit codes:"));
    assert!(top.contains("RUST_LOG"));
}

#[test]
fn usage_lines_do_not_list_globals_from_the_environment() {
    people()
        .env("PEOPLE_BASE_URL", "http://127.0.0.1:9/api/v1")
        .env("PEOPLE_CLIENT_ID", "someone")
        .env("PEOPLE_CLIENT_SECRET", "hush")
        .args(["update", "Farrell"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Usage: people update --fname <FNAME> <LNAME>",
        ))
        .stderr(predicate::str::contains("--base-url").not())
        .stderr(predicate::str::contains("--state").not())
        .stderr(predicate::str::contains("hush").not());
}

#[test]
fn version_names_the_api_it_speaks() {
    people().arg("--version").assert().success().stdout(format!(
        "people {} (People API v1)\n",
        env!("CARGO_PKG_VERSION")
    ));
}

#[test]
fn a_timeout_of_zero_says_what_is_allowed() {
    people()
        .args(["--timeout", "0", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "give more than 0 and at most 86400 seconds",
        ))
        .stderr(predicate::str::contains("between 0 and").not());
}

#[test]
fn completions_for_each_shell() {
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef people"),
        ("fish", "complete -c people"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        people()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(mark))
            .stdout(predicate::str::contains("attachments"))
            .stderr("");
    }
    people().args(["completions", "tcsh"]).assert().code(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn dash_o_is_the_output_format() {
    let mock = PeopleMock::start().await;
    let mut cmd = people_at(&mock);
    let listed = blocking(move || json_stdout(cmd.args(["list", "-o", "json"]))).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(3));
}

#[tokio::test(flavor = "multi_thread")]
async fn out_file_dash_writes_the_download_to_stdout() {
    let mock = PeopleMock::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let image = dir.path().join("face.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(0..=255u8);
    std::fs::write(&image, &bytes).expect("write image");
    let image = image.to_str().expect("utf-8").to_owned();
    let mut upload = people_at(&mock);
    let mut download = people_at(&mock);
    let output = blocking(move || {
        upload
            .args(["photo", "upload", "Farrell", &image])
            .assert()
            .success();
        download
            .current_dir(dir.path())
            .args(["photo", "get", "Farrell", "-O", "-"])
            .output()
            .expect("runs")
    })
    .await;
    assert!(output.status.success());
    assert_eq!(output.stdout, bytes, "the photo's bytes, and only them");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("to stdout"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dash_v_shows_each_exchange_without_secrets() {
    let mock = PeopleMock::start().await;
    let base = mock.base_url().to_string();
    let secret = mock.client_secret().to_owned();
    let mut cmd = people_at(&mock);
    let output = blocking(move || cmd.args(["-v", "get", "Farrell"]).output().expect("runs")).await;
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    let base = base.trim_end_matches('/');
    assert!(
        stderr.contains(&format!("* POST {base}/oauth/token -> 200 (")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("* GET {base}/people/Farrell -> 200 (")),
        "{stderr}"
    );
    assert!(!stderr.contains(&secret), "{stderr}");
    assert!(!stderr.contains("at_"), "no token in {stderr}");

    let mut quiet = people_at(&mock);
    blocking(move || {
        quiet.args(["get", "Farrell"]).assert().success().stderr("");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dash_vv_shows_retries() {
    let mock = PeopleMock::start().await;
    mock.inject(
        Fault::status(503)
            .retry_after(std::time::Duration::ZERO)
            .path("/api/v1/people/Farrell")
            .times(1),
    );
    let mut cmd = people_at(&mock);
    let output =
        blocking(move || cmd.args(["-vv", "get", "Farrell"]).output().expect("runs")).await;
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(stderr.contains("  > authorization: [redacted]"), "{stderr}");
    assert!(stderr.contains("  > user-agent: people-cli/"), "{stderr}");
    assert!(stderr.contains("  < x-ratelimit-limit: "), "{stderr}");
    assert!(stderr.contains("  < retry-after: 0"), "{stderr}");
    assert!(
        !stderr.contains("Bearer") && !stderr.contains("demo-secret"),
        "{stderr}"
    );
    assert!(stderr.contains("-> 200 ("), "{stderr}");
    assert!(stderr.contains("2 attempts"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rust_log_is_honoured() {
    let mock = PeopleMock::start().await;
    let mut cmd = people_at(&mock);
    let output = blocking(move || {
        cmd.env("RUST_LOG", "people_sdk=debug")
            .args(["get", "Farrell"])
            .output()
            .expect("runs")
    })
    .await;
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(stderr.contains("call succeeded"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_base_url_needs_no_scheme() {
    let mock = PeopleMock::start().await;
    let without_scheme = mock
        .base_url()
        .as_str()
        .trim_start_matches("http://")
        .to_owned();
    let mut cmd = people_at(&mock);
    let person: Value = blocking(move || {
        json_stdout(cmd.args([
            "--base-url",
            &without_scheme,
            "get",
            "Farrell",
            "-o",
            "json",
        ]))
    })
    .await;
    assert_eq!(person["lname"], "Farrell");
    people()
        .args(["--base-url", "people.example/api/v1", "--client-id", "a"])
        .args(["--client-secret", "b", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("https://people.example/api/v1"));
}
