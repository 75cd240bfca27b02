//! An idle timeout on request bodies: a client that stops sending its body part-way is cut off.
//!
//! The header read timeout covers only the request head. A client could send a head on time and
//! then dribble its body, holding a connection and an upload buffer for as long as it likes; this
//! wrapper ends the connection when no body bytes arrive for the body read timeout.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::HttpBody;
use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

/// The error a timed-out body yields; the connection is closed as it is returned.
#[derive(Debug)]
pub(crate) struct BodyTimedOut(Duration);

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no request body bytes arrived for {:?}", self.0)
    }
}

impl std::error::Error for BodyTimedOut {}

/// A request body that fails, and closes its connection, when it stalls for `timeout`.
pub(crate) struct IdleTimeoutBody<B> {
    inner: B,
    timeout: Duration,
    /// Armed on the first poll: time spent before the handler reads the body does not count.
    deadline: Option<Pin<Box<Sleep>>>,
    close_connection: Arc<Notify>,
}

impl<B> IdleTimeoutBody<B> {
    /// Wraps `inner`; `close_connection` is notified when the body times out.
    pub(crate) fn new(inner: B, timeout: Duration, close_connection: Arc<Notify>) -> Self {
        IdleTimeoutBody {
            inner,
            timeout,
            deadline: None,
            close_connection,
        }
    }
}

impl<B> HttpBody for IdleTimeoutBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                // Progress: the next frame gets a whole timeout again.
                this.deadline = None;
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending => {
                let timeout = this.timeout;
                let deadline = this
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if deadline.as_mut().poll(cx).is_ready() {
                    deadline.as_mut().reset(Instant::now() + timeout);
                    this.close_connection.notify_one();
                    return Poll::Ready(Some(Err(Box::new(BodyTimedOut(timeout)))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use futures::{StreamExt, stream};
    use http_body_util::{BodyExt, StreamBody};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_fails_and_closes_the_connection() {
        let chunks = stream::iter([Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"{")))])
            .chain(stream::pending());
        let close = Arc::new(Notify::new());
        let mut body = IdleTimeoutBody::new(
            StreamBody::new(chunks),
            Duration::from_secs(5),
            close.clone(),
        );
        let first = body.frame().await.expect("a frame").expect("data");
        assert_eq!(first.into_data().ok(), Some(Bytes::from_static(b"{")));
        let stalled = body.frame().await.expect("an error frame");
        assert!(stalled.is_err_and(|err| err.to_string().contains("no request body bytes")));
        // The permit is stored: the connection task sees it when it next waits.
        tokio::time::timeout(Duration::from_millis(1), close.notified())
            .await
            .expect("the connection is told to close");
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_body_is_read_whole() {
        let chunks = stream::iter(
            (0..3).map(|_| Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"ab")))),
        );
        let body = IdleTimeoutBody::new(
            StreamBody::new(chunks),
            Duration::from_secs(5),
            Arc::new(Notify::new()),
        );
        let bytes = body.collect().await.expect("whole").to_bytes();
        assert_eq!(bytes, Bytes::from_static(b"ababab"));
    }

    /// Pauses shorter than the timeout are no stall, however long they add up to: each frame
    /// that arrives gives the next a whole timeout again. On a paused clock, so the pauses are
    /// exact whatever the machine's load.
    #[tokio::test(start_paused = true)]
    async fn pauses_shorter_than_the_timeout_are_no_stall() {
        let started = tokio::time::Instant::now();
        let chunks = Box::pin(stream::iter(0..4).then(|_| async {
            tokio::time::sleep(Duration::from_secs(4)).await;
            Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"ab")))
        }));
        let close = Arc::new(Notify::new());
        let body = IdleTimeoutBody::new(StreamBody::new(chunks), Duration::from_secs(5), close);
        let bytes = body.collect().await.expect("whole").to_bytes();
        assert_eq!(bytes, Bytes::from_static(b"abababab"));
        assert!(
            started.elapsed() >= Duration::from_secs(16),
            "the pauses were taken"
        );
    }
}
