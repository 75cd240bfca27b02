//! Streamed downloads: [`Download`].
//!
//! A photo or an attachment is returned as a [`Download`] as soon as the response headers have
//! arrived; its body is then streamed, chunk by chunk, to wherever you want it: a file
//! ([`Download::save`]), any `AsyncWrite` ([`Download::write_to`]), a stream of chunks
//! ([`Download::into_stream`]) or memory ([`Download::bytes`]). Memory stays flat for a file of any
//! size, except with `bytes`.
//!
//! Retries cover the call until the response headers arrive; a failure while the body is being
//! read is returned as it is.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = people_mock::PeopleMock::start().await;
//! # let client = people_sdk::Client::builder()
//! #     .base_url(mock.base_url())
//! #     .client_credentials(mock.client_id(), mock.client_secret())
//! #     .build()?;
//! # let dir = tempfile::tempdir()?;
//! # let saved = dir.path().join("farrell.png");
//! # let png = b"\x89PNG\r\n\x1a\n0000IHDR";
//! # client.person("Farrell").photo().upload(people_sdk::PhotoUpload::from_bytes(&png[..])).await?;
//! let photo = client.person("Farrell").photo().download().await?;
//! println!("{:?}, {:?} bytes, ETag {:?}", photo.content_type(), photo.content_length(), photo.etag());
//! let written = photo
//!     .on_progress(|p| eprintln!("{} of {:?}", p.transferred, p.total))
//!     .save(&saved)
//!     .await?;
//! # let _ = written;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{CallInfo, Error};
use crate::multipart::{Progress, ProgressFn};
use crate::rate_limit::RateLimit;
use crate::response::ETag;

/// A response body being downloaded, with what its headers said about it.
pub struct Download {
    response: reqwest::Response,
    info: CallInfo,
    etag: Option<ETag>,
    content_type: Option<String>,
    file_name: Option<String>,
    rate_limit: Option<RateLimit>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("url", &self.info.url.as_str())
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length())
            .field("etag", &self.etag)
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

impl Download {
    pub(crate) fn new(response: reqwest::Response, info: CallInfo) -> Self {
        let headers = response.headers();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let file_name = headers
            .get(CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(disposition_file_name);
        Download {
            etag: ETag::from_headers(headers),
            rate_limit: RateLimit::of(&response),
            content_type,
            file_name,
            response,
            info,
            progress: None,
        }
    }

    /// The `Content-Type` of the body.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The `Content-Length` of the body, if the server sent one (for a `HEAD`, the length the
    /// body would have).
    pub fn content_length(&self) -> Option<u64> {
        self.response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .or_else(|| self.response.content_length())
    }

    /// The `ETag` of what is downloaded (the quoted SHA-256 of the bytes, for photos and
    /// attachments).
    pub fn etag(&self) -> Option<&ETag> {
        self.etag.as_ref()
    }

    /// The file name of `Content-Disposition` (its UTF-8 `filename*` if present), if any.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// Calls `callback` with the bytes received so far (and the total, if known) as chunks
    /// arrive.
    #[must_use = "it returns the download with the callback set"]
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes, Error>> {
        let total = self.content_length();
        let info = self.info;
        let mut received = 0u64;
        let progress = self.progress;
        self.response
            .bytes_stream()
            .map_err(move |e| Error::from_reqwest(e).with_call(&info))
            .inspect_ok(move |chunk| {
                received += chunk.len() as u64;
                if let Some(cb) = &progress {
                    cb(Progress {
                        transferred: received,
                        total,
                    });
                }
            })
            .boxed()
    }

    /// The whole body in memory.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let chunks: Vec<Bytes> = self.into_stream().try_collect().await?;
        Ok(match chunks.len() {
            1 => chunks.into_iter().next().unwrap_or_default(),
            _ => Bytes::from(chunks.concat()),
        })
    }

