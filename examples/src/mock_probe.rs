//! Whether the server is a people-mock, and its settings: its `GET /__mock/config`.
//!
//! The admin surface sits at the server's root, beside `/api/v1/`. A server that does not
//! answer it with a JSON object is taken not to be a people-mock; nothing else is inferred. A
//! people-mock off loopback may require an admin token, which `people` does not have: such a
//! server counts as "not a people-mock" here, which errs on the side of asking.

use std::time::Duration;

use serde_json::Value;

/// The server's `/__mock/config`, or `None` when it has none (or cannot be asked).
pub async fn config(base_url: &reqwest::Url, timeout: Duration) -> Option<Value> {
    let url = base_url.join("/__mock/config").ok()?;
    let client = reqwest::Client::builder().timeout(timeout).build().ok()?;
    let response = client.get(url).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let config: Value = response.json().await.ok()?;
    config.get("limits").is_some().then_some(config)
}
