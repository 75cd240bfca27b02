//! What the `people` binary's tests share: the command with a clean environment and a state
//! directory of its own for its embedded mock (never the user's), pointed at a mock server, and
//! its JSON output.

#![allow(dead_code)] // Each test file uses its own part of this.

use std::path::Path;

use assert_cmd::Command;
use people_mock::PeopleMock;
use serde_json::Value;

/// A new, empty state directory under the build's scratch space, removed when dropped.
pub fn fresh_state() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("people-state-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp dir")
}

/// `people` with a clean environment (no colour, no credentials or base URL from the caller)
/// and its embedded mock's state in `state`.
pub fn people_with_state(state: &Path) -> Command {
    let mut cmd = Command::cargo_bin("people").expect("the people binary is built");
    cmd.env("PEOPLE_STATE", state)
        .env_remove("PEOPLE_BASE_URL")
        .env_remove("PEOPLE_CLIENT_ID")
        .env_remove("PEOPLE_CLIENT_SECRET")
        .env_remove("RUST_LOG")
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

/// `people` with a clean environment and a fresh state directory for its embedded mock (kept
/// under the build's scratch space: the command outlives this call).
pub fn people() -> Command {
    people_with_state(&fresh_state().keep())
}

/// `people` pointed at `mock` with its demo credentials.
pub fn people_at(mock: &PeopleMock) -> Command {
    let mut cmd = people();
    cmd.env("PEOPLE_BASE_URL", mock.base_url().as_str())
        .env("PEOPLE_CLIENT_ID", mock.client_id())
        .env("PEOPLE_CLIENT_SECRET", mock.client_secret());
    cmd
}

/// `people` pointed at `base_url` with made-up credentials, for servers that check none.
pub fn people_at_url(base_url: &str) -> Command {
    let mut cmd = people();
    cmd.args([
        "--base-url",
        base_url,
        "--client-id",
        "a",
        "--client-secret",
        "b",
    ]);
    cmd
}

/// The JSON `cmd` prints, after checking that it succeeded.
pub fn json_stdout(cmd: &mut Command) -> Value {
    let output = cmd.output().expect("people runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// Runs a blocking command off the async test's runtime (the mock server runs on it).
pub async fn blocking<T: Send + 'static>(run: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(run).await.expect("joined")
}
