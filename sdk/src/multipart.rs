//! Streaming `multipart/form-data` (RFC 7578): [`FilePart`] and [`Progress`].
//!
//! Uploads are encoded by the SDK as they are sent: a file is read from disk in 64 KiB chunks
//! while the request goes out, so memory stays flat for a file of any size. The body has an exact
//! `Content-Length` (every part's length is known up front: the size of a file, of a byte buffer,
//! or the length given with a reader).
//!
//! * **File names** go as browsers send them (the HTML standard's `multipart/form-data`
//!   encoding): raw UTF-8 in `filename="..."`, with only `"`, CR and LF escaped, as `%22`, `%0D`
//!   and `%0A`. So `Lévi "CV".pdf` arrives whole, and `100%.txt` is read as `100%.txt` by servers
//!   that read browsers' uploads. Every other character, `%` and `\` included, goes as it is;
//!   `filename*` is never sent (RFC 7578 section 4.2 forbids it). A name with another ASCII
//!   control character cannot be carried (the encoding has no escape for it, and parsers refuse
//!   it in a part's header): the upload fails with [`ErrorKind::InvalidRequest`] before anything
//!   is sent.
//! * **Content types** are the caller's ([`FilePart::with_content_type`]), else guessed from the file
//!   name, else (for photos held in memory) sniffed from the first bytes, else
//!   `application/octet-stream`.
//! * **Progress**: a callback gets a [`Progress`] as each chunk is handed to the connection.
//! * **Retries**: a part from a path or from bytes can be sent again (the file is reopened), so
//!   uploads are retried and replayed like any call; a part from a reader is one-shot.
//!
//! ```
//! use people_sdk::{AttachmentUpload, FilePart};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = people_mock::PeopleMock::start().await;
//! # let client = people_sdk::Client::builder()
//! #     .base_url(mock.base_url())
//! #     .client_credentials(mock.client_id(), mock.client_secret())
//! #     .build()?;
//! # let dir = tempfile::tempdir()?;
//! # let contract = dir.path().join("contract.pdf");
//! # std::fs::write(&contract, "%PDF-1.7")?;
//! let upload = AttachmentUpload::new()
//!     .file(FilePart::from_path(&contract))
//!     .file(FilePart::from_bytes("name,age\nDoug,42\n").with_file_name("people.csv"))
//!     .note("Signed copy")
//!     .on_progress(|p| eprintln!("{} of {:?} bytes", p.transferred, p.total));
//! let stored = client.person("Farrell").attachments().upload(upload).await?;
//! assert_eq!(stored.len(), 2);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::ReaderStream;

use crate::error::{Error, ErrorKind};

/// The size of the chunks read from files and readers.
const CHUNK: usize = 64 * 1024;

/// How far an upload or a download has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes handed to the connection (uploads) or received (downloads) so far.
    pub transferred: u64,
    /// All the bytes to move, if known.
    pub total: Option<u64>,
}

impl Progress {
    /// The fraction done, from 0.0 to 1.0, if the total is known.
    pub fn fraction(&self) -> Option<f64> {
        match self.total {
            Some(0) => Some(1.0),
            Some(total) => Some(self.transferred as f64 / total as f64),
            None => None,
        }
    }
}

/// A progress callback.
pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync + 'static>;

type Reader = Pin<Box<dyn AsyncRead + Send + 'static>>;

#[derive(Clone)]
enum Source {
    Path(PathBuf),
    Bytes(Bytes),
    Reader {
        reader: Arc<Mutex<Option<Reader>>>,
        len: u64,
    },
}

/// A file to upload: from a path (streamed from disk), from bytes in memory, or from any
/// `AsyncRead` of a known length.
///
/// ```
/// use people_sdk::FilePart;
///
/// let from_disk = FilePart::from_path("photos/doug.png"); // read when sent, not now
/// let in_memory = FilePart::from_bytes(vec![0x89, b'P', b'N', b'G']).with_file_name("doug.png");
/// let streamed = FilePart::from_reader(tokio::io::empty(), 0)
///     .with_file_name("nothing.bin")
///     .with_content_type(mime::APPLICATION_OCTET_STREAM);
/// # let _ = (from_disk, in_memory, streamed);
/// ```
#[derive(Clone)]
#[must_use = "a file part is sent only as part of an upload"]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<mime::Mime>,
}

