//! Every person, page after page, as one stream; then the same with read-ahead.
//!
//! `cargo run -p people-examples --example list_all`

use futures::TryStreamExt;
use people_mock::PeopleMock;
use people_sdk::{Client, SortBy, SortOrder};

#[tokio::main]
async fn main() -> Result<(), people_sdk::Error> {
    // 250 generated people beside the three seeds.
    let mock = PeopleMock::builder().people(250).start().await;
    let client = Client::builder()
        .base_url(mock.base_url().as_str())
        .client_credentials(mock.client_id(), mock.client_secret())
        .build()?;

    // A stream of people: pages are fetched as the stream is polled.
    let mut people = client
        .people()
        .list()
        .per_page(50)
        .sortby(SortBy::Fname)
        .order(SortOrder::Desc)
        .stream();
    let mut count = 0;
    while let Some(person) = people.try_next().await? {
        if count < 3 {
            println!("{} {}", person.fname.as_str(), person.lname.as_str());
        }
        count += 1;
    }
    println!("... {count} people in all");

    // A stream of whole pages, with their metadata.
    let mut pages = client.people().list().per_page(100).pages();
    while let Some(page) = pages.try_next().await? {
        println!(
            "page {}/{}: {} people",
            page.current_page(),
            page.total_pages(),
            page.items().len()
        );
    }

    // Read-ahead: up to 4 pages in flight once the page count is known; order is kept.
    let all = client
        .people()
        .list()
        .per_page(20)
        .read_ahead(4)
        .collect_all()
        .await?;
    println!(
        "read ahead: {} people, first {}",
        all.len(),
        all[0].lname.as_str()
    );
    Ok(())
}
