//! A server given with `--base-url` and no credentials: when it says it is a people-mock
//! (`GET /__mock/config` on its origin answers with `"server": "people-mock"` and lists the demo
//! client), `people` uses that demo client, as it does with its embedded mock; any other server
//! still needs `--client-id` and `--client-secret`.

use std::time::Duration;

use serde_json::Value;

/// people-mock's demo client: the id and secret its banner, README and `/__mock/config` name.
const DEMO_CLIENT: (&str, &str) = ("demo-client", "demo-secret");

/// The demo client's credentials, when the server at `base_url` is a people-mock that has it.
pub async fn demo_client(base_url: &str, timeout: Duration) -> Option<(String, String)> {
    let base_url = reqwest::Url::parse(base_url).ok()?;
    let config = crate::mock_probe::config(&base_url, timeout).await?;
    is_people_mock_with_demo(&config).then(|| (DEMO_CLIENT.0.to_owned(), DEMO_CLIENT.1.to_owned()))
}

fn is_people_mock_with_demo(config: &Value) -> bool {
    config["server"] == "people-mock"
        && config["clients"]
            .as_array()
            .is_some_and(|clients| clients.iter().any(|c| c["client_id"] == DEMO_CLIENT.0))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_a_people_mock_with_its_demo_client_counts() {
        let mock = json!({"server": "people-mock", "clients": [{"client_id": "demo-client"}]});
        assert!(is_people_mock_with_demo(&mock));
        let without = json!({"server": "people-mock", "clients": [{"client_id": "robot"}]});
        assert!(!is_people_mock_with_demo(&without));
        let other = json!({"clients": [{"client_id": "demo-client"}]});
        assert!(!is_people_mock_with_demo(&other));
    }
}
