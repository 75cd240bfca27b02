//! `--state DIR` under SIGKILL: writers stream creates, photos and attachments at a
//! `people-mock` on one state directory, the program is killed at a random point of the stream,
//! restarted, and everything answered 2xx before the kill must be there, intact (photo and
//! attachment bytes by SHA-256) and once; then the next round writes on.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::program::Program;
use tokio::sync::watch;

/// Kills per run.
const ROUNDS: usize = 6;
/// Concurrent writers per round.
const WRITERS: usize = 6;

/// What the server acknowledged with a 2xx.
#[derive(Debug, Default, Clone)]
struct Acked {
    /// lname -> fname.
    people: BTreeMap<String, String>,
    /// lname -> SHA-256 of the photo last acknowledged.
    photos: BTreeMap<String, String>,
    /// lname -> attachment id -> SHA-256.
    attachments: BTreeMap<String, BTreeMap<String, String>>,
    /// Writes acknowledged in this round (the kill point counts these).
    this_round: usize,
}

/// Random bytes that sniff as a PNG.
fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len).map(|_| fastrand::u8(..)));
    bytes
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn start(dir: &std::path::Path) -> (Program, String) {
    let dir = dir.to_str().expect("a UTF-8 temp path");
    let program = Program::start(&[
        "--log-format",
        "off",
        "--state",
        dir,
        "--rate-limit",
        "1000000000",
    ])
    .await;
    let token = program.demo_token().await;
    (program, token)
}

