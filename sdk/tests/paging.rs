//! Paging against the mock: single pages, streams of pages and people, read-ahead order,
//! sorting and filters, and streams that stop at the first error.

mod support;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use people_mock::Fault;
use people_sdk::types::{SortBy, SortOrder};
use support::{client, client_builder, mock, mock_builder, within};

#[tokio::test]
async fn one_page_with_its_metadata_and_links() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        let page = client
            .people()
            .list()
            .per_page(1)
            .page(2)
            .send()
            .await
            .unwrap();
        assert_eq!(page.items().len(), 1);
        assert_eq!(page.items()[0].lname.as_str(), "Easter");
        assert_eq!(
            (
                page.current_page(),
                page.total_pages(),
                page.total(),
                page.per_page()
            ),
            (2, 3, 3, 1)
        );
        assert!(page.has_next());
        assert_eq!(page.next_page(), Some(3));
        let links = page.links();
        assert!(
            links
                .next
                .as_ref()
                .unwrap()
                .query()
                .unwrap()
                .contains("page=3")
        );
        assert!(
            links
                .prev
                .as_ref()
                .unwrap()
                .query()
                .unwrap()
                .contains("page=1")
        );
        assert!(links.first.is_some() && links.last.is_some());
        assert!(page.pagination().links.next.is_some());
        assert!(page.rate_limit().is_some());

        // Past the last page: empty, not an error.
        let page = client.people().list().page(9).send().await.unwrap();
        assert!(page.items().is_empty());
        assert!(!page.has_next());
    })
    .await;
}

#[tokio::test]
async fn awaiting_the_builder_sends_it() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        let page = client.people().list().per_page(1).page(3).await.unwrap();
        let names: Vec<&str> = page.items().iter().map(|p| p.lname.as_str()).collect();
        assert_eq!(names, ["Farrell"]);
        assert_eq!((page.current_page(), page.total_pages()), (3, 3));

        let err = client.people().list().per_page(0).await.unwrap_err();
        assert!(err.is_invalid_request(), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn streams_cover_every_page_in_order() {
    within(async {
        let mock = mock_builder().people(247).start().await;
        let client = client(&mock);
        let mut want: Vec<String> = mock.people().into_iter().map(|p| p.lname).collect();
        want.sort();
        assert_eq!(want.len(), 250);

        let people = client
            .people()
            .list()
            .per_page(7)
            .collect_all()
            .await
            .unwrap();
        let got: Vec<String> = people.iter().map(|p| p.lname.to_string()).collect();
        assert_eq!(got, want);

        let pages: Vec<_> = client
            .people()
            .list()
            .per_page(100)
            .pages()
            .try_collect()
            .await
            .unwrap();
        let numbers: Vec<u64> = pages.iter().map(|p| p.current_page()).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(pages.iter().map(|p| p.items().len()).sum::<usize>(), 250);

        // From a later page on.
        let rest = client
            .people()
            .list()
            .per_page(100)
            .page(3)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(rest.len(), 50);

        // Descending, by first name, filtered.
        let desc: Vec<String> = client
            .people()
            .list()
            .order(SortOrder::Desc)
            .per_page(50)
            .stream()
            .map_ok(|p| p.lname.to_string())
            .try_collect()
            .await
            .unwrap();
        let mut reversed = want.clone();
        reversed.reverse();
        assert_eq!(desc, reversed);
        let by_fname = client
            .people()
            .list()
            .sortby(SortBy::Fname)
            .fname("Doug")
            .collect_all()
            .await
            .unwrap();
        let names: Vec<(&str, &str)> = by_fname
            .iter()
            .map(|p| (p.fname.as_str(), p.lname.as_str()))
            .collect();
        assert_eq!(names, [("Doug", "Farrell")]);

        // By first name and by time, every element in the contract's order: the key, then
        // lname ascending for ties (first names repeat among the generated people).
        for (sortby, order) in [
            (SortBy::Fname, SortOrder::Asc),
            (SortBy::Fname, SortOrder::Desc),
            (SortBy::Timestamp, SortOrder::Desc),
        ] {
            let got: Vec<String> = client
                .people()
                .list()
                .sortby(sortby)
                .order(order)
                .per_page(50)
                .stream()
                .map_ok(|p| p.lname.to_string())
                .try_collect()
                .await
                .unwrap();
            let mut people = mock.people();
            people.sort_by(|a, b| {
                let key = match sortby {
                    SortBy::Fname => a.fname.cmp(&b.fname),
                    _ => a.timestamp.cmp(&b.timestamp),
                };
                let key = match order {
                    SortOrder::Desc => key.reverse(),
                    SortOrder::Asc => key,
                };
                key.then_with(|| a.lname.cmp(&b.lname))
            });
            let want: Vec<String> = people.into_iter().map(|p| p.lname).collect();
            assert_eq!(got, want, "{sortby:?} {order:?}");
        }

        // Nobody matches: one empty page, then the end.
        let none = client
            .people()
            .list()
            .lname("Nobody")
            .pages()
            .collect::<Vec<_>>()
            .await;
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].as_ref().unwrap().total_pages(), 0);
    })
    .await;
}