impl FilePart {
    /// A file on disk, opened and streamed when the request is sent (and reopened for a retry).
    /// Its name is the path's last component unless [`with_file_name`](Self::with_file_name) says
    /// otherwise.
    pub fn from_path(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_path_buf();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart {
            source: Source::Path(path),
            file_name,
            content_type: None,
        }
    }

    /// Bytes in memory (a `Vec<u8>`, a `&'static [u8]`, a `String`, `Bytes`, ...).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            source: Source::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// Exactly `len` bytes from a reader. The reader can be read only once, so a call with such
    /// a part is not retried, and is not replayed after a `401`: it fails with
    /// [`ErrorKind::BodyNotReplayable`] instead. If the
    /// reader ends before `len` bytes, the upload fails.
    pub fn from_reader(reader: impl AsyncRead + Send + 'static, len: u64) -> Self {
        FilePart {
            source: Source::Reader {
                reader: Arc::new(Mutex::new(Some(Box::pin(reader)))),
                len,
            },
            file_name: None,
            content_type: None,
        }
    }

    /// The file name to send: any UTF-8 without ASCII control characters other than TAB, CR and
    /// LF (see the [module documentation](self) for how it is written).
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's media type (default: guessed from the file name).
    pub fn with_content_type(mut self, content_type: mime::Mime) -> Self {
        self.content_type = Some(content_type);
        self
    }

    /// The file name that will be sent, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type that will be sent: the caller's, else guessed from the file name, else
    /// `application/octet-stream`.
    pub fn resolved_content_type(&self) -> mime::Mime {
        if let Some(ct) = &self.content_type {
            return ct.clone();
        }
        if let Some(guess) = self
            .file_name
            .as_deref()
            .and_then(|n| mime_guess::from_path(n).first())
        {
            return guess;
        }
        if let Source::Bytes(bytes) = &self.source
            && let Some(sniffed) = sniff_image(bytes)
        {
            return sniffed;
        }
        mime::APPLICATION_OCTET_STREAM
    }

    fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Reader { .. })
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Path(p) => format!("path {}", p.display()),
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Reader { len, .. } => format!("reader of {len} bytes"),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// The media type of an image, from its signature.
pub(crate) fn sniff_image(bytes: &[u8]) -> Option<mime::Mime> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(mime::IMAGE_PNG)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(mime::IMAGE_JPEG)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(mime::IMAGE_GIF)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp".parse().ok()
    } else {
        None
    }
}

/// Escapes a name for a quoted `Content-Disposition` parameter as the HTML standard's
/// `multipart/form-data` encoding does: `"` as `%22`, CR as `%0D`, LF as `%0A`, nothing else.
pub(crate) fn escape_param(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            other => out.push(other),
        }
    }
    out
}

/// Whether `name` can be sent as a file name: the HTML encoding escapes only CR and LF of the
/// ASCII control characters, and a part's header may carry no other one but TAB.
fn check_file_name(name: &str) -> Result<(), Error> {
    match name
        .chars()
        .find(|c| c.is_ascii_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        None => Ok(()),
        Some(c) => Err(Error::invalid_request(format!(
            "the file name {name:?} holds the control character U+{:04X}, which multipart/form-data \
             cannot carry; give the part another name with FilePart::with_file_name",
            u32::from(c)
        ))),
    }
}

enum PartBody {
    Text(String),
    File(FilePart),
}

struct Part {
    name: &'static str,
    body: PartBody,
}

/// A `multipart/form-data` body, encoded as it is streamed.
pub(crate) struct Form {
    boundary: String,
    parts: Vec<Part>,
    progress: Option<ProgressFn>,
}

/// An encoded form, ready to send.
pub(crate) struct Encoded {
    pub(crate) body: reqwest::Body,
    pub(crate) content_type: String,
    pub(crate) content_length: Option<u64>,
}

enum Segment {
    Static(Bytes),
    Path(PathBuf, u64),
    Reader(Reader, u64),
}

impl Form {
    pub(crate) fn new() -> Self {
        let token: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        Form {
            boundary: format!("people-sdk-{token}"),
            parts: Vec::new(),
            progress: None,
        }
    }

