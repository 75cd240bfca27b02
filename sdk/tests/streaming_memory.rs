//! Uploads and downloads stream: a 64 MiB file goes up as a photo and as attachments, and comes
//! down again, while the memory the process holds grows by a small fraction of that.
//!
//! This test binary counts every byte allocated and freed (its global allocator) and notes the
//! peak. The server is a sink of the test's own on plain threads, reading bodies through one
//! fixed buffer and keeping nothing, so what it allocates is a few bytes a request; everything
//! else that grows is the client. One test function does every step in turn, so that nothing
//! else runs while a step is measured.
//!
//! The bound, [`BOUND`], is 8 MiB for a 64 MiB file (128 MiB of body for the two attachments).
//! What a streamed transfer holds at once is a few chunks: the SDK reads files in 64 KiB chunks,
//! tokio's file I/O keeps one chunk of its own, and the HTTP client's write and read buffers
//! are some hundreds of KiB at most; measured, that is under 1 MiB for an upload and about
//! 2 MiB for a download. The bound leaves room for the timing of a loaded machine, and a
//! transfer that held the file, or an eighth of it, fails it.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use people_sdk::{AttachmentUpload, Client, FilePart, PhotoUpload};
use support::noise_file;

/// Counts the bytes allocated and not yet freed, and the most there were.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::SeqCst);
}

// SAFETY: every call is passed on to the system allocator unchanged; the counting on the side
// neither allocates nor touches the memory.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `alloc` are passed on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `alloc_zeroed` are passed on.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's guarantees for `dealloc` are passed on.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's guarantees for `realloc` are passed on.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The size of the file moved.
const FILE: usize = 64 * 1024 * 1024;

/// The most the memory held may grow by while a file is moved (see the module documentation).
const BOUND: usize = 8 * 1024 * 1024;

/// Runs `step` and returns how far the bytes held rose above where they were before it.
fn peak_growth(step: impl FnOnce()) -> usize {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    step();
    PEAK.load(Ordering::SeqCst).saturating_sub(before)
}

/// Body bytes the sink has read, in all.
static RECEIVED: AtomicU64 = AtomicU64::new(0);

/// Starts the sink: it reads and drops request bodies, answers uploads as the API does (without
/// the body's content), and answers `GET .../photo` with `photo_len` bytes.
fn start_sink(photo_len: usize) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || serve(stream, photo_len));
        }
    });
    addr
}

const ATTACHMENTS: &str = r#"{"data":[{"id":"att_1","filename":"big.bin","content_type":"application/octet-stream","size":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000","uploaded_at":"2024-05-01T10:00:00Z"}]}"#;

/// Serves one connection, request after request, through two fixed buffers.
fn serve(mut stream: TcpStream, photo_len: usize) {
    let mut head = [0u8; 8 * 1024];
    let mut chunk = vec![7u8; 64 * 1024];
    loop {
        let mut filled = 0;
        let head_end = loop {
            if let Some(at) = head[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if filled == head.len() {
                return;
            }
            match stream.read(&mut head[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        let Ok(text) = std::str::from_utf8(&head[..head_end]) else {
            return;
        };
        let mut lines = text.split("\r\n");
        let mut request_line = lines.next().unwrap_or("").split(' ');
        let method = request_line.next().unwrap_or("");
        let path = request_line.next().unwrap_or("");
        let length: usize = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse().ok())
            .unwrap_or(0);
        let already = filled - head_end;
        RECEIVED.fetch_add(already as u64, Ordering::SeqCst);
        let mut left = length.saturating_sub(already);
        while left > 0 {
            let want = left.min(chunk.len());
            match stream.read(&mut chunk[..want]) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    RECEIVED.fetch_add(n as u64, Ordering::SeqCst);
                    left -= n;
                }
            }
        }
        let written = match (method, path.ends_with("/photo")) {
            ("POST", true) => stream.write_all(
                b"HTTP/1.1 201 Created\r\nETag: \"sunk\"\r\n\
                  Location: /api/v1/people/Farrell/photo\r\nContent-Length: 0\r\n\r\n",
            ),
            ("POST", false) => write!(
                stream,
                "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n{ATTACHMENTS}",
                ATTACHMENTS.len()
            ),
            _ => send_photo(&mut stream, photo_len, &chunk),
        };
        if written.is_err() {
            return;
        }
    }
}

/// Answers with a `photo_len`-byte PNG, written chunk by chunk.
fn send_photo(stream: &mut TcpStream, photo_len: usize, chunk: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {photo_len}\r\n\r\n"
    )?;
    let mut left = photo_len;
    while left > 0 {
        let n = left.min(chunk.len());
        stream.write_all(&chunk[..n])?;
        left -= n;
    }
    Ok(())
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[test]
fn files_move_in_bounded_memory() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let big = noise_file(dir.path(), "big.png", FILE, 11);
    let small = noise_file(dir.path(), "small.png", 1000, 12);
    let addr = start_sink(FILE);
    let client = Client::builder()
        .base_url(format!("http://{addr}/api/v1"))
        .bearer_token("at_memory")
        .build()
        .unwrap();
    let photo = client.person("Farrell").photo();
    let attachments = client.person("Farrell").attachments();

    // Once small, so that connections, pools and lazily made statics are there before measuring.
    runtime.block_on(async {
        photo.upload(PhotoUpload::from_path(&small)).await.unwrap();
        attachments
            .upload(AttachmentUpload::from_path(&small))
            .await
            .unwrap();
    });

    let before = RECEIVED.load(Ordering::SeqCst);
    let grown = peak_growth(|| {
        runtime.block_on(async {
            photo.upload(PhotoUpload::from_path(&big)).await.unwrap();
        })
    });
    assert!(RECEIVED.load(Ordering::SeqCst) - before > FILE as u64);
    assert!(
        grown < BOUND,
        "a 64 MiB photo upload grew memory by {:.1} MiB",
        mib(grown)
    );

    let before = RECEIVED.load(Ordering::SeqCst);
    let grown = peak_growth(|| {
        runtime.block_on(async {
            attachments
                .upload(
                    AttachmentUpload::new()
                        .file(FilePart::from_path(&big))
                        .file(FilePart::from_path(&big).with_file_name("again.bin")),
                )
                .await
                .unwrap();
        })
    });
    assert!(RECEIVED.load(Ordering::SeqCst) - before > 2 * FILE as u64);
    assert!(
        grown < BOUND,
        "uploading two 64 MiB attachments grew memory by {:.1} MiB",
        mib(grown)
    );

    let copy = dir.path().join("copy.png");
    let mut written = 0;
    let grown = peak_growth(|| {
        written = runtime.block_on(async { photo.download_to(&copy).await.unwrap() });
    });
    assert_eq!(written, FILE as u64);
    assert_eq!(std::fs::metadata(&copy).unwrap().len(), FILE as u64);
    assert!(
        grown < BOUND,
        "a 64 MiB photo download grew memory by {:.1} MiB",
        mib(grown)
    );
}
