//! A cap on connections served at once. A connection beyond it gets a JSON 503 with
//! `Retry-After` and `Connection: close`, and is closed: it never reaches hyper or the router.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::errors::ApiError;

/// How long a refused connection is read from (to let its request arrive, so that closing it
/// does not reset the answer away) before it is closed.
const DRAIN: Duration = Duration::from_secs(1);
/// Most bytes read from a refused connection.
const DRAIN_BYTES: usize = 64 * 1024;

/// The connections being served, at most the cap.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionCap(Arc<Semaphore>);

impl ConnectionCap {
    pub(crate) fn new(max: usize) -> Self {
        Self(Arc::new(Semaphore::new(
            max.clamp(1, Semaphore::MAX_PERMITS),
        )))
    }

    /// A place for one more connection, held while it is served; `None` when all are taken.
    pub(crate) fn admit(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}

/// Answers a connection over the cap with a 503 and closes it.
pub(crate) async fn refuse(mut stream: TcpStream) {
    let _ = stream
        .write_all(&ApiError::too_many_connections().http1_bytes(None))
        .await;
    let _ = stream.shutdown().await;
    let drain = async {
        let mut buf = [0u8; 4096];
        let mut read = 0;
        while read < DRAIN_BYTES {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN, drain).await;
}
