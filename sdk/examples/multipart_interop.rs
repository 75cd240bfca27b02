//! Uploads attachments whose file names need care (`100%.txt`, `a"b.txt`, `李.png`, a line
//! break, ...) to a server at `BASE_URL`, and checks that the server read every name, size and
//! SHA-256 back as sent. `scripts/multipart-interop.sh` runs it against a server that parses the
//! SDK's bodies with an independent multipart parser.
//!
//! Run with `cargo run -p people-sdk --example multipart_interop -- BASE_URL`; it exits 1 when a
//! file did not arrive as sent.

use std::process::ExitCode;

use people_sdk::{AttachmentUpload, Client, FilePart};
use sha2::{Digest, Sha256};

/// The file names under test, each with contents of its own.
const NAMES: [&str; 9] = [
    "100%.txt",
    "100%25.txt",
    "a\"b.txt",
    "李.png",
    "new\nline.txt",
    "semi;colon.txt",
    "back\\slash.txt",
    "tab\there.txt",
    "Lévi \"CV\" 100%.pdf",
];

#[tokio::main]
async fn main() -> ExitCode {
    let Some(base_url) = std::env::args().nth(1) else {
        eprintln!("usage: multipart_interop BASE_URL");
        return ExitCode::from(2);
    };
    match run(&base_url).await {
        Ok(problems) if problems.is_empty() => {
            println!("{} file names arrived as sent", NAMES.len());
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for problem in problems {
                eprintln!("multipart_interop: {problem}");
            }
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("multipart_interop: the upload failed: {err}");
            let mut cause = std::error::Error::source(&err);
            while let Some(inner) = cause {
                eprintln!("  caused by: {inner}");
                cause = inner.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// Uploads every name; returns what did not arrive as sent.
async fn run(base_url: &str) -> Result<Vec<String>, people_sdk::Error> {
    let client = Client::builder()
        .base_url(base_url)
        .bearer_token("multipart-interop")
        .no_retry()
        .build()?;
    let contents: Vec<String> = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| format!("file {i}: {name}\n"))
        .collect();
    let upload = AttachmentUpload::new()
        .files(
            NAMES
                .iter()
                .zip(&contents)
                .map(|(name, body)| FilePart::from_bytes(body.clone()).with_file_name(*name)),
        )
        .note("a note");
    let stored = client
        .person("Farrell")
        .attachments()
        .upload(upload)
        .await?;

    let mut problems = Vec::new();
    if stored.len() != NAMES.len() {
        problems.push(format!(
            "{} files sent, {} read by the server",
            NAMES.len(),
            stored.len()
        ));
    }
    for ((name, body), attachment) in NAMES.iter().zip(&contents).zip(&stored) {
        if attachment.filename != *name {
            problems.push(format!(
                "sent the file name {name:?}, the server read {:?}",
                attachment.filename
            ));
        }
        let sha256 = hex::encode(Sha256::digest(body.as_bytes()));
        if attachment.size != body.len() as i64 || *attachment.sha256 != sha256 {
            problems.push(format!(
                "the contents of {name:?} arrived as {} bytes with SHA-256 {}, not {} bytes with {sha256}",
                attachment.size,
                *attachment.sha256,
                body.len()
            ));
        }
    }
    Ok(problems)
}