/// One writer: create a person, then a photo and an attachment for it, until a request fails
/// (the program is gone). Each 2xx is recorded before the next request.
async fn writer(
    http: reqwest::Client,
    base: String,
    token: String,
    name: String,
    acked: Arc<Mutex<Acked>>,
    progress: watch::Sender<usize>,
) {
    for i in 0.. {
        let lname = format!("{name}x{i}");
        let fname = format!("F{i}");
        let body = serde_json::json!({ "fname": fname, "lname": lname });
        let created = http
            .post(format!("{base}people"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await;
        match created {
            Ok(resp) if resp.status() == 201 => {}
            _ => return,
        }
        record(&acked, &progress, |a| {
            a.people.insert(lname.clone(), fname.clone());
        });
        let photo = png(fastrand::usize(1..20_000));
        let form = Form::new().part(
            "file",
            Part::bytes(photo.clone())
                .file_name("p.png")
                .mime_str("image/png")
                .expect("a MIME type"),
        );
        let sent = http
            .post(format!("{base}people/{lname}/photo"))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .await;
        match sent {
            Ok(resp) if resp.status() == 201 => {}
            _ => return,
        }
        record(&acked, &progress, |a| {
            a.photos.insert(lname.clone(), sha(&photo));
        });
        let file = png(fastrand::usize(1..5_000));
        let form = Form::new().part(
            "files",
            Part::bytes(file.clone())
                .file_name("a.bin")
                .mime_str("application/octet-stream")
                .expect("a MIME type"),
        );
        let sent = http
            .post(format!("{base}people/{lname}/attachments"))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .await;
        let listed: Value = match sent {
            Ok(resp) if resp.status() == 201 => match resp.json().await {
                Ok(listed) => listed,
                Err(_) => return,
            },
            _ => return,
        };
        let id = listed["data"][0]["id"].as_str().expect("an id").to_string();
        record(&acked, &progress, |a| {
            a.attachments
                .entry(lname.clone())
                .or_default()
                .insert(id.clone(), sha(&file));
        });
    }
}

fn record(acked: &Mutex<Acked>, progress: &watch::Sender<usize>, f: impl FnOnce(&mut Acked)) {
    let mut acked = acked.lock().expect("the record");
    f(&mut acked);
    acked.this_round += 1;
    progress.send_replace(acked.this_round);
}

fn sigkill(program: &Program) {
    let pid = libc::pid_t::try_from(program.pid()).expect("a pid fits in pid_t");
    // SAFETY: kill(2) takes two integers and touches no memory of this process; the pid is our
    // child's, not yet waited for, so it names no other process.
    let sent = unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(sent, 0, "kill: {}", std::io::Error::last_os_error());
}

/// Checks that everything acknowledged is in the restarted program, once and intact.
async fn check(program: &Program, token: &str, acked: &Acked) {
    let people: Value = program
        .http
        .get(format!("{}/__mock/people", program.origin))
        .send()
        .await
        .expect("the admin list answers")
        .json()
        .await
        .expect("JSON");
    let listed: Vec<&str> = people["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["lname"].as_str().expect("an lname"))
        .collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "a person listed twice");
    for (lname, fname) in &acked.people {
        let resp = program.get(token, &format!("people/{lname}")).await;
        assert_eq!(resp.status(), 200, "acknowledged person {lname} is missing");
        let person: Value = resp.json().await.expect("JSON");
        assert_eq!(person["fname"], fname.as_str(), "{lname}");
    }
    for (lname, want) in &acked.photos {
        let resp = program.get(token, &format!("people/{lname}/photo")).await;
        assert_eq!(
            resp.status(),
            200,
            "acknowledged photo of {lname} is missing"
        );
        let bytes = resp.bytes().await.expect("the photo's bytes");
        assert_eq!(&sha(&bytes), want, "the photo of {lname} changed");
    }
    for (lname, files) in &acked.attachments {
        let resp = program
            .get(token, &format!("people/{lname}/attachments"))
            .await;
        assert_eq!(resp.status(), 200);
        let list: Value = resp.json().await.expect("JSON");
        let ids: Vec<&str> = list["data"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|a| a["id"].as_str().expect("an id"))
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "an attachment of {lname} twice");
        for (id, want) in files {
            let resp = program
                .get(token, &format!("people/{lname}/attachments/{id}"))
                .await;
            assert_eq!(
                resp.status(),
                200,
                "acknowledged attachment {id} is missing"
            );
            let bytes = resp.bytes().await.expect("the attachment's bytes");
            assert_eq!(&sha(&bytes), want, "attachment {id} of {lname} changed");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_survives_sigkill() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let acked = Arc::new(Mutex::new(Acked::default()));
    for round in 0..ROUNDS {
        let (program, token) = start(dir.path()).await;
        let so_far = acked.lock().expect("the record").clone();
        check(&program, &token, &so_far).await;
        acked.lock().expect("the record").this_round = 0;
        let (progress, mut seen) = watch::channel(0);
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                tokio::spawn(writer(
                    program.http.clone(),
                    program.base.clone(),
                    token.clone(),
                    format!("R{round}w{w}"),
                    acked.clone(),
                    progress.clone(),
                ))
            })
            .collect();
        // Killed after a random number of acknowledged writes, with others in flight.
        let kill_after = fastrand::usize(1..120);
        tokio::time::timeout(support::program::BOUND, seen.wait_for(|n| *n >= kill_after))
            .await
            .expect("the writers make progress")
            .expect("a writer is running");
        sigkill(&program);
        for w in writers {
            w.await.expect("a writer ends once the program is gone");
        }
        drop(program);
    }
    let (program, token) = start(dir.path()).await;
    let acked = acked.lock().expect("the record").clone();
    assert!(acked.people.len() >= ROUNDS, "{:?}", acked.people.len());
    check(&program, &token, &acked).await;
}

#[tokio::test]
async fn a_second_program_on_the_same_state_is_refused() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (first, _) = start(dir.path()).await;
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_people-mock"))
        .args(["--addr", "127.0.0.1:0", "--state"])
        .arg(dir.path())
        .output()
        .expect("the program runs");
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("people.redb"), "{stderr}");
    assert!(stderr.contains("in use by another process"), "{stderr}");
    drop(first);
}
