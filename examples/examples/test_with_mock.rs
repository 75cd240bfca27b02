//! Testing your own code against `PeopleMock`: one mock per test, faults injected on demand,
//! people from a fixture, and a clock the test moves (a token expires without sleeping).
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

    use people_mock::{Clock, Fault, Fixture};

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

    /// The people the test needs, instead of the seeds (a file works too:
    /// `Fixture::from_file("tests/people.json")`).
    #[tokio::test]
    async fn greets_people_from_a_fixture() {
        let fixture = Fixture::from_json(
            r#"{"people": [{"fname": "Ada", "lname": "Lovelace", "timestamp": "1843-07-01T00:00:00Z"}]}"#,
        )
        .expect("a valid fixture");
        let mock = PeopleMock::builder().data(fixture).start().await;
        let client = client_for(&mock).await;
        assert_eq!(greeting(&client, "Lovelace").await.unwrap(), "Hello, Ada!");
        assert!(
            greeting(&client, "Farrell")
                .await
                .unwrap_err()
                .is_not_found()
        );
    }

    /// A mock whose time stands at 2030-01-01T00:00:00Z until the test moves it.
    async fn on_a_manual_clock() -> PeopleMock {
        PeopleMock::builder()
            .clock(Clock::manual("2030-01-01T00:00:00Z".parse().unwrap()))
            .start()
            .await
    }

    /// On a manual clock an hour passes at once: the mock refuses the expired token, the SDK
    /// renews it with its refresh token and replays the call. No sleeping.
    #[tokio::test]
    async fn keeps_working_when_the_token_expires() {
        let mock = on_a_manual_clock().await;
        let client = client_for(&mock).await;
        assert_eq!(greeting(&client, "Farrell").await.unwrap(), "Hello, Doug!");
        mock.advance(Duration::from_secs(2 * 3600));
        assert_eq!(greeting(&client, "Farrell").await.unwrap(), "Hello, Doug!");
        assert_eq!(mock.request_count("POST", "/api/v1/oauth/token"), 2);
        let statuses: Vec<u16> = mock
            .journal()
            .iter()
            .filter(|e| e.path == "/api/v1/people/Farrell")
            .map(|e| e.status)
            .collect();
        assert_eq!(statuses, [200, 401, 200]);
    }

    /// Timestamps come from the mock's clock: the same on every run of the test.
    #[tokio::test]
    async fn a_created_person_has_the_clock_s_time() {
        let mock = on_a_manual_clock().await;
        mock.advance(Duration::from_secs(90));
        let client = client_for(&mock).await;
        client
            .people()
            .create("Grace", "Hopper")
            .await
            .expect("created");
        let hopper = mock.person("Hopper").expect("stored");
        assert_eq!(hopper.timestamp.to_rfc3339(), "2030-01-01T00:01:30+00:00");
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
