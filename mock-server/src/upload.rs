//! Streaming `multipart/form-data` uploads.
//!
//! Parts are read chunk by chunk: limits are enforced as bytes arrive (a huge
//! body is refused after at most the limit has been read), file bytes are
//! hashed with SHA-256 as they stream and kept as the chunks they arrived in,
//! so nothing is buffered twice. Nothing is stored until the whole request
//! has been read and checked.

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::CONTENT_DISPOSITION;
use multer::{Constraints, Field, Multipart, SizeLimit};
use sha2::{Digest, Sha256};

use crate::body::content_length;
use crate::errors::{ApiError, Detail};
use crate::files::Blob;

/// Room for multipart framing and small text parts beyond the file limit.
const OVERHEAD: u64 = 1024 * 1024;
/// Largest text part, in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 1024;
/// Largest text part read, in bytes (a longer one is too long in any encoding).
const MAX_TEXT_BYTES: usize = MAX_TEXT_CHARS * 4;
/// Chunks smaller than this are merged, so tiny network reads do not become tiny allocations.
const COALESCE: usize = 32 * 1024;

/// The image types a photo may have.
pub(crate) const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// What an upload route accepts.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// The name of the file part(s).
    pub(crate) file_field: &'static str,
    /// The name of the optional text part.
    pub(crate) text_field: &'static str,
    /// Largest file.
    pub(crate) per_file: u64,
    /// Name of the per-file limit, for the 413 details.
    pub(crate) per_file_name: &'static str,
    /// Largest sum of the files of one request.
    pub(crate) files_total: u64,
    /// Name of the request limit, for the 413 details.
    pub(crate) files_total_name: &'static str,
    /// How many files, of what kind.
    pub(crate) files: FileRule,
}

/// The files an upload route takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileRule {
    /// One image of [`IMAGE_TYPES`] whose bytes carry its format's signature (a photo).
    OneImage,
    /// Any number of files of any type (attachments).
    Many,
}

/// One uploaded file.
#[derive(Debug)]
pub(crate) struct FilePart {
    pub(crate) filename: Option<String>,
    pub(crate) content_type: String,
    pub(crate) blob: Blob,
    pub(crate) sha256: String,
}

/// A fully read and checked upload.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    pub(crate) files: Vec<FilePart>,
    pub(crate) text: Option<String>,
    pub(crate) problems: Vec<Detail>,
}

struct Collector {
    chunks: Vec<Bytes>,
    tail: BytesMut,
    len: u64,
    hasher: Sha256,
    head: Vec<u8>,
}

impl Collector {
    fn new() -> Self {
        Self {
            chunks: Vec::new(),
            tail: BytesMut::new(),
            len: 0,
            hasher: Sha256::new(),
            head: Vec::with_capacity(16),
        }
    }

    fn push(&mut self, data: Bytes) {
        self.len += data.len() as u64;
        self.hasher.update(&data);
        if self.head.len() < 16 {
            let take = (16 - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..take]);
        }
        if data.len() >= COALESCE {
            if !self.tail.is_empty() {
                self.chunks.push(self.tail.split().freeze());
            }
            self.chunks.push(data);
        } else {
            self.tail.extend_from_slice(&data);
            if self.tail.len() >= COALESCE {
                self.chunks.push(self.tail.split().freeze());
            }
        }
    }

    fn finish(mut self) -> (Blob, String) {
        if !self.tail.is_empty() {
            self.chunks.push(self.tail.split().freeze());
        }
        (Blob::new(self.chunks), hex::encode(self.hasher.finalize()))
    }
}

/// Whether `head` starts with the signature of the image type.
pub(crate) fn signature_matches(content_type: &str, head: &[u8]) -> bool {
    match content_type {
        "image/png" => head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/gif" => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
        "image/webp" => head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP",
        _ => false,
    }
}

