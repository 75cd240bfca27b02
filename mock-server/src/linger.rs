//! Lingering reads: when a handler answers before reading the whole request
//! body (a 413, a 401 to an upload), the rest of the body is read and thrown
//! away for a short while, so the client can read the answer before the
//! connection closes, instead of a reset racing it.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use hyper::body::{Body as HttpBody, Frame, SizeHint};

use crate::sync::lock;

/// At most this much of an abandoned body is read and discarded.
const LINGER_BYTES: u64 = 8 * 1024 * 1024;
/// For at most this long.
const LINGER_TIME: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Slot {
    body: Option<Body>,
    polled: bool,
}

/// A request body whose unread rest can be taken back after the handler is done.
#[derive(Debug, Clone)]
pub(crate) struct SharedBody(Arc<Mutex<Slot>>);

impl SharedBody {
    pub(crate) fn new(body: Body) -> Self {
        Self(Arc::new(Mutex::new(Slot {
            body: Some(body),
            polled: false,
        })))
    }

    /// The unread rest of the body, if any, and whether anyone had started reading it.
    pub(crate) fn take_rest(&self) -> Option<(Body, bool)> {
        let mut slot = lock(&self.0);
        let polled = slot.polled;
        let body = slot.body.take()?;
        (!body.is_end_stream()).then_some((body, polled))
    }
}

impl HttpBody for SharedBody {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut slot = lock(&self.0);
        slot.polled = true;
        match slot.body.as_mut() {
            Some(body) => Pin::new(body).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        lock(&self.0)
            .body
            .as_ref()
            .is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        lock(&self.0)
            .body
            .as_ref()
            .map(HttpBody::size_hint)
            .unwrap_or_default()
    }
}

/// Reads and discards what is left of a body, within the linger limits.
pub(crate) fn linger(body: Body) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        use http_body_util::BodyExt;
        let mut body = body;
        let mut seen: u64 = 0;
        let _ = tokio::time::timeout(LINGER_TIME, async {
            while let Some(Ok(frame)) = body.frame().await {
                if let Some(data) = frame.data_ref() {
                    seen += data.len() as u64;
                    if seen > LINGER_BYTES {
                        break;
                    }
                }
            }
        })
        .await;
    });
}
