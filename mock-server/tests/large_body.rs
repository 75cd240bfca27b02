//! A 1 GiB body, generated lazily, is refused with 413 without being buffered.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use people_mock::PeopleMock;
use support::*;

static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
const ONE_GIB: u64 = 1 << 30;

/// A lazy 1 GiB stream (after an optional prefix) that counts what was pulled from it.
fn huge_body(prefix: Vec<u8>, pulled: Arc<AtomicU64>) -> reqwest::Body {
    let chunks = ONE_GIB / ZEROS.len() as u64;
    let head =
        futures::stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(prefix)) });
    let tail = futures::stream::unfold(0u64, move |i| {
        let pulled = pulled.clone();
        async move {
            if i == chunks {
                return None;
            }
            pulled.fetch_add(ZEROS.len() as u64, Ordering::Relaxed);
            Some((Ok(Bytes::from_static(&ZEROS)), i + 1))
        }
    });
    reqwest::Body::wrap_stream(futures::StreamExt::chain(head, tail))
}

#[tokio::test]
async fn huge_json_body_is_refused_while_reading() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let pulled = Arc::new(AtomicU64::new(0));
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/people", mock.uri()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge_body(b"{\"fname\":\"".to_vec(), pulled.clone()))
        .send()
        .await
        .expect("the 413 arrives before the upload ends");
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
    assert!(
        pulled.load(Ordering::Relaxed) < ONE_GIB,
        "the whole body was sent"
    );
    assert_eq!(mock.people().len(), 3);
}

#[tokio::test]
async fn huge_multipart_photo_is_refused_while_reading() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let pulled = Arc::new(AtomicU64::new(0));
    let mut prefix = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    prefix.extend_from_slice(PNG);
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/people/Farrell/photo", mock.uri()))
        .bearer_auth(&token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(huge_body(prefix, pulled.clone()))
        .send()
        .await
        .expect("the 413 arrives before the upload ends");
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["details"][0]["field"], "photo_limit");
    assert!(pulled.load(Ordering::Relaxed) < ONE_GIB);
    // Nothing stored.
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/people/Farrell/photo", mock.uri()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn announced_huge_length_is_refused_up_front() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let pulled = Arc::new(AtomicU64::new(0));
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/people/Farrell/attachments", mock.uri()))
        .bearer_auth(&token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("content-length", ONE_GIB.to_string())
        .body(huge_body(Vec::new(), pulled.clone()))
        .send()
        .await
        .expect("the 413 arrives before the upload ends");
    assert_eq!(resp.status(), 413);
    assert!(pulled.load(Ordering::Relaxed) < ONE_GIB);
}
