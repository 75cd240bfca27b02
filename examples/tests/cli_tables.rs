//! Tables for people: readable times and sizes, short digests, counts in words, a page past
//! the end explained, paging metadata in JSON on request, and a width that fits.

use people_mock::PeopleMock;
use serde_json::Value;

mod support;

use support::{blocking, json_stdout, people_at};

/// Whether `text` holds an RFC 3339 time (a digit, `T`, a digit).
fn has_rfc3339(text: &str) -> bool {
    text.as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'T' && w[2].is_ascii_digit())
}

#[tokio::test(flavor = "multi_thread")]
async fn attachments_show_sizes_short_digests_and_notes() {
    let mock = PeopleMock::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.bin");
    std::fs::write(&file, vec![b'x'; 3 * 1024 / 2]).expect("write");
    let file = file.to_str().expect("utf-8").to_owned();
    let mut attach = people_at(&mock);
    let mut table = people_at(&mock);
    let mut json = people_at(&mock);
    let (table, json) = blocking(move || {
        attach
            .args(["attach", "Easter", &file, "--note", "quarterly"])
            .assert()
            .success();
        let table = table
            .args(["attachments", "Easter"])
            .output()
            .expect("runs");
        (
            table,
            json_stdout(json.args(["attachments", "Easter", "-o", "json"])),
        )
    })
    .await;
    let table = String::from_utf8(table.stdout).expect("utf-8");
    let digest = json[0]["sha256"].as_str().expect("sha256").to_owned();
    assert_eq!(digest.len(), 64);
    assert_eq!(json[0]["size"], 1536);
    assert!(table.contains("1.5 KiB"), "{table}");
    assert!(table.contains(&format!("{}…", &digest[..12])), "{table}");
    assert!(!table.contains(&digest), "{table}");
    assert!(
        table.contains("NOTE") && table.contains("quarterly"),
        "{table}"
    );
    assert!(!has_rfc3339(&table), "RFC 3339 is for JSON: {table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_times_and_pages_read_as_sentences() {
    let mock = PeopleMock::start().await;
    let mut one = people_at(&mock);
    let mut past = people_at(&mock);
    let mut meta = people_at(&mock);
    let (one, past, meta) = blocking(move || {
        (
            one.args(["list", "--lname", "Farrell"])
                .output()
                .expect("runs"),
            past.args(["list", "--page", "9"]).output().expect("runs"),
            json_stdout(meta.args(["list", "--per-page", "2", "-o", "json", "--with-meta"])),
        )
    })
    .await;
    let one = String::from_utf8(one.stdout).expect("utf-8");
    assert!(one.contains("page 1 of 1 (1 person in all)"), "{one}");
    let row = one
        .lines()
        .find(|line| line.starts_with("Farrell"))
        .expect("a row");
    let time = row.split("Doug").nth(1).map(str::trim).unwrap_or_default();
    assert_eq!(time.len(), "2026-12-02 16:09:17 UTC".len(), "{row}");
    assert!(time.ends_with(" UTC") && !has_rfc3339(time), "{row}");
    let past = String::from_utf8(past.stdout).expect("utf-8");
    assert!(past.contains("page 9 is past the last page, 1"), "{past}");
    assert_eq!(meta["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(meta["meta"]["total"], 3);
    assert_eq!(meta["meta"]["total_pages"], 2);
    // Without --with-meta the JSON stays a bare array of people with RFC 3339 times.
    let mut plain = people_at(&mock);
    let plain: Value = blocking(move || json_stdout(plain.args(["list", "-o", "json"]))).await;
    let time = plain[0]["timestamp"].as_str().expect("timestamp");
    assert!(time.contains('T'), "{time}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tables_fit_the_width() {
    let mock = PeopleMock::start().await;
    let mut cmd = people_at(&mock);
    let output =
        blocking(move || cmd.env("COLUMNS", "30").arg("list").output().expect("runs")).await;
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).expect("utf-8");
    for line in table.lines().filter(|line| !line.starts_with("page ")) {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 30,
            "{line:?} in\n{table}"
        );
    }
    assert!(table.contains('…'), "{table}");
}
