//! What happens around every request, whoever answers it: an injected fault, the body of a
//! `HEAD` answer dropped, the unread rest of a request body drained, one log line and a
//! journal entry.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{Method, Uri};

use crate::fault::{self, DropSignal, FaultKind};
use crate::journal_entry::JournalEntry;
use crate::linger::{SharedBody, linger};
use crate::respond::set_exact_length;
use crate::routes::{TOKEN_PATH, is_admin_path};
use crate::state::MockState;

/// [`observed`] as an axum middleware.
pub(crate) async fn layer(State(state): State<MockState>, req: Request, next: Next) -> Response {
    observed(state, req, |req| next.run(req)).await
}

/// Faults, HEAD, logging and the journal, around every request; `inner` answers it.
pub(crate) async fn observed<F, Fut>(state: MockState, req: Request, inner: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let observation = Observation::begin(&state, &req);
    let expects_continue = req
        .headers()
        .get(http::header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = req.into_parts();
    let shared = SharedBody::new(body);
    let req = Request::from_parts(parts, Body::new(shared.clone()));
    let path = observation.uri.path();
    let fault = if observation.admin {
        None
    } else {
        state.inner.faults.take(&observation.method, path)
    };
    let response = match fault {
        None => inner(req).await,
        Some(FaultKind::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            inner(req).await
        }
        Some(FaultKind::Status {
            status,
            retry_after,
        }) => fault::status_response(status, retry_after, path == TOKEN_PATH),
        Some(FaultKind::MalformedBody { status }) => fault::malformed_response(status),
        Some(FaultKind::DropConnection) => {
            observation.finish(&state, 0, "connection dropped by a fault");
            if let Some(signal) = req.extensions().get::<DropSignal>() {
                signal.0.notify_one();
                std::future::pending::<()>().await;
            }
            return fault::broken_response();
        }
    };
    if let Some((rest, polled)) = shared.take_rest()
        && (polled || !expects_continue)
    {
        linger(rest);
    }
    let response = if observation.method == Method::HEAD {
        strip_body(response)
    } else {
        response
    };
    observation.finish(&state, response.status().as_u16(), "request");
    response
}

/// One request being observed: what its log line and journal entry need.
struct Observation {
    started: Instant,
    method: Method,
    /// A clone of the URI shares its bytes: no copy of the path.
    uri: Uri,
    admin: bool,
    /// The journal entry, when the journal is on and the request is not an admin one.
    entry: Option<JournalEntry>,
}

impl Observation {
    fn begin(state: &MockState, req: &Request) -> Self {
        let started = Instant::now();
        let uri = req.uri().clone();
        let admin = is_admin_path(uri.path());
        let entry = (!admin && state.inner.journal.enabled()).then(|| {
            JournalEntry::new(
                req.method().as_str(),
                uri.path(),
                uri.query(),
                req.headers(),
                state.inner.config.clock.now(),
            )
        });
        Self {
            started,
            method: req.method().clone(),
            uri,
            admin,
            entry,
        }
    }

    /// Logs the request with `status` (0: no answer) and records it in the journal.
    fn finish(self, state: &MockState, status: u16, message: &str) {
        let latency = self.started.elapsed();
        tracing::info!(
            target: "people_mock::request",
            method = %self.method,
            path = %self.uri.path(),
            status,
            // Hundredths of a millisecond: the digits beyond are noise to a reader.
            latency_ms = (latency.as_secs_f64() * 100_000.0).round() / 100.0,
            "{message}"
        );
        if let Some(mut entry) = self.entry {
            entry.status = status;
            entry.latency = latency;
            state.inner.journal.record(entry);
        }
    }
}

/// Keeps the headers of a response (with its `Content-Length`) and drops its body.
fn strip_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    set_exact_length(&mut parts.headers, &body);
    Response::from_parts(parts, Body::empty())
}
