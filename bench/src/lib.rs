//! Measurements of `people-mock` and `people-sdk`, shared by the `people-bench`
//! program (which `bench/run.sh` drives) and the criterion benches.
//!
//! Every function here talks to servers on `127.0.0.1` only.
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), people_bench::BoxError> {
//! let http = people_bench::plain_http_client()?;
//! let took = people_bench::start_to_first_request(&http).await?;
//! println!("started and answered in {took:?}");
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

use std::time::{Duration, Instant};

use people_mock::{PeopleMock, PeopleMockBuilder};
use serde::Deserialize;

/// The error type of every fallible function here.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The lname every single-person measurement reads.
pub const LNAME: &str = "Farrell";

/// A builder for a mock whose rate limit never gets in the way of a measurement
/// (`u32::MAX` requests an hour); every other setting is the default.
pub fn unthrottled_mock() -> PeopleMockBuilder {
    PeopleMock::builder().rate_limit(u32::MAX, Duration::from_secs(3600))
}

/// An HTTP client with no connection reuse across servers and no redirects.
pub fn plain_http_client() -> Result<reqwest::Client, BoxError> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// Starts a mock with every default and waits for its first answer (`GET /__mock/`,
/// `200`); returns the time from the call to `start` to the end of that answer.
/// The mock is shut down afterwards, outside the measured time.
pub async fn start_to_first_request(http: &reqwest::Client) -> Result<Duration, BoxError> {
    let started = Instant::now();
    let mock = PeopleMock::start().await;
    let response = http.get(format!("{}/__mock/", mock.uri())).send().await?;
    let status = response.status();
    let _ = response.bytes().await?;
    let took = started.elapsed();
    if !status.is_success() {
        return Err(format!("the first request answered {status}").into());
    }
    mock.shutdown().await;
    Ok(took)
}

/// Gets an access token by client credentials from the server at `origin`
/// (`http://127.0.0.1:PORT`) for the default demo client.
pub async fn fetch_token(http: &reqwest::Client, origin: &str) -> Result<String, BoxError> {
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
    }
    let response = http
        .post(format!("{origin}/api/v1/oauth/token"))
        .basic_auth(
            people_mock::DEMO_CLIENT_ID,
            Some(people_mock::DEMO_CLIENT_SECRET),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("the token endpoint answered {}", response.status()).into());
    }
    let token: Token = serde_json::from_slice(&response.bytes().await?)?;
    Ok(token.access_token)
}

/// A person as a hand-written client would decode it.
#[derive(Debug, Clone, Deserialize)]
pub struct RawPerson {
    /// First name.
    pub fname: String,
    /// Last name.
    pub lname: String,
    /// RFC 3339 time of the last change, as sent.
    pub timestamp: String,
}

/// One `GET /people/{lname}` with reqwest and serde_json alone: the bearer
/// token, a status check, the `ETag` and the decoded body.
pub async fn raw_get(
    http: &reqwest::Client,
    url: &str,
    token: &str,
) -> Result<(RawPerson, Option<String>), BoxError> {
    let response = http.get(url).bearer_auth(token).send().await?;
    if !response.status().is_success() {
        return Err(format!("GET {url} answered {}", response.status()).into());
    }
    let etag = response
        .headers()
        .get(http::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let person: RawPerson = serde_json::from_slice(&response.bytes().await?)?;
    Ok((person, etag))
}

/// An SDK client for `mock` with the demo credentials and the SDK's defaults.
pub fn sdk_client(mock: &PeopleMock) -> Result<people_sdk::Client, BoxError> {
    Ok(people_sdk::Client::builder()
        .base_url(mock.base_url())
        .client_credentials(mock.client_id(), mock.client_secret())
        .build()?)
}

/// The median of `samples` (the mean of the two middle ones for an even count);
/// 0 when there is none.
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The `q` quantile (0 to 1) of `samples` by the nearest rank; 0 when there is none.
pub fn quantile(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A field of `/proc/self/status` in KiB, such as `VmHWM` (peak resident set)
/// or `VmRSS`; `None` where there is no such file or field.
pub fn own_status_kib(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    status_field_kib(&text, field)
}

/// A field of a `/proc/PID/status` text in KiB.
pub fn status_field_kib(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_quantiles() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&samples, 0.9), 90.0);
        assert_eq!(quantile(&samples, 0.0), 1.0);
        assert_eq!(quantile(&samples, 1.0), 100.0);
    }

    #[test]
    fn status_fields() {
        let text = "Name:\tx\nVmHWM:\t   12345 kB\nVmRSS:\t  100 kB\n";
        assert_eq!(status_field_kib(text, "VmHWM"), Some(12345));
        assert_eq!(status_field_kib(text, "VmRSS"), Some(100));
        assert_eq!(status_field_kib(text, "VmSwap"), None);
        assert!(own_status_kib("VmRSS").is_some_and(|kib| kib > 0));
    }
}
