//! Measures the SDK against a local mock server: the overhead of one call over a raw
//! `reqwest` + `serde_json` call to the same route, and the time to stream 10,000 people with
//! and without read-ahead when every page takes 5 ms more.
//!
//! Run with `cargo run -p people-sdk --release --example overhead`.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use people_mock::{Fault, PeopleMock};
use people_sdk::types::Person;
use people_sdk::{Client, TokenSource};

const CALLS: usize = 2000;
const ROUNDS: usize = 5;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = PeopleMock::builder()
        .people(10_000 - 3)
        .rate_limit(10_000_000, Duration::from_secs(60))
        .journal(16)
        .start()
        .await;
    let token_url = mock.base_url().join("oauth/token")?;
    let creds =
        people_sdk::ClientCredentials::builder(token_url, mock.client_id(), mock.client_secret())
            .build()?;
    let token = creds.token().await?;
    let client = Client::builder()
        .base_url(mock.base_url())
        .token_source(creds.clone())
        .build()?;
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let url = mock.base_url().join("people/Farrell")?;
    let bearer = format!("Bearer {}", token.expose_secret());

    // Warm up both paths (connections, token).
    for _ in 0..200 {
        client.person("Farrell").get().await?;
        raw_get(&raw, &url, &bearer).await?;
    }

    let (mut sdk_total, mut raw_total) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..CALLS {
            client.person("Farrell").get().await?;
        }
        sdk_total += started.elapsed();
        let started = Instant::now();
        for _ in 0..CALLS {
            raw_get(&raw, &url, &bearer).await?;
        }
        raw_total += started.elapsed();
    }
    let n = (CALLS * ROUNDS) as f64;
    let sdk_us = sdk_total.as_secs_f64() * 1e6 / n;
    let raw_us = raw_total.as_secs_f64() * 1e6 / n;
    println!(
        "GET /people/Farrell, {} calls each, sequential:",
        CALLS * ROUNDS
    );
    println!("  sdk  {sdk_us:8.1} µs/call");
    println!("  raw  {raw_us:8.1} µs/call");
    println!(
        "  ratio sdk/raw {:.3} (+{:.1} µs/call)",
        sdk_us / raw_us,
        sdk_us - raw_us
    );

    // Streaming 10,000 people, 100 a page, each page 5 ms slower.
    mock.inject(
        Fault::delay(Duration::from_millis(5))
            .method("GET")
            .path("/api/v1/people"),
    );
    println!("streaming 10,000 people, per_page 100, +5 ms a page:");
    for k in [1, 2, 4, 8] {
        let started = Instant::now();
        let people: Vec<Person> = client
            .people()
            .list()
            .per_page(100)
            .read_ahead(k)
            .stream()
            .try_collect()
            .await?;
        assert_eq!(people.len(), 10_000);
        println!(
            "  read_ahead {k}: {:7.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(())
}

async fn raw_get(
    raw: &reqwest::Client,
    url: &url::Url,
    bearer: &str,
) -> Result<Person, Box<dyn std::error::Error>> {
    let resp = raw
        .get(url.clone())
        .header("authorization", bearer)
        .header("accept", "application/json")
        .send()
        .await?
        .error_for_status()?;
    let body = resp.bytes().await?;
    Ok(serde_json::from_slice(&body)?)
}
