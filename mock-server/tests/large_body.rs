//! A 1 GiB body, generated lazily, is refused with 413 without being buffered: what the client
//! could push into the connection stays within what streaming allows (see [`streaming_bound`]).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use people_mock::PeopleMock;
use support::wait::poll_until;
use support::*;

static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
const ONE_GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;

/// What the mock reads and throws away of a body it has answered early, so that the client can
/// read the answer before the connection closes (its lingering read, at most 8 MiB).
const LINGER_BYTES: u64 = 8 * MIB;
/// Room for the buffers in user space: the server's read buffer, the client's write buffer and
/// the chunks in flight, each well under a MiB.
const USER_SPACE: u64 = 2 * MIB;

/// The most the client can have pulled from the body once the server has stopped reading, when
/// the server reads `read` bytes before it answers: what the server read, then lingered over,
/// plus what the kernel holds for the connection (the client's send buffer and the server's
/// receive buffer, at most the `tcp_wmem` and `tcp_rmem` maxima: 4 and 6 MiB by Linux's
/// defaults, 16 MiB each assumed where they cannot be read) and the buffers in user space. A
/// server that buffered the body, or drained it before closing, would read all 1 GiB.
fn streaming_bound(read: u64) -> u64 {
    let most = |path: &str| -> u64 {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.split_whitespace().nth(2)?.parse().ok())
            .unwrap_or(16 * MIB)
    };
    let kernel = most("/proc/sys/net/ipv4/tcp_wmem") + most("/proc/sys/net/ipv4/tcp_rmem");
    read + LINGER_BYTES + kernel + USER_SPACE
}

/// Counts what was pulled from a body, and says when the client dropped it (the connection ended).
#[derive(Clone, Default)]
struct Pulled {
    bytes: Arc<AtomicU64>,
    dropped: Arc<AtomicBool>,
}

/// Marks the body as dropped when the stream (which owns it) is.
struct DropMark(Arc<AtomicBool>);

impl Drop for DropMark {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Pulled {
    /// Every byte pulled, once the client has given up the body; at most `bound`.
    async fn assert_at_most(&self, bound: u64) {
        poll_until("the client drops the body", || async {
            self.dropped.load(Ordering::SeqCst).then_some(())
        })
        .await;
        let pulled = self.bytes.load(Ordering::SeqCst);
        assert!(
            pulled <= bound,
            "{pulled} bytes pulled, more than streaming allows ({bound})"
        );
    }
}

/// A lazy 1 GiB stream (after an optional prefix) that counts what was pulled from it.
fn huge_body(prefix: Vec<u8>, pulled: Pulled) -> reqwest::Body {
    let chunks = ONE_GIB / ZEROS.len() as u64;
    let head =
        futures::stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(prefix)) });
    let mark = DropMark(pulled.dropped.clone());
    let counter = pulled.bytes;
    let tail = futures::stream::unfold(0u64, move |i| {
        let _owned_by_the_stream = &mark;
        let counter = counter.clone();
        async move {
            if i == chunks {
                return None;
            }
            counter.fetch_add(ZEROS.len() as u64, Ordering::SeqCst);
            Some((Ok(Bytes::from_static(&ZEROS)), i + 1))
        }
    });
    reqwest::Body::wrap_stream(futures::StreamExt::chain(head, tail))
}

#[tokio::test]
async fn huge_json_body_is_refused_while_reading() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let pulled = Pulled::default();
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
    // The server reads the 64 KiB of the JSON limit and one read beyond it.
    pulled.assert_at_most(streaming_bound(64 * 1024)).await;
    assert_eq!(mock.people().len(), 3);
}

#[tokio::test]
async fn huge_multipart_photo_is_refused_while_reading() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let pulled = Pulled::default();
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
    // The server reads the 5 MiB of the photo limit, the multipart framing and one read beyond.
    pulled.assert_at_most(streaming_bound(6 * MIB)).await;
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
    let pulled = Pulled::default();
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
    // The server answers from the announced length, before reading any of the body.
    pulled.assert_at_most(streaming_bound(0)).await;
}