fn map_multer(error: multer::Error, max_body: u64) -> ApiError {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            ApiError::payload_too_large("request_limit", max_body)
        }
        multer::Error::StreamReadFailed(_) => {
            ApiError::invalid_multipart("The request body could not be read")
        }
        other => ApiError::invalid_multipart(format!(
            "The body is not valid multipart/form-data: {other}"
        )),
    }
}

/// The file name of a part, read as the HTML standard's `multipart/form-data` encoding writes it
/// (browsers, curl and the SDK): the `filename` parameter as sent, with only `%22`, `%0D` and
/// `%0A` (either case) decoded to `"`, CR and LF. A quoted value ends at the next `"` and a
/// backslash is an ordinary character. `filename*` (RFC 5987) is not read: RFC 7578 section 4.2
/// forbids senders to use it.
pub(crate) fn part_filename(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(CONTENT_DISPOSITION)?;
    let text = String::from_utf8_lossy(raw.as_bytes());
    split_params(&text)
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("filename"))
        .map(|(_, value)| decode_html_escapes(&value))
}

/// Decodes the three escapes of the HTML standard's `multipart/form-data` encoding, `%22`,
/// `%0D` and `%0A` (hex digits in either case), and leaves every other `%` as it is.
fn decode_html_escapes(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or("");
        let decoded = match escape.to_ascii_uppercase().as_str() {
            "%22" => Some('"'),
            "%0D" => Some('\r'),
            "%0A" => Some('\n'),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits `form-data; name="a"; filename="b;c"` into (name, unquoted value) pairs. A quoted
/// value runs to the next `"`, as the HTML standard's encoding writes it (a `"` in a name is
/// sent as `%22`, so none is escaped with a backslash).
fn split_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    // Skip the disposition type.
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            chars.next();
            if c == '=' {
                break;
            }
            if c == ';' {
                name.clear();
                continue;
            }
            name.push(c);
        }
        let name = name.trim().to_string();
        if name.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                value.push(c);
            }
            for c in chars.by_ref() {
                if c == ';' {
                    break;
                }
            }
        } else {
            for c in chars.by_ref() {
                if c == ';' {
                    break;
                }
                value.push(c);
            }
            value = value.trim().to_string();
        }
        out.push((name, value));
    }
    out
}

/// Reads a whole multipart upload under `rules`.
pub(crate) async fn read_upload(
    headers: &HeaderMap,
    body: Body,
    rules: &Rules,
) -> Result<Upload, ApiError> {
    let mime = crate::media_type::content_type(headers)
        .filter(|m| m.essence_str().eq_ignore_ascii_case("multipart/form-data"))
        .ok_or_else(|| {
            ApiError::unsupported_media_type("A Content-Type of multipart/form-data is required")
        })?;
    let boundary = multer::parse_boundary(mime.as_ref()).map_err(|_| {
        ApiError::invalid_multipart("The multipart/form-data Content-Type has no boundary")
    })?;
    let max_body = rules.files_total.saturating_add(OVERHEAD);
    if content_length(headers).is_some_and(|n| n > max_body) {
        return Err(too_large(rules));
    }
    let constraints = Constraints::new().size_limit(SizeLimit::new().whole_stream(max_body));
    let mut multipart = Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut reader = PartReader {
        rules,
        max_body,
        upload: Upload::default(),
        files_sum: 0,
        text_seen: false,
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| map_multer(e, max_body))?
    {
        let name = field.name().unwrap_or("");
        if name == rules.file_field {
            reader.file(field).await?;
        } else if name == rules.text_field {
            reader.text(field).await?;
        } else {
            reader.skip(field).await?;
        }
    }
    Ok(reader.upload)
}

/// The parts of one upload as they are read, with what the rules count across parts.
struct PartReader<'r> {
    rules: &'r Rules,
    max_body: u64,
    upload: Upload,
    /// Bytes of the files kept so far.
    files_sum: u64,
    text_seen: bool,
}