    pub(crate) fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name,
            body: PartBody::Text(value.into()),
        });
        self
    }

    /// Adds a file part; fails if its file name cannot be sent.
    pub(crate) fn file(mut self, name: &'static str, file: FilePart) -> Result<Self, Error> {
        if let Some(file_name) = &file.file_name {
            check_file_name(file_name)?;
        }
        self.parts.push(Part {
            name,
            body: PartBody::File(file),
        });
        Ok(self)
    }

    pub(crate) fn progress(mut self, progress: Option<ProgressFn>) -> Self {
        self.progress = progress;
        self
    }

    pub(crate) fn is_replayable(&self) -> bool {
        self.parts.iter().all(|p| match &p.body {
            PartBody::Text(_) => true,
            PartBody::File(f) => f.is_replayable(),
        })
    }

    fn part_head(&self, part: &Part) -> String {
        let mut head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
            self.boundary,
            escape_param(part.name)
        );
        match &part.body {
            PartBody::Text(_) => head.push_str("\r\nContent-Type: text/plain; charset=utf-8"),
            PartBody::File(file) => {
                if let Some(name) = &file.file_name {
                    head.push_str(&format!("; filename=\"{}\"", escape_param(name)));
                }
                head.push_str(&format!(
                    "\r\nContent-Type: {}",
                    file.resolved_content_type()
                ));
            }
        }
        head.push_str("\r\n\r\n");
        head
    }

    /// Lays out the body: part heads and bodies, and the closing delimiter. Files are looked up
    /// (for their size) but not read.
    async fn segments(&self) -> Result<Vec<Segment>, Error> {
        let mut segments = Vec::with_capacity(self.parts.len() * 3 + 1);
        for part in &self.parts {
            segments.push(Segment::Static(Bytes::from(self.part_head(part))));
            match &part.body {
                PartBody::Text(text) => segments.push(Segment::Static(Bytes::from(text.clone()))),
                PartBody::File(file) => match &file.source {
                    Source::Bytes(b) => segments.push(Segment::Static(b.clone())),
                    Source::Path(path) => {
                        let meta = tokio::fs::metadata(path)
                            .await
                            .map_err(|e| Error::io(e, format!("cannot read {}", path.display())))?;
                        if !meta.is_file() {
                            return Err(Error::invalid_request(format!(
                                "{} is not a file",
                                path.display()
                            )));
                        }
                        segments.push(Segment::Path(path.clone(), meta.len()));
                    }
                    Source::Reader { reader, len } => {
                        let taken = reader.lock().unwrap_or_else(|p| p.into_inner()).take();
                        let Some(reader) = taken else {
                            return Err(Error::new(ErrorKind::BodyNotReplayable).with_message(
                                "the upload's reader was consumed by an earlier attempt",
                            ));
                        };
                        segments.push(Segment::Reader(reader, *len));
                    }
                },
            }
            segments.push(Segment::Static(Bytes::from_static(b"\r\n")));
        }
        segments.push(Segment::Static(Bytes::from(format!(
            "--{}--\r\n",
            self.boundary
        ))));
        Ok(segments)
    }

    /// Encodes the form as a streaming body with its exact length.
    pub(crate) async fn encode(&self) -> Result<Encoded, Error> {
        let segments = self.segments().await?;
        let total = encoded_len(&segments);
        let body = stream::iter(segments).flat_map(segment_stream);
        let body: BoxStream<'static, std::io::Result<Bytes>> = match &self.progress {
            None => body.boxed(),
            Some(cb) => {
                let cb = Arc::clone(cb);
                let mut transferred = 0u64;
                cb(Progress {
                    transferred: 0,
                    total: Some(total),
                });
                body.inspect_ok(move |chunk| {
                    transferred += chunk.len() as u64;
                    cb(Progress {
                        transferred,
                        total: Some(total),
                    });
                })
                .boxed()
            }
        };
        Ok(Encoded {
            body: reqwest::Body::wrap_stream(body),
            content_type: format!("multipart/form-data; boundary={}", self.boundary),
            content_length: Some(total),
        })
    }

    /// The whole body in memory (for tests).
    #[cfg(test)]
    pub(crate) async fn to_bytes(&self) -> Result<(Vec<u8>, u64), Error> {
        let segments = self.segments().await?;
        let total = encoded_len(&segments);
        let chunks: Vec<Bytes> = stream::iter(segments)
            .flat_map(segment_stream)
            .try_collect()
            .await
            .map_err(|e| Error::io(e, "encoding"))?;
        Ok((chunks.concat(), total))
    }
}

