//! List pages rendered once and answered again until the people change.
//!
//! A `GET /people` answer is a function of three things only: the query string, the authority
//! its links name, and the people in the store. The store counts its changes
//! ([`Store::generation`](crate::store::Store::generation)); a page rendered at one generation
//! is answered again, byte for byte, while that generation holds, and any write makes it stale.
//! A reader that finds a page of the current generation answers what a render at that instant
//! would have answered; a write that lands a moment later is ordered after that read, as it
//! would be without the cache.
//!
//! Defaults: the last [`CAPACITY`] distinct queries of the current generation are kept; a query
//! and authority longer than [`MAX_KEY`] bytes together, or a body over [`MAX_BODY`] bytes, is
//! rendered every time. So the cache holds at most a few MiB whatever clients send, and a
//! client sweeping through pages evicts only older pages.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, LINK};
use http::{HeaderValue, StatusCode};

use crate::sync::lock;

/// How many pages are kept.
pub(crate) const CAPACITY: usize = 16;
/// The longest query plus authority whose page is kept, in bytes.
pub(crate) const MAX_KEY: usize = 1024;
/// The largest body kept, in bytes.
pub(crate) const MAX_BODY: usize = 256 * 1024;

/// A rendered `200` answer to `GET /people`: its JSON body and its `Link` header.
#[derive(Clone, Debug)]
pub(crate) struct RenderedPage {
    body: Bytes,
    link: Option<HeaderValue>,
}

impl RenderedPage {
    /// A page from its body and its `Link` value (left out when it is not a valid header value).
    pub(crate) fn new(body: Vec<u8>, link: &str) -> Self {
        RenderedPage {
            body: Bytes::from(body),
            link: HeaderValue::from_str(link).ok(),
        }
    }

    /// The answer: `200`, `Content-Type: application/json`, `Link`, the body.
    pub(crate) fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(link) = &self.link {
            headers.insert(LINK, link.clone());
        }
        response
    }
}

#[derive(Debug)]
struct Entry {
    generation: u64,
    query: Option<Box<str>>,
    authority: Box<str>,
    page: RenderedPage,
}

/// The kept pages, newest last.
#[derive(Debug, Default)]
pub(crate) struct PageCache {
    entries: Mutex<VecDeque<Entry>>,
}

impl PageCache {
    /// The page kept for this query and authority at `generation`, if there is one.
    pub(crate) fn get(
        &self,
        generation: u64,
        query: Option<&str>,
        authority: &str,
    ) -> Option<RenderedPage> {
        let entries = lock(&self.entries);
        entries
            .iter()
            .rev()
            .find(|e| {
                e.generation == generation
                    && e.query.as_deref() == query
                    && &*e.authority == authority
            })
            .map(|e| e.page.clone())
    }

    /// Keeps `page`, rendered at `generation`, unless it is too large to keep; pages of older
    /// generations go, and the oldest page goes when the cache is full.
    pub(crate) fn put(
        &self,
        generation: u64,
        query: Option<&str>,
        authority: &str,
        page: &RenderedPage,
    ) {
        let key_len = query.map_or(0, str::len) + authority.len();
        if key_len > MAX_KEY || page.body.len() > MAX_BODY {
            return;
        }
        let mut entries = lock(&self.entries);
        entries.retain(|e| e.generation >= generation);
        if entries.iter().any(|e| e.generation > generation) {
            // Rendered before a write another reader has seen: not worth keeping.
            return;
        }
        if entries.len() >= CAPACITY {
            entries.pop_front();
        }
        entries.push_back(Entry {
            generation,
            query: query.map(Box::from),
            authority: Box::from(authority),
            page: page.clone(),
        });
    }

    /// How many pages are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.entries).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> RenderedPage {
        RenderedPage::new(text.as_bytes().to_vec(), "<http://h/a>; rel=\"first\"")
    }

    async fn body_of(page: &RenderedPage) -> (Response, Vec<u8>) {
        let (parts, body) = page.response().into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (Response::from_parts(parts, Body::empty()), bytes.to_vec())
    }

    #[tokio::test]
    async fn a_kept_page_answers_the_same_bytes() {
        let cache = PageCache::default();
        cache.put(3, Some("per_page=2"), "h:1", &page("{\"data\":[]}"));
        let hit = cache.get(3, Some("per_page=2"), "h:1").expect("kept");
        let (head, body) = body_of(&hit).await;
        assert_eq!(body, b"{\"data\":[]}");
        assert_eq!(head.status(), StatusCode::OK);
        assert_eq!(head.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(head.headers()[LINK], "<http://h/a>; rel=\"first\"");
    }

    #[test]
    fn another_generation_query_or_authority_misses() {
        let cache = PageCache::default();
        cache.put(3, Some("page=2"), "h:1", &page("a"));
        assert!(cache.get(4, Some("page=2"), "h:1").is_none());
        assert!(cache.get(3, Some("page=3"), "h:1").is_none());
        assert!(cache.get(3, None, "h:1").is_none());
        assert!(cache.get(3, Some("page=2"), "h:2").is_none());
        assert!(cache.get(3, Some("page=2"), "h:1").is_some());
    }

    #[test]
    fn a_newer_generation_drops_the_older_pages() {
        let cache = PageCache::default();
        cache.put(3, Some("a"), "h", &page("a"));
        cache.put(3, Some("b"), "h", &page("b"));
        cache.put(4, Some("a"), "h", &page("a2"));
        assert_eq!(cache.len(), 1);
        // A page rendered before that write is not kept beside the newer one.
        cache.put(3, Some("c"), "h", &page("c"));
        assert_eq!(cache.len(), 1);
        assert!(cache.get(3, Some("c"), "h").is_none());
    }

    #[test]
    fn capacity_and_sizes_are_bounded() {
        let cache = PageCache::default();
        for i in 0..CAPACITY + 5 {
            cache.put(1, Some(&format!("page={i}")), "h", &page("x"));
        }
        assert_eq!(cache.len(), CAPACITY);
        assert!(
            cache.get(1, Some("page=0"), "h").is_none(),
            "the oldest went"
        );
        assert!(
            cache
                .get(1, Some(&format!("page={}", CAPACITY + 4)), "h")
                .is_some()
        );

        let cache = PageCache::default();
        cache.put(1, Some(&"q".repeat(MAX_KEY + 1)), "", &page("x"));
        cache.put(1, Some("big"), "h", &page(&"x".repeat(MAX_BODY + 1)));
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn an_invalid_link_is_left_out() {
        let page = RenderedPage::new(b"{}".to_vec(), "bad\nvalue");
        assert!(page.response().headers().get(LINK).is_none());
    }
}
