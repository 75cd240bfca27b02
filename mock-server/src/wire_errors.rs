//! The answers hyper makes by itself, in the contract's JSON shape.
//!
//! A request head that hyper cannot parse (a malformed request line or header), cannot hold (a
//! head past its read buffer, more than [`max_headers`](hyper::server::conn::http1::Builder::max_headers)
//! fields) or whose target is past its own limit never reaches the application: hyper answers
//! it with a bare `400`, `431` or `414` (`content-length: 0`, no `Content-Type`) and closes the
//! connection. hyper has no hook for these answers, so [`JsonWireErrors`] sits between hyper and
//! the socket and rewrites exactly those bytes into the API's JSON `Error` before they leave.
//!
//! Recognising them is safe: each is written as one buffer holding nothing but hyper's status
//! line and its fixed headers (`content-length: 0`, `date`, maybe `connection: close`). Every
//! answer of the application to a `400`, `414` or `431` carries `Content-Type: application/json`
//! and so never matches, and the bytes of a body are never mistaken for a head: a body chunk is
//! rewritten only if it is by itself, whole, such a head with a date within a minute of now.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::errors::ApiError;

/// The longest answer hyper makes by itself; longer writes are passed through unread.
const MAX_BARE_ANSWER: usize = 160;

/// How far the `date` of a bare answer may be from now.
const DATE_SLACK: Duration = Duration::from_secs(60);

/// What a bare answer of hyper's becomes.
struct Rewrite {
    /// The JSON answer.
    bytes: Vec<u8>,
    /// How much of it has been written.
    written: usize,
    /// How many bytes of hyper's answer to report written once it is.
    reported: usize,
}

/// An I/O stream whose writes of hyper's bare error answers become the API's JSON errors.
pub(crate) struct JsonWireErrors<IO> {
    inner: IO,
    rewrite: Option<Rewrite>,
}

impl<IO> JsonWireErrors<IO> {
    /// Wraps the connection's stream.
    pub(crate) fn new(inner: IO) -> Self {
        Self {
            inner,
            rewrite: None,
        }
    }
}

/// The API's error for a bare answer with this status.
fn error_for(status: u16) -> Option<ApiError> {
    use crate::request_limits::{MAX_HEADER_BYTES, MAX_HEADERS, MAX_URI};
    match status {
        400 => Some(ApiError::malformed_request()),
        414 => Some(ApiError::uri_too_long(MAX_URI)),
        431 => Some(ApiError::headers_too_large(MAX_HEADERS, MAX_HEADER_BYTES)),
        _ => None,
    }
}

/// The status of `buf` when it is, whole, an answer hyper made by itself for a head it could
/// not read; `None` for anything else.
fn bare_answer(buf: &[u8], now: SystemTime) -> Option<u16> {
    if buf.len() > MAX_BARE_ANSWER || !buf.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let text = std::str::from_utf8(buf).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = match lines.next()? {
        "HTTP/1.1 400 Bad Request" => 400,
        "HTTP/1.1 414 URI Too Long" => 414,
        "HTTP/1.1 431 Request Header Fields Too Large" => 431,
        _ => return None,
    };
    let (mut length, mut date) = (false, false);
    for line in lines {
        let (name, value) = line.split_once(": ")?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" if value == "0" && !length => length = true,
            "connection" if value.eq_ignore_ascii_case("close") => {}
            "date" if !date => {
                let sent = httpdate::parse_http_date(value).ok()?;
                let apart = now
                    .duration_since(sent)
                    .or_else(|_| sent.duration_since(now))
                    .ok()?;
                if apart > DATE_SLACK {
                    return None;
                }
                date = true;
            }
            _ => return None,
        }
    }
    (length && date).then_some(status)
}

/// The API's JSON error for a bare answer with `status`, closing the connection as hyper does.
fn json_answer(status: u16, now: SystemTime) -> Option<Vec<u8>> {
    let date = httpdate::fmt_http_date(now);
    Some(error_for(status)?.http1_bytes(Some(&date)))
}

