//! The one way into the server.
//!
//! Every request takes the same path, whether it came over a socket (see
//! [`server`](crate::server)) or a test handed it to the router of
//! [`into_router`](crate::PeopleMockBuilder::into_router): the [`gate`](crate::gate) (head
//! limits, `Host`, the admin surface's guard, CORS preflights), then the answer — the `/people…`
//! routes straight from the API's dispatch ([`app::serve_api`]), everything else from the
//! router of the pages, the admin surface and the other API routes — and last the CORS headers.
//!
//! The one difference is the `Host` check, made only over the wire: there RFC 9112 requires
//! the header and a browser may have been pointed at this server by a rebound name. A request a
//! test builds may leave `Host` out or name any host.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use futures::future::BoxFuture;
use tower::Service;

use crate::app;
use crate::state::MockState;

/// The server's service: the gate, the answer and the CORS headers, for every request.
#[derive(Clone)]
pub(crate) struct Entry {
    state: MockState,
    router: Router,
}

impl Entry {
    /// The entry of a server on `state`.
    pub(crate) fn new(state: MockState) -> Self {
        let router = app::router(state.clone());
        Self { state, router }
    }

    /// The router a test drives: every request goes through this entry.
    pub(crate) fn into_router(self) -> Router {
        Router::new().fallback_service(self)
    }

    /// Answers one request; `from_wire` says it came over a socket.
    pub(crate) async fn serve(mut self, req: Request, from_wire: bool) -> Response {
        let passed = match crate::gate::check(&req, &self.state.inner.config.net, from_wire) {
            Ok(passed) => passed,
            Err(refusal) => return *refusal,
        };
        let response = if app::is_api_request(&req) {
            app::serve_api(self.state.clone(), req).await
        } else {
            match self.router.call(req).await {
                Ok(response) => response,
                Err(never) => match never {},
            }
        };
        let mut response = passed.finish(response, &self.state.inner.config.net);
        manual_date(&self.state.inner.config.clock, &mut response);
        response
    }
}

/// With a manual clock, the `Date` header tells its time (hyper then writes none of its own),
/// so that a response is the same on every run.
fn manual_date(clock: &crate::clock::Clock, response: &mut Response) {
    if !clock.is_manual() {
        return;
    }
    let date = httpdate::fmt_http_date(clock.now().into());
    if let Ok(value) = http::HeaderValue::from_str(&date) {
        response.headers_mut().insert(http::header::DATE, value);
    }
}

impl Service<Request> for Entry {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let entry = self.clone();
        Box::pin(async move { Ok(entry.serve(req, false).await) })
    }
}

impl MockState {
    /// The axum router serving this state: every request takes the path a request over the
    /// socket takes (the `Host`, admin and CORS checks included).
    pub fn router(&self) -> axum::Router {
        Entry::new(self.clone()).into_router()
    }
}
