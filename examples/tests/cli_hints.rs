//! The hint after an error fits the error: a missing photo or attachment, a taken name, a body
//! over the server's limit (checked before sending where the server says its limit), a
//! dropped connection.

use people_mock::{Fault, PeopleMock};
use predicates::prelude::*;

mod support;

use support::{blocking, people_at};

#[tokio::test(flavor = "multi_thread")]
async fn missing_photos_and_attachments_have_their_own_hints() {
    let mock = PeopleMock::start().await;
    let mut photo = people_at(&mock);
    let mut attachment = people_at(&mock);
    let mut taken = people_at(&mock);
    blocking(move || {
        photo
            .args(["photo", "get", "Farrell", "-O", "-"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains("people photo upload"))
            .stderr(predicate::str::contains("`people list`").not());
        attachment
            .args(["attachment", "get", "Farrell", "att_99", "-O", "-"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains("`people attachments LNAME` lists"));
        taken
            .args(["create", "--fname", "Doug", "--lname", "Farrell"])
            .assert()
            .code(5)
            .stderr(predicate::str::contains("people update"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_over_the_limit_is_refused_before_sending() {
    let mock = PeopleMock::builder().photo_limit(1024 * 1024).start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let image = dir.path().join("big.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(3 * 1024 * 1024 / 2, 0);
    std::fs::write(&image, &bytes).expect("write");
    let image = image.to_str().expect("utf-8").to_owned();
    let mut cmd = people_at(&mock);
    blocking(move || {
        cmd.args(["photo", "upload", "Farrell", &image])
            .assert()
            .code(6)
            .stderr(predicate::str::contains(
                "is 1.5 MiB, more than the server's limit of 1 MiB",
            ))
            .stderr(predicate::str::contains("--photo-limit"));
    })
    .await;
    assert_eq!(
        mock.request_count("POST", "/api/v1/people/Farrell/photo"),
        0,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_413_names_the_limit_in_mib_and_the_flag() {
    // The server's own answer, as a server without /__mock/config gives it: the JSON limit is
    // not checked ahead, so the 413 comes back.
    let mock = PeopleMock::builder()
        .attachment_limits(1024 * 1024, 2 * 1024 * 1024)
        .start()
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<String> = (0..3)
        .map(|i| {
            let file = dir.path().join(format!("part{i}.bin"));
            std::fs::write(&file, vec![b'x'; 1000 * 1024]).expect("write");
            file.to_str().expect("utf-8").to_owned()
        })
        .collect();
    let mut cmd = people_at(&mock);
    blocking(move || {
        cmd.arg("attach")
            .arg("Easter")
            .args(&files)
            .assert()
            .code(6)
            .stderr(predicate::str::contains("413"))
            .stderr(predicate::str::contains("at most 2 MiB"))
            .stderr(predicate::str::contains("--attachment-request-limit"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_is_said_in_words() {
    let mock = PeopleMock::start().await;
    mock.inject(Fault::drop_connection().path("/api/v1/people/Farrell"));
    let mut cmd = people_at(&mock);
    blocking(move || {
        cmd.args(["--no-retry", "get", "Farrell"])
            .assert()
            .code(9)
            .stderr(predicate::str::contains("the connection dropped"));
    })
    .await;
}
