//! An idle timeout on request bodies: a client that stops sending its body part-way is cut off.
//!
//! The header read timeout covers only the request head. A client could send a head on time and
//! then dribble its body, holding a connection and an upload buffer for as long as it likes; this
//! wrapper ends the connection when no body bytes arrive for the body read timeout. A body that
//! trickles (a byte every few seconds) never stalls; the body deadline ends it when the whole body
//! takes longer.

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
pub(crate) enum BodyTimedOut {
    /// No byte arrived for this long.
    Stalled(Duration),
    /// The body was not whole this long after it was first read.
    TooSlow(Duration),
}

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stalled(idle) => write!(f, "no request body bytes arrived for {idle:?}"),
            Self::TooSlow(total) => write!(f, "the request body took longer than {total:?}"),
        }
    }
}

impl std::error::Error for BodyTimedOut {}

/// A request body that fails, and closes its connection, when it stalls for `timeout` or, with
/// a deadline, when it is not whole by `deadline` after it was first read (a body trickling a
/// byte every few seconds never stalls).
pub(crate) struct IdleTimeoutBody<B> {
    inner: B,
    timeout: Duration,
    /// Armed on the first poll: time spent before the handler reads the body does not count.
    deadline: Option<Pin<Box<Sleep>>>,
    /// The limit on the whole body (zero: none) and its timer, armed on the first poll.
    total: Duration,
    total_deadline: Option<Pin<Box<Sleep>>>,
    /// Set once the whole-body deadline has passed: the body ends.
    expired: bool,
    close_connection: Arc<Notify>,
}

impl<B> IdleTimeoutBody<B> {
    /// Wraps `inner`; `close_connection` is notified when the body times out. A zero `timeout`
    /// turns the stall limit off.
    pub(crate) fn new(inner: B, timeout: Duration, close_connection: Arc<Notify>) -> Self {
        IdleTimeoutBody {
            inner,
            timeout,
            deadline: None,
            total: Duration::ZERO,
            total_deadline: None,
            expired: false,
            close_connection,
        }
    }

    /// Also fails the body when it is not whole `total` after it was first read; zero: never.
    pub(crate) fn with_deadline(mut self, total: Duration) -> Self {
        self.total = total;
        self
    }

    fn time_out(&mut self, error: BodyTimedOut) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.close_connection.notify_one();
        Poll::Ready(Some(Err(Box::new(error))))
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<B> HttpBody for IdleTimeoutBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if this.expired {
            return Poll::Ready(None);
        }
        if !this.total.is_zero() {
            let total = this.total;
            let deadline = this
                .total_deadline
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(total)));
            if deadline.as_mut().poll(cx).is_ready() {
                this.expired = true;
                return this.time_out(BodyTimedOut::TooSlow(total));
            }
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                // Progress: the next frame gets a whole timeout again.
                this.deadline = None;
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending if this.timeout.is_zero() => Poll::Pending,
            Poll::Pending => {
                let timeout = this.timeout;
                let deadline = this
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if deadline.as_mut().poll(cx).is_ready() {
                    deadline.as_mut().reset(Instant::now() + timeout);
                    return this.time_out(BodyTimedOut::Stalled(timeout));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.expired || self.inner.is_end_stream()
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

    /// A byte every 2 s never stalls, but 10 s in all is past a 5 s deadline. On a paused clock.
    #[tokio::test(start_paused = true)]
    async fn a_trickling_body_fails_and_closes_the_connection() {
        let chunks = Box::pin(stream::iter(0..5).then(|_| async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"a")))
        }));
        let close = Arc::new(Notify::new());
        let body = IdleTimeoutBody::new(
            StreamBody::new(chunks),
            Duration::from_secs(30),
            close.clone(),
        )
        .with_deadline(Duration::from_secs(5));
        let err = body.collect().await.expect_err("cut off");
        assert!(err.to_string().contains("took longer"), "{err}");
        tokio::time::timeout(Duration::from_millis(1), close.notified())
            .await
            .expect("the connection is told to close");
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_within_the_deadline_is_read_whole() {
        let chunks = Box::pin(stream::iter(0..2).then(|_| async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"ab")))
        }));
        let body = IdleTimeoutBody::new(
            StreamBody::new(chunks),
            Duration::from_secs(30),
            Arc::new(Notify::new()),
        )
        .with_deadline(Duration::from_secs(5));
        let bytes = body.collect().await.expect("whole").to_bytes();
        assert_eq!(bytes, Bytes::from_static(b"abab"));
    }
}
