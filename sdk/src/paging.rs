//! Listing people: [`ListPeople`], [`Page`] and the page streams.
//!
//! `GET /people` answers one page at a time with `meta.pagination` (`total`, `count`,
//! `per_page`, `current_page`, `total_pages`, `links`). [`ListPeople`] gives you:
//!
//! * [`send`](ListPeople::send), or `.await` on the builder: one [`Page`];
//! * [`pages`](ListPeople::pages): a stream of whole pages, from the first asked for to the last;
//! * [`stream`](ListPeople::stream): a stream of every [`Person`] on those pages;
//! * [`collect_all`](ListPeople::collect_all): all of them in a `Vec`.
//!
//! Streams follow `meta.pagination`: after page `n` they fetch page `n + 1` while
//! `n < total_pages`, so they work behind proxies that rewrite the absolute links. They stop at
//! the first error, which they yield as their last item. Streams are `'static`, `Send` and
//! `Unpin`: keep them, move them to tasks, call `.next().await` on them directly.
//!
//! **Read-ahead.** With [`read_ahead(k)`](ListPeople::read_ahead) (or the client's
//! [`ClientBuilder::read_ahead`](crate::ClientBuilder::read_ahead)), once the first page has told
//! `total_pages`, up to `k` of the following pages are fetched at once. Pages and people still
//! come out in order, and the stream still ends at the first error. The default is 1 (off): it
//! costs nothing when you stop early, and it sees people added or removed while it runs. With
//! read-ahead, the number of pages is fixed by the first page.
//!
//! ```
//! use futures::TryStreamExt;
//! use people_sdk::types::{SortBy, SortOrder};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = people_mock::PeopleMock::start().await;
//! # let client = people_sdk::Client::builder()
//! #     .base_url(mock.base_url())
//! #     .client_credentials(mock.client_id(), mock.client_secret())
//! #     .build()?;
//! // One page.
//! let page = client.people().list().per_page(2).await?;
//! println!("{} of {} people", page.items().len(), page.total());
//!
//! // Everybody, newest first, 100 a page, 4 pages in flight.
//! let mut people = client
//!     .people()
//!     .list()
//!     .sortby(SortBy::Timestamp)
//!     .order(SortOrder::Desc)
//!     .per_page(100)
//!     .read_ahead(4)
//!     .stream();
//! while let Some(person) = people.try_next().await? {
//!     println!("{} {}", person.fname.as_str(), person.lname.as_str());
//! }
//! # Ok(())
//! # }
//! ```

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use http::{HeaderMap, Method};
use url::Url;

use crate::client::Client;
use crate::error::Error;
use crate::people::{CallFuture, People, into_future};
use crate::rate_limit::RateLimit;
use crate::route;
use crate::transport::Call;
use crate::types::{Pagination, PeoplePage, Person, SortBy, SortOrder};

/// One page of people with where it stands among all pages.
#[derive(Clone, Debug)]
pub struct Page<T = Person> {
    items: Vec<T>,
    pagination: Pagination,
    links: PageLinks,
    rate_limit: Option<RateLimit>,
}

impl<T> Page<T> {
    /// The items on this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Takes the items out.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The page's `meta.pagination`, as the server sent it.
    pub fn pagination(&self) -> &Pagination {
        &self.pagination
    }

    /// This page's number, from 1.
    pub fn current_page(&self) -> u64 {
        self.pagination.current_page.get()
    }

    /// The number of pages (0 when nobody matches).
    pub fn total_pages(&self) -> u64 {
        u64::try_from(self.pagination.total_pages).unwrap_or(0)
    }

    /// The number of items on all pages.
    pub fn total(&self) -> u64 {
        u64::try_from(self.pagination.total).unwrap_or(0)
    }

    /// The page size asked for.
    pub fn per_page(&self) -> u64 {
        self.pagination.per_page.get()
    }

    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        self.current_page() < self.total_pages()
    }

    /// The number of the next page, if there is one.
    pub fn next_page(&self) -> Option<u64> {
        self.has_next().then(|| self.current_page() + 1)
    }

    /// The links of the `Link` header (RFC 8288).
    pub fn links(&self) -> &PageLinks {
        &self.links
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The links of a page's `Link` header: `next` and `prev` where such pages exist, `first` and
/// `last` always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageLinks {
    /// `rel="next"`.
    pub next: Option<Url>,
    /// `rel="prev"` (or `rel="previous"`).
    pub prev: Option<Url>,
    /// `rel="first"`.
    pub first: Option<Url>,
    /// `rel="last"`.
    pub last: Option<Url>,
}