#[tokio::test]
async fn read_ahead_keeps_the_order() {
    within(async {
        let mock = mock_builder().people(497).start().await;
        // Uneven latency, so that later pages often finish first.
        mock.inject(
            Fault::delay(Duration::from_millis(5))
                .method("GET")
                .path("/api/v1/people"),
        );
        let client = client(&mock);
        let sequential: Vec<String> = client
            .people()
            .list()
            .per_page(9)
            .stream()
            .map_ok(|p| p.lname.to_string())
            .try_collect()
            .await
            .unwrap();
        for k in [2, 4, 8, 64] {
            let pages: Vec<u64> = client
                .people()
                .list()
                .per_page(9)
                .read_ahead(k)
                .pages()
                .map_ok(|p| p.current_page())
                .try_collect()
                .await
                .unwrap();
            assert_eq!(pages, (1..=56).collect::<Vec<u64>>(), "k = {k}");
            let people: Vec<String> = client
                .people()
                .list()
                .per_page(9)
                .read_ahead(k)
                .stream()
                .map_ok(|p| p.lname.to_string())
                .try_collect()
                .await
                .unwrap();
            assert_eq!(people, sequential, "k = {k}");
        }
        // The client's default read-ahead applies too.
        let eager = client_builder(&mock).read_ahead(4).build().unwrap();
        let all = eager
            .people()
            .list()
            .per_page(9)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(all.len(), 500);
    })
    .await;
}

#[tokio::test]
async fn streams_stop_at_the_first_error() {
    within(async {
        let mock = mock_builder().people(47).start().await;
        let client = client_builder(&mock).no_retry().build().unwrap();
        // Page 3 fails: the third GET of the list answers 500 once the first two went through.
        for read_ahead in [1, 3] {
            mock.clear_faults();
            let items: Vec<_> = {
                let mut pages = client
                    .people()
                    .list()
                    .per_page(10)
                    .read_ahead(read_ahead)
                    .pages();
                let first = pages.next().await.unwrap().unwrap();
                assert_eq!(first.current_page(), 1);
                if read_ahead == 1 {
                    let second = pages.next().await.unwrap().unwrap();
                    assert_eq!(second.current_page(), 2);
                }
                mock.inject(
                    Fault::status(500)
                        .method("GET")
                        .path("/api/v1/people")
                        .times(100),
                );
                pages.collect().await
            };
            let errors = items.iter().filter(|i| i.is_err()).count();
            assert_eq!(
                errors, 1,
                "read_ahead {read_ahead}: exactly one error, then the end"
            );
            let last = items.last().unwrap().as_ref().unwrap_err();
            assert_eq!(last.status().map(|s| s.as_u16()), Some(500));
        }
        mock.clear_faults();
        // A persons stream ends the same way.
        mock.inject(
            Fault::status(503)
                .retry_after(Duration::ZERO)
                .method("GET")
                .path("/api/v1/people"),
        );
        let items: Vec<_> = client.people().list().stream().collect().await;
        assert_eq!(items.len(), 1);
        assert!(items[0].as_ref().unwrap_err().is_unavailable());
    })
    .await;
}