/// The exact number of bytes the segments encode to.
fn encoded_len(segments: &[Segment]) -> u64 {
    segments
        .iter()
        .map(|s| match s {
            Segment::Static(b) => b.len() as u64,
            Segment::Path(_, len) | Segment::Reader(_, len) => *len,
        })
        .sum()
}

fn segment_stream(segment: Segment) -> BoxStream<'static, std::io::Result<Bytes>> {
    match segment {
        Segment::Static(bytes) => stream::iter([Ok(bytes)]).boxed(),
        Segment::Path(path, len) => stream::once(async move {
            let file = tokio::fs::File::open(&path).await?;
            Ok::<_, std::io::Error>(exactly(Box::pin(file), len))
        })
        .try_flatten()
        .boxed(),
        Segment::Reader(reader, len) => exactly(reader, len),
    }
}

/// Exactly `len` bytes of `reader`, in chunks, or an error if it ends early.
fn exactly(reader: Reader, len: u64) -> BoxStream<'static, std::io::Result<Bytes>> {
    let inner = ReaderStream::with_capacity(reader.take(len), CHUNK);
    stream::unfold((Some(inner), 0u64), move |(inner, seen)| async move {
        let mut inner = inner?;
        match inner.next().await {
            Some(Ok(chunk)) => {
                let seen = seen + chunk.len() as u64;
                Some((Ok(chunk), (Some(inner), seen)))
            }
            Some(Err(e)) => Some((Err(e), (None, seen))),
            None if seen < len => Some((
                Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("the upload source ended after {seen} of {len} bytes"),
                )),
                (None, seen),
            )),
            None => None,
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// File names and what the HTML standard's encoding sends for them.
    const NAMES: [(&str, &str); 10] = [
        ("plain.txt", "plain.txt"),
        ("100%.txt", "100%.txt"),
        ("100%25.txt", "100%25.txt"),
        ("a\"b.txt", "a%22b.txt"),
        ("李.png", "李.png"),
        ("new\nline.txt", "new%0Aline.txt"),
        ("cr\r\nlf.txt", "cr%0D%0Alf.txt"),
        ("semi;colon.txt", "semi;colon.txt"),
        ("back\\slash.txt", "back\\slash.txt"),
        ("tab\there.txt", "tab\there.txt"),
    ];

    #[test]
    fn file_names_are_escaped_as_browsers_escape_them() {
        for (name, sent) in NAMES {
            assert_eq!(escape_param(name), sent, "{name:?}");
        }
    }

    #[tokio::test]
    async fn the_body_carries_each_file_name_as_browsers_send_it() {
        let mut form = Form::new();
        for (name, _) in NAMES {
            form = form
                .file(
                    "files",
                    FilePart::from_bytes(&b"x"[..]).with_file_name(name),
                )
                .unwrap();
        }
        let (body, _) = form.to_bytes().await.unwrap();
        let text = String::from_utf8(body).unwrap();
        for (_, sent) in NAMES {
            let head =
                format!("Content-Disposition: form-data; name=\"files\"; filename=\"{sent}\"\r\n");
            assert!(text.contains(&head), "{head:?} is not in {text:?}");
        }
        assert!(!text.contains("filename*"), "{text}");
    }

    #[test]
    fn a_file_name_with_another_control_character_is_refused() {
        for name in [
            "nul\0.txt",
            "bell\u{7}.txt",
            "esc\u{1b}.txt",
            "del\u{7f}.txt",
        ] {
            let err = Form::new()
                .file(
                    "files",
                    FilePart::from_bytes(&b"x"[..]).with_file_name(name),
                )
                .err()
                .unwrap_or_else(|| panic!("{name:?} was accepted"));
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{name:?}");
            assert!(err.to_string().contains("control character"), "{err}");
        }
        // A C1 control is UTF-8 bytes above 0x7F, which a part's header may carry.
        assert!(
            Form::new()
                .file(
                    "files",
                    FilePart::from_bytes(&b"x"[..]).with_file_name("c1\u{85}.txt")
                )
                .is_ok()
        );
    }

    #[test]
    fn content_types_are_resolved() {
        assert_eq!(
            FilePart::from_path("a/b/photo.png").resolved_content_type(),
            mime::IMAGE_PNG
        );
        assert_eq!(
            FilePart::from_bytes(&b"GIF89a..."[..]).resolved_content_type(),
            mime::IMAGE_GIF
        );
        assert_eq!(
            FilePart::from_bytes(&b"hello"[..]).resolved_content_type(),
            mime::APPLICATION_OCTET_STREAM
        );
        assert_eq!(
            FilePart::from_bytes(&b"hello"[..])
                .with_file_name("x.png")
                .with_content_type(mime::TEXT_PLAIN)
                .resolved_content_type(),
            mime::TEXT_PLAIN
        );
    }

    #[test]
    fn file_names_come_from_the_path_unless_set() {
        assert_eq!(
            FilePart::from_path("a/b/photo.png").file_name(),
            Some("photo.png")
        );
        assert_eq!(FilePart::from_bytes(&b"x"[..]).file_name(), None);
        assert_eq!(
            FilePart::from_path("a/b/photo.png")
                .with_file_name("doug.png")
                .file_name(),
            Some("doug.png")
        );
    }

    #[tokio::test]
    async fn encoding_has_the_announced_length_and_layout() {
        let form = Form::new()
            .text("note", "hi")
            .file(
                "files",
                FilePart::from_bytes(&b"abc"[..]).with_file_name("a \"b\".txt"),
            )
            .unwrap()
            .file("files", FilePart::from_reader(&b"xyz!"[..], 3))
            .unwrap();
        let (body, total) = form.to_bytes().await.unwrap();
        assert_eq!(body.len() as u64, total);
        let text = String::from_utf8(body).unwrap();
        let b = &form.boundary;
        assert!(text.starts_with(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"note\""
        )));
        assert!(
            text.contains("filename=\"a %22b%22.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n")
        );
        assert!(text.contains("Content-Type: application/octet-stream\r\n\r\nxyz\r\n"));
        assert!(text.ends_with(&format!("--{b}--\r\n")));
        assert!(!form.is_replayable());
        let again = form.to_bytes().await.unwrap_err();
        assert_eq!(again.kind(), ErrorKind::BodyNotReplayable);
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_seed::config(64))]

        #[test]
        fn the_announced_length_is_exact(
            names in proptest::collection::vec("\\PC{0,30}|[\"%\r\n\\\\]{0,4}", 1..4),
            sizes in proptest::collection::vec(0usize..5000, 1..4),
            note in proptest::option::of("\\PC{0,50}"),
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let mut form = Form::new();
            for (i, name) in names.iter().enumerate() {
                let size = sizes[i % sizes.len()];
                form = form.file("files", FilePart::from_bytes(vec![b'x'; size]).with_file_name(name.clone())).unwrap();
            }
            if let Some(note) = note {
                form = form.text("note", note);
            }
            let (body, total) = rt.block_on(form.to_bytes()).unwrap();
            proptest::prop_assert_eq!(body.len() as u64, total);
            for name in &names {
                let escaped = escape_param(name);
                proptest::prop_assert!(!escaped.contains(['"', '\r', '\n']));
                // The HTML standard's reading gives the name back, unless the name holds one of
                // the three escapes as text (which browsers' uploads cannot tell apart either).
                if !["%22", "%0D", "%0A"].iter().any(|e| name.to_ascii_uppercase().contains(e)) {
                    let read = escaped.replace("%0A", "\n").replace("%0D", "\r").replace("%22", "\"");
                    proptest::prop_assert_eq!(&read, name);
                }
            }
        }
    }

    #[tokio::test]
    async fn a_short_reader_is_an_error() {
        let form = Form::new()
            .file("files", FilePart::from_reader(&b"ab"[..], 5))
            .unwrap();
        assert!(form.to_bytes().await.is_err());
    }

    #[tokio::test]
    async fn a_missing_file_is_an_io_error() {
        let form = Form::new()
            .file("file", FilePart::from_path("/definitely/not/here.png"))
            .unwrap();
        assert_eq!(
            form.encode().await.err().map(|e| e.kind()),
            Some(ErrorKind::Io)
        );
    }
}
