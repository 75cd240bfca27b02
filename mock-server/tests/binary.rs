//! The `people-mock` program: flags, start-up banner, serving, and SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Running {
    child: Child,
    base: String,
    banner: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_people-mock"))
        .args(["--addr", "127.0.0.1:0", "--log-format", "off"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first.rsplit(' ').next().unwrap().to_string();
    let banner: Vec<String> = lines.by_ref().take(5).map(|l| l.unwrap()).collect();
    std::thread::spawn(move || for _ in lines {});
    Running {
        child,
        base,
        banner,
    }
}

fn wait_exit(child: &mut Child) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[tokio::test]
async fn serves_prints_credentials_and_stops_on_sigterm() {
    let mut running = start(&[
        "--client",
        "robot:robot-secret:people:read",
        "--people",
        "7",
        "--rate-limit",
        "50",
    ]);
    assert!(
        running.base.starts_with("http://127.0.0.1:") && running.base.ends_with("/api/v1/"),
        "{}",
        running.base
    );
    let banner = running.banner.join("\n");
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

    let pid = running.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = wait_exit(&mut running.child).expect("the server exits after SIGTERM");
    assert!(status.success(), "{status:?}");
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
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}
