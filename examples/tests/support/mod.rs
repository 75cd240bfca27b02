//! What the `people` process tests share: the program with a clean environment and a state
//! directory of its own for its embedded mock (never the user's).

use std::path::Path;

use assert_cmd::Command;

/// A new, empty state directory under the build's scratch space, removed when dropped.
pub fn fresh_state() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("people-state-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temp dir")
}

/// `people` with no colour, no credentials or base URL from the caller, and its embedded
/// mock's state in `state`.
pub fn people_with_state(state: &Path) -> Command {
    let mut cmd = Command::cargo_bin("people").expect("the people binary is built");
    cmd.env("PEOPLE_STATE", state)
        .env_remove("PEOPLE_BASE_URL")
        .env_remove("PEOPLE_CLIENT_ID")
        .env_remove("PEOPLE_CLIENT_SECRET")
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(60));
    cmd
}