    /// Streams the body into `writer` (flushed at the end); returns the number of bytes written.
    pub async fn write_to<W>(self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut stream = self.into_stream();
        let mut written = 0u64;
        while let Some(chunk) = stream.try_next().await? {
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::io(e, "cannot write the download"))?;
            written += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::io(e, "cannot write the download"))?;
        Ok(written)
    }

    /// Streams the body into a new file at `path` (replacing any file there); returns the number
    /// of bytes written. On failure the partial file is removed.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| Error::io(e, format!("cannot create {}", path.display())))?;
        match self.write_to(&mut file).await {
            Ok(n) => {
                file.sync_all()
                    .await
                    .map_err(|e| Error::io(e, format!("cannot write {}", path.display())))?;
                Ok(n)
            }
            Err(err) => {
                drop(file);
                let _ = tokio::fs::remove_file(path).await;
                Err(err)
            }
        }
    }
}

/// The file name of a `Content-Disposition` value: `filename*=UTF-8''...` first, then
/// `filename="..."`.
pub(crate) fn disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    for param in split_params(value).into_iter().skip(1) {
        let Some((key, val)) = param.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let val = val.trim();
        if key == "filename*" {
            let Some((charset, rest)) = val.split_once('\'') else {
                continue;
            };
            let Some((_lang, encoded)) = rest.split_once('\'') else {
                continue;
            };
            if charset.eq_ignore_ascii_case("utf-8")
                && let Ok(name) = percent_encoding::percent_decode_str(encoded).decode_utf8()
            {
                return Some(name.into_owned());
            }
        } else if key == "filename" && plain.is_none() {
            let unquoted = val
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .unwrap_or_else(|| val.to_owned());
            plain = Some(unquoted);
        }
    }
    plain
}

/// Splits a header value on `;` outside quotes.
fn split_params(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name` as a quoted string: `\\` and `"` escaped with a backslash.
    fn quoted(name: &str) -> String {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_seed::config(256))]
        #[test]
        fn disposition_parsing_never_panics(value in "\\PC{0,200}") {
            let got = disposition_file_name(&value);
            // A file name is only ever read from a `filename` parameter.
            if !value.to_ascii_lowercase().contains("filename") {
                proptest::prop_assert_eq!(got, None);
            }
        }

        #[test]
        fn file_names_round_trip(name in "\\PC{0,40}") {
            let encoded = percent_encoding::utf8_percent_encode(
                &name,
                percent_encoding::NON_ALPHANUMERIC,
            );
            proptest::prop_assert_eq!(
                disposition_file_name(&format!("attachment; filename*=UTF-8''{encoded}")),
                Some(name.clone())
            );
            proptest::prop_assert_eq!(
                disposition_file_name(&format!("attachment; filename={}", quoted(&name))),
                Some(name.clone())
            );
            // With both, the UTF-8 form wins, whichever comes first.
            proptest::prop_assert_eq!(
                disposition_file_name(&format!(
                    "attachment; filename=\"fallback.bin\"; filename*=utf-8''{encoded}"
                )),
                Some(name.clone())
            );
            proptest::prop_assert_eq!(
                disposition_file_name(&format!(
                    "attachment; filename*=UTF-8''{encoded}; filename={}",
                    quoted("fallback; \"x\".bin")
                )),
                Some(name.clone())
            );
        }
    }

    #[test]
    fn file_names_from_content_disposition() {
        assert_eq!(
            disposition_file_name(
                r#"attachment; filename="rapport.pdf"; filename*=UTF-8''rapport%C3%A9.pdf"#
            ),
            Some("rapporté.pdf".to_owned())
        );
        assert_eq!(
            disposition_file_name(r#"attachment; filename="a; \"b\".txt""#),
            Some("a; \"b\".txt".to_owned())
        );
        assert_eq!(disposition_file_name("attachment"), None);
        assert_eq!(
            disposition_file_name("attachment; filename*=UTF-8''%FF"),
            None
        );
        assert_eq!(
            disposition_file_name("attachment; filename=plain.txt"),
            Some("plain.txt".to_owned())
        );
    }
}