impl PageLinks {
    /// Parses the `Link` headers (RFC 8288); unknown relations and malformed links are skipped.
    pub fn from_headers(headers: &HeaderMap) -> PageLinks {
        let mut links = PageLinks::default();
        for value in headers.get_all(http::header::LINK) {
            let Ok(value) = value.to_str() else { continue };
            for (target, rels) in parse_link_header(value) {
                let Ok(url) = Url::parse(&target) else {
                    continue;
                };
                for rel in rels.split_ascii_whitespace() {
                    let slot = match rel.to_ascii_lowercase().as_str() {
                        "next" => &mut links.next,
                        "prev" | "previous" => &mut links.prev,
                        "first" => &mut links.first,
                        "last" => &mut links.last,
                        _ => continue,
                    };
                    slot.get_or_insert_with(|| url.clone());
                }
            }
        }
        links
    }
}

/// Splits a `Link` header value into `(target, rel)` pairs.
fn parse_link_header(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let Some(close_rel) = rest[open..].find('>') else {
            break;
        };
        let close = open + close_rel;
        let target = rest[open + 1..close].trim().to_owned();
        rest = &rest[close + 1..];
        // Parameters run to the next comma outside quotes.
        let mut end = rest.len();
        let mut quoted = false;
        for (i, c) in rest.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let params = &rest[..end];
        rest = &rest[end..];
        let rel = params.split(';').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("rel")
                .then(|| v.trim().trim_matches('"').to_owned())
        });
        if let Some(rel) = rel {
            out.push((target, rel));
        }
    }
    out
}

// The entry point lives with the listing, so that `people` need not import this module: imports
// go one way, from a resource to its parent.
impl People {
    /// Lists people, a page at a time or as a stream: see [`ListPeople`].
    pub fn list(&self) -> ListPeople {
        ListPeople::new(self.client().clone())
    }
}

/// Lists people; from [`People::list`](crate::People::list). See the [module
/// documentation](self).
///
/// Every setting is optional; the server's defaults are page 1, 20 a page, sorted by `lname`
/// ascending, no filter. Invalid values (`page(0)`, `per_page(0)` or over 100, an empty or
/// over-long filter) are refused before sending with
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest).
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until it is awaited or `send`, `pages`, `stream` or `collect_all` is used"]
pub struct ListPeople {
    client: Client,
    page: u64,
    per_page: Option<u64>,
    sortby: Option<SortBy>,
    order: Option<SortOrder>,
    fname: Option<String>,
    lname: Option<String>,
    read_ahead: Option<usize>,
}

impl ListPeople {
    pub(crate) fn new(client: Client) -> Self {
        ListPeople {
            client,
            page: 1,
            per_page: None,
            sortby: None,
            order: None,
            fname: None,
            lname: None,
            read_ahead: None,
        }
    }

    /// The page to get (from 1; default 1). Streams start there.
    pub fn page(mut self, page: u64) -> Self {
        self.page = page;
        self
    }

    /// People per page, 1 to 100 (server default 20).
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// The field to sort by (server default `lname`); ties are broken by `lname` ascending.
    pub fn sortby(mut self, sortby: SortBy) -> Self {
        self.sortby = Some(sortby);
        self
    }

    /// The sort order (server default ascending).
    pub fn order(mut self, order: SortOrder) -> Self {
        self.order = Some(order);
        self
    }

    /// Only people with exactly this first name.
    pub fn fname(mut self, fname: impl Into<String>) -> Self {
        self.fname = Some(fname.into());
        self
    }

    /// Only the person with exactly this last name.
    pub fn lname(mut self, lname: impl Into<String>) -> Self {
        self.lname = Some(lname.into());
        self
    }

    /// Fetch up to `pages` pages at once in [`pages`](Self::pages), [`stream`](Self::stream) and
    /// [`collect_all`](Self::collect_all), once the number of pages is known; 1 turns read-ahead
    /// off. Default: the client's ([`ClientBuilder::read_ahead`](crate::ClientBuilder::read_ahead),
    /// itself 1).
    pub fn read_ahead(mut self, pages: usize) -> Self {
        self.read_ahead = Some(pages.max(1));
        self
    }