impl<IO: AsyncWrite + Unpin> JsonWireErrors<IO> {
    /// Writes what is left of a rewrite; ready with the length hyper gave when all of it is out.
    fn poll_rewrite(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some(rewrite) = self.rewrite.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        while rewrite.written < rewrite.bytes.len() {
            let n = ready!(
                Pin::new(&mut self.inner).poll_write(cx, &rewrite.bytes[rewrite.written..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            rewrite.written += n;
        }
        let reported = rewrite.reported;
        self.rewrite = None;
        Poll::Ready(Ok(reported))
    }

    /// Starts a rewrite when `buf` is a bare answer of hyper's.
    fn start_rewrite(&mut self, buf: &[u8]) -> bool {
        let now = SystemTime::now();
        let Some(bytes) = bare_answer(buf, now).and_then(|status| json_answer(status, now)) else {
            return false;
        };
        self.rewrite = Some(Rewrite {
            bytes,
            written: 0,
            reported: buf.len(),
        });
        true
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for JsonWireErrors<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // A write that returned Pending mid-rewrite is called again with the same bytes.
        if this.rewrite.is_some() || this.start_rewrite(buf) {
            return this.poll_rewrite(cx);
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.rewrite.is_some() {
            return this.poll_rewrite(cx);
        }
        // hyper's bare answer is a head alone: one buffer, no body beside it.
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next())
            && this.start_rewrite(only)
        {
            return this.poll_rewrite(cx);
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.rewrite.is_some() {
            ready!(this.poll_rewrite(cx))?;
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.rewrite.is_some() {
            ready!(this.poll_rewrite(cx))?;
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for JsonWireErrors<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(status_line: &str, now: SystemTime) -> Vec<u8> {
        format!(
            "{status_line}\r\ncontent-length: 0\r\ndate: {}\r\n\r\n",
            httpdate::fmt_http_date(now)
        )
        .into_bytes()
    }

    #[test]
    fn recognises_only_hyper_bare_answers() {
        let now = SystemTime::now();
        assert_eq!(
            bare_answer(&bare("HTTP/1.1 400 Bad Request", now), now),
            Some(400)
        );
        assert_eq!(
            bare_answer(&bare("HTTP/1.1 414 URI Too Long", now), now),
            Some(414)
        );
        assert_eq!(
            bare_answer(
                &bare("HTTP/1.1 431 Request Header Fields Too Large", now),
                now
            ),
            Some(431)
        );
        // Not hyper's own answer: other statuses, a type, a body, an old date, no date.
        assert_eq!(bare_answer(&bare("HTTP/1.1 404 Not Found", now), now), None);
        assert_eq!(
            bare_answer(&bare("HTTP/1.1 400 Bad Request", now)[1..], now),
            None
        );
        let old = now - Duration::from_secs(3600);
        assert_eq!(
            bare_answer(&bare("HTTP/1.1 400 Bad Request", old), now),
            None
        );
        let typed = format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\
             content-length: 0\r\ndate: {}\r\n\r\n",
            httpdate::fmt_http_date(now)
        );
        assert_eq!(bare_answer(typed.as_bytes(), now), None);
        let mut with_body = bare("HTTP/1.1 400 Bad Request", now);
        with_body.extend_from_slice(b"x");
        assert_eq!(bare_answer(&with_body, now), None);
        assert_eq!(
            bare_answer(
                b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
                now
            ),
            None
        );
    }

    #[test]
    fn the_answer_is_the_contract_error() {
        let now = SystemTime::now();
        let bytes = json_answer(400, now).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"));
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(value["error"], "malformed_request");
        assert_eq!(value["error_code"], 400_006);
        assert!(json_answer(404, now).is_none());
    }

    #[tokio::test]
    async fn rewrites_a_bare_answer_and_passes_the_rest() {
        use tokio::io::AsyncWriteExt as _;
        let now = SystemTime::now();
        let mut out = JsonWireErrors::new(Vec::new());
        out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
            .await
            .unwrap();
        let bare = bare("HTTP/1.1 431 Request Header Fields Too Large", now);
        let n = out.write(&bare).await.unwrap();
        assert_eq!(n, bare.len(), "hyper sees its own bytes written");
        out.flush().await.unwrap();
        let text = String::from_utf8(out.inner).unwrap();
        let (first, second) = text.split_at(text.find("HTTP/1.1 431").unwrap());
        assert_eq!(first, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
        assert!(second.contains("\"error\":\"headers_too_large\""));
    }
}
