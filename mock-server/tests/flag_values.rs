//! Flag values the program cannot use end it at once, with one line naming the flag and exit
//! status 2; durations too large to add to a clock mean "never" and serve without a panic.

mod support;

use std::process::{Command, Stdio};
use std::sync::mpsc;

use support::program::{BOUND, Program};

/// Runs the program with `args` and returns its exit code and standard error, or panics when it
/// is still running after [`BOUND`] (it started serving instead of refusing the value).
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_people-mock"))
        .args(["--addr", "127.0.0.1:0", "--log-format", "off"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("people-mock starts");
    let pid = child.id();
    let stderr = child.stderr.take().expect("a stderr pipe");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut text);
        let _ = tx.send(text);
    });
    match rx.recv_timeout(BOUND) {
        Ok(text) => (child.wait().expect("an exit status").code(), text),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("people-mock {args:?} (pid {pid}) kept running instead of refusing");
        }
    }
}

#[test]
fn unusable_values_end_the_program_with_one_line_and_status_2() {
    for (args, flag) in [
        (&["--rate-limit", "0"][..], "--rate-limit"),
        (&["--rate-window", "0"], "--rate-window"),
        (&["--token-ttl", "0"], "--token-ttl"),
        (&["--refresh-ttl", "0"], "--refresh-ttl"),
        (&["--max-tokens-per-client", "0"], "--max-tokens-per-client"),
        (&["--people", "18446744073709551615"], "--people"),
        (&["--client", "x:y:admin"], "--client"),
        (&["--client", "x:y:people:read,root"], "--client"),
        (&["--clock", "yesterday"], "--clock"),
        (&["--clock", "1969-12-31T23:59:59Z"], "--clock"),
        (&["--clock", "2030-01-01T00:00:00"], "--clock"),
    ] {
        let (code, stderr) = refused(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
        assert!(
            lines[0].starts_with(&format!("people-mock: invalid value for {flag}: ")),
            "{args:?}: {stderr}"
        );
    }
}

/// The largest values of every duration flag: tokens that never expire, a window that never
/// ends, no read timeouts. Before, every matching request panicked adding them to the clock.
#[tokio::test]
async fn the_largest_durations_mean_never() {
    let max = u64::MAX.to_string();
    let program = Program::start(&[
        "--log-format",
        "off",
        "--token-ttl",
        &max,
        "--refresh-ttl",
        &max,
        "--rate-window",
        &max,
        "--rate-limit",
        "3",
        "--header-read-timeout",
        &max,
        "--body-read-timeout",
        &max,
    ])
    .await;
    let issued = program.token("demo-client", "demo-secret").await;
    assert_eq!(issued["expires_in"], people_mock::FOREVER.as_secs());
    let access = issued["access_token"].as_str().unwrap();
    let refresh = issued["refresh_token"].as_str().unwrap();
    let rotated = program
        .token_response(&format!(
            "grant_type=refresh_token&refresh_token={refresh}&client_id=demo-client&client_secret=demo-secret"
        ))
        .await;
    assert_eq!(rotated.status(), 200);
    let created = program
        .http
        .post(program.url("people"))
        .bearer_auth(access)
        .json(&serde_json::json!({"fname": "Ada", "lname": "Lovelace"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(program.get(access, "people").await.status(), 200);
    assert_eq!(program.get(access, "people").await.status(), 200);
    let refused = program.get(access, "people").await;
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= people_mock::FOREVER.as_secs() - 1, "{retry}");
}