    fn validate(&self) -> Result<(), Error> {
        if self.page == 0 {
            return Err(Error::invalid_request("page numbers start at 1"));
        }
        if let Some(n) = self.per_page
            && !(1..=100).contains(&n)
        {
            return Err(Error::invalid_request(format!(
                "per_page must be from 1 to 100, not {n}"
            )));
        }
        for (name, value) in [("fname", &self.fname), ("lname", &self.lname)] {
            if let Some(v) = value {
                let chars = v.chars().count();
                if !(1..=64).contains(&chars) {
                    return Err(Error::invalid_request(format!(
                        "the {name} filter must be 1 to 64 characters long"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Fetches page number `page` with this builder's settings.
    async fn fetch(&self, page: u64) -> Result<Page, Error> {
        self.validate()?;
        let mut url = self.client.url(&["people"])?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("page", &page.to_string());
            if let Some(n) = self.per_page {
                query.append_pair("per_page", &n.to_string());
            }
            if let Some(s) = self.sortby {
                query.append_pair("sortby", &s.to_string());
            }
            if let Some(o) = self.order {
                query.append_pair("order", &o.to_string());
            }
            if let Some(f) = &self.fname {
                query.append_pair("fname", f);
            }
            if let Some(l) = &self.lname {
                query.append_pair("lname", l);
            }
        }
        let call = Call::new("list_people", route::PEOPLE, Method::GET, url).accept_json();
        let (body, (links, rate_limit)) = self
            .client
            .transport()
            .json_with::<PeoplePage, _>(call, "page of people", |resp| {
                (PageLinks::from_headers(resp.headers()), RateLimit::of(resp))
            })
            .await?;
        Ok(Page {
            items: body.data,
            pagination: body.meta.pagination,
            links,
            rate_limit,
        })
    }

    /// Fetches one page (the one set with [`page`](Self::page), default 1); the same as
    /// awaiting the builder.
    pub async fn send(self) -> Result<Page, Error> {
        self.fetch(self.page).await
    }

    /// A stream of pages, from [`page`](Self::page) to the last, in order, ending at the first
    /// error.
    pub fn pages(self) -> BoxStream<'static, Result<Page, Error>> {
        let k = self
            .read_ahead
            .unwrap_or_else(|| self.client.default_read_ahead())
            .max(1);
        let start = self.page;
        let pages = if k == 1 {
            sequential(self, start)
        } else {
            read_ahead(self, start, k)
        };
        stop_after_error(pages)
    }

    /// A stream of every person on every page from [`page`](Self::page) on, in order, ending
    /// at the first error.
    pub fn stream(self) -> BoxStream<'static, Result<Person, Error>> {
        self.pages()
            .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every person on every page from [`page`](Self::page) on, or the first error.
    pub async fn collect_all(self) -> Result<Vec<Person>, Error> {
        self.stream().try_collect().await
    }
}

into_future!(ListPeople, Page);

/// Pages one after the other, re-reading `total_pages` from each.
fn sequential(list: ListPeople, start: u64) -> BoxStream<'static, Result<Page, Error>> {
    stream::unfold(Some(start), move |next| {
        let list = list.clone();
        async move {
            let number = next?;
            match list.fetch(number).await {
                Ok(page) => {
                    let more = number < page.total_pages() && !page.items().is_empty();
                    let next = if more { number.checked_add(1) } else { None };
                    Some((Ok(page), next))
                }
                Err(err) => Some((Err(err), None)),
            }
        }
    })
    .boxed()
}

/// The first page, then up to `k` of the following pages in flight at once, in order.
fn read_ahead(list: ListPeople, start: u64, k: usize) -> BoxStream<'static, Result<Page, Error>> {
    let first_list = list.clone();
    stream::once(async move { first_list.fetch(start).await })
        .flat_map(move |first| match first {
            Err(err) => stream::iter([Err(err)]).boxed(),
            Ok(page) => {
                let total = page.total_pages();
                let list = list.clone();
                let rest = if page.items().is_empty() || start >= total {
                    stream::empty().boxed()
                } else {
                    stream::iter(start + 1..=total)
                        .map(move |n| {
                            let list = list.clone();
                            async move { list.fetch(n).await }
                        })
                        .buffered(k)
                        .boxed()
                };
                stream::iter([Ok(page)]).chain(rest).boxed()
            }
        })
        .boxed()
}

/// Ends a stream right after its first error (dropping any fetch still in flight).
fn stop_after_error<T: Send + 'static>(
    s: BoxStream<'static, Result<T, Error>>,
) -> BoxStream<'static, Result<T, Error>> {
    s.scan(false, |failed, item| {
        let out = if *failed {
            None
        } else {
            *failed = item.is_err();
            Some(item)
        };
        futures::future::ready(out)
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_is_parsed() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::LINK,
            r#"<http://h/api/v1/people?page=2&per_page=1>; rel="next", <http://h/api/v1/people?page=1&per_page=1>; rel="first", <http://h/api/v1/people?page=3&per_page=1>; rel=last"#
                .parse()
                .unwrap(),
        );
        let links = PageLinks::from_headers(&h);
        assert_eq!(links.next.unwrap().query(), Some("page=2&per_page=1"));
        assert_eq!(links.first.unwrap().query(), Some("page=1&per_page=1"));
        assert_eq!(links.last.unwrap().query(), Some("page=3&per_page=1"));
        assert!(links.prev.is_none());
    }

    use proptest::prelude::*;

    /// A page URL whose query may hold commas, semicolons and equals signs.
    fn page_url() -> impl Strategy<Value = String> {
        (1u64..1000, 1u64..101, "[a-z0-9,;=]{0,10}").prop_map(|(page, per_page, extra)| {
            format!("http://people.example/api/v1/people?page={page}&per_page={per_page}&q={extra}")
        })
    }

    /// A `rel` value: one relation, several, or one the SDK does not know.
    fn rel() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "next",
            "prev",
            "previous",
            "first",
            "last",
            "next last",
            "up",
        ])
        .prop_map(str::to_owned)
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_seed::config(256))]
        #[test]
        fn link_parsing_never_panics(value in "\\PC{0,200}") {
            let pairs = parse_link_header(&value);
            // Every link is one `<...>` of the value, with a `rel`.
            prop_assert!(pairs.len() <= value.matches('<').count());
            for (target, _) in &pairs {
                prop_assert!(value.contains(target.as_str()), "{target:?} not in {value:?}");
            }
        }

        #[test]
        fn link_headers_give_back_the_links_sent(
            links in prop::collection::vec((page_url(), rel()), 0..6),
            title in "[a-z ,;]{0,12}",
        ) {
            let value = links
                .iter()
                .map(|(url, rel)| format!("<{url}>; title=\"{title}\"; rel=\"{rel}\""))
                .collect::<Vec<_>>()
                .join(", ");
            prop_assert_eq!(parse_link_header(&value), links);
        }

        #[test]
        fn page_links_are_the_urls_of_their_relations(
            urls in prop::collection::vec(page_url(), 4),
            order in Just(vec![0usize, 1, 2, 3]).prop_shuffle(),
            previous in any::<bool>(),
        ) {
            let rels = ["next", if previous { "previous" } else { "prev" }, "first", "last"];
            let mut value: Vec<String> = order
                .iter()
                .map(|&i| format!("<{}>; rel={}", urls[i], rels[i]))
                .collect();
            value.push("<http://people.example/other>; rel=\"up\"".to_owned());
            let mut headers = HeaderMap::new();
            headers.insert(http::header::LINK, value.join(", ").parse().unwrap());
            let links = PageLinks::from_headers(&headers);
            let url = |i: usize| Some(Url::parse(&urls[i]).unwrap());
            prop_assert_eq!(links.next, url(0));
            prop_assert_eq!(links.prev, url(1));
            prop_assert_eq!(links.first, url(2));
            prop_assert_eq!(links.last, url(3));
        }
    }

    #[test]
    fn link_header_garbage_is_skipped() {
        for junk in [
            "",
            "<",
            ">",
            "<>; rel=next",
            "<http://h/>",
            "<http://h/>; rel=\"a,b\", <x>; rel=next",
            ",,,",
        ] {
            let mut h = HeaderMap::new();
            h.insert(http::header::LINK, junk.parse().unwrap());
            let _ = PageLinks::from_headers(&h);
        }
        assert_eq!(
            parse_link_header(r#"<http://a/?q=1,2>; title="x, y"; rel="prev""#),
            vec![("http://a/?q=1,2".to_owned(), "prev".to_owned())]
        );
    }
}
