//! Deletes ask first: a `[y/N]` prompt on a terminal (driven here through a pseudo-terminal),
//! `--yes` required when stdin is not one; the tour refuses a server that is not a people-mock.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Output, Stdio};
use std::sync::Arc;

use people_mock::PeopleMock;
use predicates::prelude::*;
use wiremock::MockServer;

mod support;

use support::{blocking, people_at};

/// A pseudo-terminal: (the side a person types into, the side the program sees as its terminal).
fn pty() -> (File, OwnedFd) {
    let (mut controller, mut terminal) = (0, 0);
    // SAFETY: openpty writes two fresh descriptors into the two integers, which nothing else
    // owns; the null pointers ask for no name and default settings.
    let rc = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened by openpty and are owned by nobody else.
    unsafe {
        (
            File::from(OwnedFd::from_raw_fd(controller)),
            OwnedFd::from_raw_fd(terminal),
        )
    }
}

/// `people` as a plain process against `mock`, for standard streams of the test's choosing.
fn process_at(mock: &PeopleMock) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_people"));
    cmd.env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .env("PEOPLE_BASE_URL", mock.base_url().as_str())
        .env("PEOPLE_CLIENT_ID", mock.client_id())
        .env("PEOPLE_CLIENT_SECRET", mock.client_secret());
    cmd
}

/// Runs `people ARGS` against `mock` with stdin and stderr on a terminal, types `answer`, and
/// returns its output (stdout) and what the terminal showed.
fn on_a_terminal(mock: &PeopleMock, args: &[&str], answer: &str) -> (Output, String) {
    let (mut controller, terminal) = pty();
    let mut cmd = process_at(mock);
    cmd.args(args)
        .stdin(Stdio::from(terminal.try_clone().expect("dup")))
        .stderr(Stdio::from(terminal.try_clone().expect("dup")))
        .stdout(Stdio::piped());
    let child = cmd.spawn().expect("people starts");
    // Only the child may hold the terminal's side open, or reading ours never ends.
    drop(cmd);
    drop(terminal);
    // The terminal keeps the line until the program reads it, so typing ahead of the prompt
    // is what a person at a terminal may do too.
    controller.write_all(answer.as_bytes()).expect("type");
    let output = child.wait_with_output().expect("people ends");
    let mut shown = Vec::new();
    // Once the program has gone the terminal reads as closed (EIO); what it showed is kept.
    let _ = controller.read_to_end(&mut shown);
    (output, String::from_utf8_lossy(&shown).into_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delete_asks_on_a_terminal() {
    let mock = Arc::new(PeopleMock::start().await);
    let (declined, shown) = blocking({
        let mock = mock.clone();
        move || on_a_terminal(&mock, &["delete", "Farrell"], "n\n")
    })
    .await;
    assert!(
        shown.contains("Delete Farrell? This cannot be undone. [y/N]"),
        "{shown}"
    );
    assert_eq!(declined.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("not confirmed; nothing was changed"),
        "{shown}"
    );
    assert!(mock.people().iter().any(|p| p.lname == "Farrell"));
    assert_eq!(mock.journal(), [], "nothing was sent");

    let (confirmed, shown) = blocking({
        let mock = mock.clone();
        move || on_a_terminal(&mock, &["delete", "Farrell"], "y\n")
    })
    .await;
    assert!(confirmed.status.success(), "{shown}");
    assert_eq!(
        String::from_utf8_lossy(&confirmed.stdout),
        "Deleted Farrell\n"
    );
    assert!(!mock.people().iter().any(|p| p.lname == "Farrell"));
}

#[tokio::test(flavor = "multi_thread")]
async fn photo_and_attachment_deletes_ask_too() {
    let mock = Arc::new(PeopleMock::start().await);
    let (photo, shown) = blocking({
        let mock = mock.clone();
        move || on_a_terminal(&mock, &["photo", "delete", "Farrell"], "\n")
    })
    .await;
    assert_eq!(photo.status.code(), Some(1));
    assert!(shown.contains("Delete the photo of Farrell? "), "{shown}");
    let (attachment, shown) = blocking({
        let mock = mock.clone();
        move || on_a_terminal(&mock, &["attachment", "delete", "Easter", "att_1"], "no\n")
    })
    .await;
    assert_eq!(attachment.status.code(), Some(1));
    assert!(
        shown.contains("Delete attachment att_1 of Easter? "),
        "{shown}"
    );
    assert_eq!(mock.journal(), [], "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_a_delete_needs_yes() {
    let mock = PeopleMock::start().await;
    for args in [
        &["delete", "Farrell"][..],
        &["photo", "delete", "Farrell"],
        &["attachment", "delete", "Easter", "att_1"],
    ] {
        let mut cmd = people_at(&mock);
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        blocking(move || {
            cmd.args(&args)
                .write_stdin("y\n")
                .assert()
                .code(2)
                .stderr(predicate::str::contains("stdin is not a terminal"))
                .stderr(predicate::str::contains("--yes"));
        })
        .await;
    }
    assert_eq!(mock.journal(), [], "nothing was sent");
    let mut cmd = people_at(&mock);
    blocking(move || {
        cmd.args(["delete", "Farrell", "--yes"]).assert().success();
    })
    .await;
    assert!(!mock.people().iter().any(|p| p.lname == "Farrell"));
}

#[tokio::test(flavor = "multi_thread")]
async fn colour_on_a_terminal_only() {
    let mock = PeopleMock::start().await;
    let (mut controller, terminal) = pty();
    let mut cmd = process_at(&mock);
    cmd.env_remove("NO_COLOR")
        .args(["list"])
        .stdout(Stdio::from(terminal.try_clone().expect("dup")))
        .stderr(Stdio::piped());
    let output = blocking(move || {
        let child = cmd.spawn().expect("people starts");
        child.wait_with_output().expect("people ends")
    })
    .await;
    drop(terminal);
    assert!(output.status.success());
    let mut shown = Vec::new();
    let _ = controller.read_to_end(&mut shown);
    let shown = String::from_utf8_lossy(&shown);
    assert!(
        shown.contains("\x1b[1mLNAME"),
        "bold header on a terminal: {shown:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tour_refuses_a_server_that_is_not_a_people_mock() {
    let server = MockServer::start().await;
    let base_url = format!("{}/api/v1", server.uri());
    let mut cmd = support::people_at_url(&base_url);
    blocking(move || {
        cmd.arg("tour")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("does not look like a people-mock"))
            .stderr(predicate::str::contains("deletes the person Lévi-Strauss"))
            .stderr(predicate::str::contains("--yes"));
    })
    .await;
    let received = server.received_requests().await.unwrap_or_default();
    assert!(
        received
            .iter()
            .all(|request| request.url.path() == "/__mock/config"),
        "only the probe was sent: {received:?}"
    );
}
