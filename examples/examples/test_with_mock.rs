//! Testing your own code against `PeopleMock`: one mock per test, faults injected on demand.
//!
//! `cargo test -p people-examples --example test_with_mock` runs the tests below;
//! `cargo run -p people-examples --example test_with_mock` runs `main`.

use people_mock::PeopleMock;
use people_sdk::Client;

/// The code under test: greets a person by first name.
async fn greeting(client: &Client, lname: &str) -> Result<String, people_sdk::Error> {
    let person = client.person(lname).get().await?;
    Ok(format!("Hello, {}!", person.fname.as_str()))
}

async fn client_for(mock: &PeopleMock) -> Client {
    Client::builder()
        .base_url(mock.base_url().as_str())
        .client_credentials(mock.client_id(), mock.client_secret())
        .build()
        .expect("valid settings")
}

#[tokio::main]
async fn main() {
    let mock = PeopleMock::start().await;
    let client = client_for(&mock).await;
    println!(
        "{}",
        greeting(&client, "Farrell").await.expect("Farrell exists")
    );
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use people_mock::Fault;

    use super::*;

    #[tokio::test]
    async fn greets_by_first_name() {
        let mock = PeopleMock::start().await;
        let client = client_for(&mock).await;
        assert_eq!(greeting(&client, "Brockman").await.unwrap(), "Hello, Kent!");
    }

    #[tokio::test]
    async fn survives_a_brief_outage() {
        let mock = PeopleMock::start().await;
        // The next two GETs of Farrell answer 503 with Retry-After: 0; the SDK retries.
        mock.inject(
            Fault::status(503)
                .retry_after(Duration::ZERO)
                .method("GET")
                .path("/api/v1/people/Farrell")
                .times(2),
        );
        let client = client_for(&mock).await;
        assert_eq!(greeting(&client, "Farrell").await.unwrap(), "Hello, Doug!");
        assert_eq!(mock.request_count("GET", "/api/v1/people/Farrell"), 3);
    }

    #[tokio::test]
    async fn reports_a_missing_person() {
        let mock = PeopleMock::start().await;
        let client = client_for(&mock).await;
        assert!(
            greeting(&client, "Nobody")
                .await
                .unwrap_err()
                .is_not_found()
        );
    }
}
