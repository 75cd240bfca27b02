//! Quick start: build a client, create a person, read it back, list everyone.
//!
//! Runs against an embedded mock server; set PEOPLE_BASE_URL, PEOPLE_CLIENT_ID and
//! PEOPLE_CLIENT_SECRET to use a real server instead.
//!
//! `cargo run -p people-examples --example quick_start`

use people_mock::PeopleMock;
use people_sdk::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the mock alive for as long as the client talks to it.
    let (mock, base_url, id, secret) = match std::env::var("PEOPLE_BASE_URL") {
        Ok(url) => (
            None,
            url,
            std::env::var("PEOPLE_CLIENT_ID")?,
            std::env::var("PEOPLE_CLIENT_SECRET")?,
        ),
        Err(_) => {
            let mock = PeopleMock::start().await;
            let (url, id, secret) = (
                mock.base_url().to_string(),
                mock.client_id().to_owned(),
                mock.client_secret().to_owned(),
            );
            (Some(mock), url, id, secret)
        }
    };

    let client = Client::builder()
        .base_url(&base_url)
        .client_credentials(id, secret)
        .build()?;

    let created = client.people().create("Homer", "Simpson").await?;
    println!("created at {}", created.location().unwrap_or("?"));

    let homer = client.person("Simpson").get().await?;
    println!(
        "{} {} (ETag {:?})",
        homer.fname.as_str(),
        homer.lname.as_str(),
        homer.etag()
    );

    for person in client.people().list().per_page(100).collect_all().await? {
        println!("- {} {}", person.fname.as_str(), person.lname.as_str());
    }
    drop(mock);
    Ok(())
}
