//! `--state DIR` with a file that is not a state file, or whose records are damaged: the
//! program refuses to start with an error naming the file (and the record), without a panic,
//! and leaves the file as it was.

mod support;

use std::path::Path;
use std::process::Command;

use support::program::Program;

/// Runs the program on `dir`, which must refuse to start; returns its standard error.
fn refused(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_people-mock"))
        .args(["--addr", "127.0.0.1:0", "--log-format", "off", "--state"])
        .arg(dir)
        .output()
        .expect("the program runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&dir.join("people.redb").display().to_string()),
        "{stderr}"
    );
    stderr
}

#[test]
fn a_file_that_is_no_database_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("people.redb");
    let text = b"{\"people\": [\"not a database\"]}\n".repeat(200);
    std::fs::write(&file, &text).expect("write");
    let stderr = refused(dir.path());
    assert!(
        stderr.contains("not a readable people-mock state file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&file).expect("read"), text);
}

#[test]
fn another_programs_database_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("people.redb");
    const ACCOUNTS: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("accounts");
    {
        let db = redb::Database::create(&file).expect("a database");
        let txn = db.begin_write().expect("a transaction");
        txn.open_table(ACCOUNTS)
            .expect("a table")
            .insert("alice", 10)
            .expect("insert");
        txn.commit().expect("commit");
    }
    let stderr = refused(dir.path());
    assert!(stderr.contains("not a people-mock state file"), "{stderr}");
    let db = redb::Database::open(&file).expect("still a database");
    let txn = db.begin_read().expect("a transaction");
    let table = txn.open_table(ACCOUNTS).expect("the table is still there");
    assert_eq!(
        table.get("alice").expect("get").map(|v| v.value()),
        Some(10)
    );
}

#[tokio::test]
async fn a_damaged_record_is_named_and_nothing_is_dropped() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let program = Program::start(&[
        "--log-format",
        "off",
        "--state",
        dir.path().to_str().expect("UTF-8"),
    ])
    .await;
    let stopped = program.stop().await;
    assert!(stopped.status.success());
    const PEOPLE: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("people");
    let file = dir.path().join("people.redb");
    {
        let db = redb::Database::open(&file).expect("the state file");
        let txn = db.begin_write().expect("a transaction");
        txn.open_table(PEOPLE)
            .expect("the people")
            .insert(
                "Easter",
                b"{\"state\":\"live\",\"fname\":\"Bunnz\"}".as_slice(),
            )
            .expect("insert");
        txn.commit().expect("commit");
    }
    let stderr = refused(dir.path());
    assert!(stderr.contains("person 'Easter'"), "{stderr}");
    let db = redb::Database::open(&file).expect("still the state file");
    let txn = db.begin_read().expect("a transaction");
    let people = txn.open_table(PEOPLE).expect("the people");
    for lname in ["Brockman", "Easter", "Farrell"] {
        assert!(people.get(lname).expect("get").is_some(), "{lname} kept");
    }
}

#[tokio::test]
async fn a_state_file_cut_short_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let program = Program::start(&[
        "--log-format",
        "off",
        "--people",
        "500",
        "--state",
        dir.path().to_str().expect("UTF-8"),
    ])
    .await;
    assert!(program.stop().await.status.success());
    let file = dir.path().join("people.redb");
    let whole = std::fs::read(&file).expect("read");
    for keep in [whole.len() / 2, whole.len() / 5, 4096] {
        let cut = &whole[..keep];
        std::fs::write(&file, cut).expect("write");
        let stderr = refused(dir.path());
        assert!(
            stderr.contains("damaged") || stderr.contains("not a readable"),
            "{stderr}"
        );
        assert_eq!(std::fs::read(&file).expect("read"), cut, "left as it was");
    }
}

#[tokio::test]
async fn a_byte_changed_in_a_stored_name_is_refused_not_reseeded() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let state = dir.path().to_str().expect("UTF-8");
    let program = Program::start(&["--log-format", "off", "--state", state]).await;
    assert!(program.stop().await.status.success());
    let file = dir.path().join("people.redb");
    let mut bytes = std::fs::read(&file).expect("read");
    let at = bytes
        .windows(14)
        .position(|w| w == b"\"fname\":\"Doug\"")
        .expect("Farrell's record in the file");
    bytes[at + 10] = b'X';
    std::fs::write(&file, &bytes).expect("write");
    refused(dir.path());
    assert_eq!(std::fs::read(&file).expect("read"), bytes, "left as it was");
}