impl PartReader<'_> {
    /// The next chunk of a part; `None` at its end.
    async fn chunk(&self, field: &mut Field<'_>) -> Result<Option<Bytes>, ApiError> {
        field
            .chunk()
            .await
            .map_err(|e| map_multer(e, self.max_body))
    }

    /// A file part: streamed into a blob under the limits, hashed as it streams; a photo's
    /// declared type and its bytes' signature checked. A second photo is read and dropped.
    async fn file(&mut self, mut field: Field<'_>) -> Result<(), ApiError> {
        let rules = self.rules;
        let one_image = rules.files == FileRule::OneImage;
        let declared = field
            .content_type()
            .map(|m| m.essence_str().to_ascii_lowercase());
        if one_image && !self.upload.files.is_empty() {
            while self.chunk(&mut field).await?.is_some() {}
            self.upload.problems.push(Detail::new(
                rules.file_field,
                format!("only one part named '{}' is allowed", rules.file_field),
            ));
            return Ok(());
        }
        if one_image
            && !declared
                .as_deref()
                .is_some_and(|t| IMAGE_TYPES.contains(&t))
        {
            return Err(ApiError::unsupported_image(
                "The photo must be image/png, image/jpeg, image/gif or image/webp",
            ));
        }
        let content_type = if one_image {
            declared.clone().unwrap_or_default()
        } else {
            field
                .content_type()
                .map_or_else(|| "application/octet-stream".to_string(), |m| m.to_string())
        };
        let filename = part_filename(field.headers());
        let mut collector = Collector::new();
        let mut checked = false;
        while let Some(chunk) = self.chunk(&mut field).await? {
            let new_len = collector.len + chunk.len() as u64;
            if new_len > rules.per_file {
                return Err(ApiError::payload_too_large(
                    rules.per_file_name,
                    rules.per_file,
                ));
            }
            if self.files_sum + new_len > rules.files_total {
                return Err(too_large(rules));
            }
            collector.push(chunk);
            // The signature is checked as soon as its bytes are in, before reading the rest.
            if one_image && !checked && collector.head.len() >= 12 {
                checked = true;
                check_signature(declared.as_deref(), &collector.head)?;
            }
        }
        if one_image && !checked {
            check_signature(declared.as_deref(), &collector.head)?;
        }
        self.files_sum += collector.len;
        let (blob, sha256) = collector.finish();
        self.upload.files.push(FilePart {
            filename,
            content_type,
            blob,
            sha256,
        });
        Ok(())
    }

    /// The text part: UTF-8, at most [`MAX_TEXT_CHARS`] characters, once.
    async fn text(&mut self, mut field: Field<'_>) -> Result<(), ApiError> {
        let name = self.rules.text_field;
        let mut buf = Vec::new();
        let mut too_long = false;
        while let Some(chunk) = self.chunk(&mut field).await? {
            if buf.len() + chunk.len() > MAX_TEXT_BYTES {
                too_long = true;
            } else {
                buf.extend_from_slice(&chunk);
            }
        }
        if self.text_seen {
            self.upload.problems.push(Detail::new(
                name,
                format!("only one part named '{name}' is allowed"),
            ));
            return Ok(());
        }
        self.text_seen = true;
        match String::from_utf8(buf) {
            Ok(text) if !too_long && text.chars().count() <= MAX_TEXT_CHARS => {
                self.upload.text = Some(text);
            }
            Ok(_) => self.upload.problems.push(Detail::new(
                name,
                format!("must be at most {MAX_TEXT_CHARS} characters"),
            )),
            Err(_) => self
                .upload
                .problems
                .push(Detail::new(name, "must be UTF-8 text")),
        }
        Ok(())
    }

    /// A part the route does not take: read and dropped.
    async fn skip(&mut self, mut field: Field<'_>) -> Result<(), ApiError> {
        while self.chunk(&mut field).await?.is_some() {}
        Ok(())
    }
}

