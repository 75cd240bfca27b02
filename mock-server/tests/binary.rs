//! The `people-mock` program: flags, start-up banner, serving, and SIGTERM.

mod support;

use std::process::Command;

use support::program::Program;

#[tokio::test]
async fn serves_prints_credentials_and_stops_on_sigterm() {
    let mut running = Program::start(&[
        "--log-format",
        "off",
        "--client",
        "robot:robot-secret:people:read",
        "--people",
        "7",
        "--rate-limit",
        "50",
    ])
    .await;
    assert!(
        running.base.starts_with("http://127.0.0.1:") && running.base.ends_with("/api/v1/"),
        "{}",
        running.base
    );
    // The extra client's line ends the banner.
    let banner = running
        .stdout
        .until("the extra client in the banner", |text| {
            text.lines().any(|line| line.contains("robot /"))
        })
        .await;
    assert!(banner.contains("demo-client / demo-secret"), "{banner}");
    assert!(banner.contains("reader / reader-secret"), "{banner}");

    let client = reqwest::Client::new();
    let token: serde_json::Value = client
        .post(format!("{}oauth/token", running.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=robot&client_secret=robot-secret")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["scope"], "people:read");
    let resp = client
        .get(format!("{}people?per_page=100", running.base))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-ratelimit-limit"], "50");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["meta"]["pagination"]["total"], 10);

    let status = running.terminate().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn first_impression_demo_and_docs_first_and_friendly_addresses() {
    for addr in ["localhost:0", "0"] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_people-mock"));
        command.args(["--addr", addr, "--log-format", "off"]);
        let mut running = Program::spawn(command).await;
        assert!(
            running.base.starts_with("http://127.0.0.1:"),
            "{addr}: {}",
            running.base
        );
        let banner = running
            .stdout
            .until("the banner's token line", |text| text.contains("  token: "))
            .await;
        let lines: Vec<&str> = banner.lines().collect();
        if cfg!(feature = "ui") {
            assert_eq!(
                lines.get(1),
                Some(&format!("  demo page: {}/", running.origin).as_str())
            );
            assert_eq!(
                lines.get(2),
                Some(&format!("  API docs:  {}ui/", running.base).as_str())
            );
            let index: serde_json::Value = reqwest::get(&running.base)
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(index["links"]["docs"], "/api/v1/ui/");
        }
        let status = running.terminate().await;
        assert!(status.success(), "{status:?}");
    }
}

#[test]
fn rejects_bad_flags() {
    let output = Command::new(env!("CARGO_BIN_EXE_people-mock"))
        .args(["--client", "no-secret"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let output = Command::new(env!("CARGO_BIN_EXE_people-mock"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--addr",
        "--token-ttl",
        "--refresh-ttl",
        "--rate-limit",
        "--rate-window",
        "--photo-limit",
        "--attachment-limit",
        "--attachment-request-limit",
        "--people",
        "--client",
        "--journal",
        "--body-deadline",
        "--max-connections",
        "--allowed-host",
        "--cors",
        "--admin-token",
        "--allow-demo-clients",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}
