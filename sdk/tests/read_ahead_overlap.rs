//! Read-ahead really overlaps requests, and never more than it was asked to.
//!
//! A server of the test's own counts the list requests in flight. It holds every request for a
//! page after the first until `k` requests have been in flight at once, and then a moment more
//! before answering any of them. A stream with read-ahead `k` sends `k` requests before it waits
//! for any answer, so it gets there (a stream that fetched pages one at a time would wait
//! forever, and fail by the test's time guard); and it sends no other request until the first
//! of them is answered, so its peak is exactly `k` however long the moment lasts. The moment
//! only gives a stream that sent more than `k` at once the time to show it in the peak.

mod support;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures::TryStreamExt;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use people_sdk::Client;
use serde_json::json;
use support::within;
use tokio::net::TcpListener;
use tokio::sync::watch;

const PAGES: u64 = 12;
const PER_PAGE: u64 = 2;

/// How long the first `k` requests are held together once they are all in flight.
const SETTLE: Duration = Duration::from_millis(200);

/// The requests in flight now, the most there ever were, and whether held requests may go.
#[derive(Clone, Copy, Debug, Default)]
struct InFlight {
    now: usize,
    peak: usize,
    released: bool,
}

/// A `GET /api/v1/people` server with `PAGES` pages of `PER_PAGE` people that counts the
/// requests in flight (from arrival to the answer).
struct PageServer {
    addr: SocketAddr,
    counts: watch::Sender<InFlight>,
}

impl PageServer {
    /// Starts the server; requests for pages after the first are held until `hold_until`
    /// requests have been in flight at once, and [`SETTLE`] longer.
    async fn start(hold_until: usize) -> PageServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (counts, _) = watch::channel(InFlight::default());
        let shared = counts.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let counts = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let counts = counts.clone();
                        async move { Ok::<_, Infallible>(answer(&counts, hold_until, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        PageServer { addr, counts }
    }

    fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    fn peak(&self) -> usize {
        self.counts.borrow().peak
    }
}

/// One page, counted in flight until it is answered.
async fn answer(
    counts: &watch::Sender<InFlight>,
    hold_until: usize,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let mut reached = false;
    counts.send_modify(|c| {
        c.now += 1;
        reached = c.peak < hold_until && c.now >= hold_until;
        c.peak = c.peak.max(c.now);
    });
    if reached {
        let counts = counts.clone();
        tokio::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            counts.send_modify(|c| c.released = true);
        });
    }
    let page: u64 = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    if page > 1 {
        let mut seen = counts.subscribe();
        let _ = seen.wait_for(|c| c.released).await;
    }
    let data: Vec<_> = (0..PER_PAGE)
        .map(|i| {
            let n = (page - 1) * PER_PAGE + i;
            json!({"fname": "Doug", "lname": format!("Person{n:03}"), "timestamp": "2024-05-01T10:00:00Z"})
        })
        .collect();
    let count = if page <= PAGES { PER_PAGE } else { 0 };
    let body = json!({
        "data": if page <= PAGES { data } else { Vec::new() },
        "meta": {"pagination": {
            "total": PAGES * PER_PAGE, "count": count, "per_page": PER_PAGE,
            "current_page": page, "total_pages": PAGES, "links": {}
        }}
    });
    counts.send_modify(|c| c.now -= 1);
    hyper::Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

/// The last names of every person, listed with read-ahead `k`.
async fn list_all(server: &PageServer, k: usize) -> Vec<String> {
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token("at_read_ahead")
        .build()
        .unwrap();
    client
        .people()
        .list()
        .per_page(PER_PAGE)
        .read_ahead(k)
        .stream()
        .map_ok(|p| p.lname.to_string())
        .try_collect()
        .await
        .unwrap()
}

fn everyone() -> Vec<String> {
    (0..PAGES * PER_PAGE)
        .map(|n| format!("Person{n:03}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_ahead_k_has_k_requests_in_flight_and_never_more() {
    within(async {
        for k in [2, 3, 5] {
            let server = PageServer::start(k).await;
            assert_eq!(list_all(&server, k).await, everyone(), "read-ahead {k}");
            assert_eq!(
                server.peak(),
                k,
                "read-ahead {k}: the most requests in flight at once"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_read_ahead_one_request_at_a_time() {
    within(async {
        let server = PageServer::start(1).await;
        assert_eq!(list_all(&server, 1).await, everyone());
        assert_eq!(server.peak(), 1);
    })
    .await;
}