fn too_large(rules: &Rules) -> ApiError {
    ApiError::payload_too_large(rules.files_total_name, rules.files_total)
}

fn check_signature(declared: Option<&str>, head: &[u8]) -> Result<(), ApiError> {
    match declared {
        Some(t) if signature_matches(t, head) => Ok(()),
        Some(t) => Err(ApiError::unsupported_image(format!(
            "The photo's bytes are not a {t} image"
        ))),
        None => Err(ApiError::unsupported_image("The photo has no image type")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn disposition(value: &str) -> Option<String> {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_DISPOSITION,
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
        part_filename(&headers)
    }

    fn filename_of(params: &str) -> Option<String> {
        disposition(&format!("form-data; name=\"files\"{params}"))
    }

    #[test]
    fn filenames_are_read_as_browsers_write_them() {
        for (sent, read) in [
            ("a.txt", "a.txt"),
            ("100%.txt", "100%.txt"),
            ("100%25.txt", "100%25.txt"),
            ("a%22b.txt", "a\"b.txt"),
            ("李.png", "李.png"),
            ("new%0Aline.txt", "new\nline.txt"),
            ("cr%0d%0alf.txt", "cr\r\nlf.txt"),
            ("semi;colon.txt", "semi;colon.txt"),
            ("back\\slash.txt", "back\\slash.txt"),
            ("%E6%9D%8E.txt", "%E6%9D%8E.txt"),
            ("%2.txt %", "%2.txt %"),
            ("%%22%", "%\"%"),
            ("", ""),
        ] {
            assert_eq!(
                filename_of(&format!("; filename=\"{sent}\"")).as_deref(),
                Some(read),
                "{sent:?}"
            );
        }
    }

    #[test]
    fn filename_parameters() {
        // Unquoted, and after other parameters.
        assert_eq!(
            filename_of("; filename=plain.txt").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            disposition("form-data; FILENAME=\"x.txt\"; name=\"files\"").as_deref(),
            Some("x.txt")
        );
        // `filename*` is not read, alone or beside `filename`.
        assert_eq!(
            filename_of("; filename=\"x.bin\"; filename*=UTF-8''%C3%A9t%C3%A9.txt").as_deref(),
            Some("x.bin")
        );
        assert_eq!(filename_of("; filename*=UTF-8''%C3%A9t%C3%A9.txt"), None);
        assert_eq!(filename_of(""), None);
        // A quoted value ends at the next quote; a backslash escapes nothing.
        assert_eq!(
            filename_of("; filename=\"a\\\"b.txt\"").as_deref(),
            Some("a\\")
        );
        // A name that is not text where a name is expected is kept in its lossy form.
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_DISPOSITION,
            HeaderValue::from_bytes(b"form-data; name=\"files\"; filename=\"\xFF.txt\"").unwrap(),
        );
        assert_eq!(part_filename(&headers).as_deref(), Some("\u{FFFD}.txt"));
    }

    #[test]
    fn signatures() {
        assert!(signature_matches("image/png", b"\x89PNG\r\n\x1a\nrest"));
        assert!(signature_matches("image/jpeg", b"\xFF\xD8\xFF\xE0"));
        assert!(signature_matches("image/gif", b"GIF89a..."));
        assert!(signature_matches("image/webp", b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!signature_matches("image/png", b"GIF89a"));
        assert!(!signature_matches("image/webp", b"RIFF"));
        assert!(!signature_matches("text/plain", b"hello"));
    }

    #[test]
    fn collector_coalesces() {
        let mut c = Collector::new();
        for _ in 0..100 {
            c.push(Bytes::from_static(b"abcd"));
        }
        c.push(Bytes::from(vec![7u8; COALESCE]));
        let (blob, sha) = c.finish();
        assert_eq!(blob.len(), 400 + COALESCE as u64);
        assert_eq!(sha.len(), 64);
    }
}
