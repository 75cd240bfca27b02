//! The admin surface under /__mock/, over a real socket.

mod support;

use people_mock::PeopleMock;
use serde_json::{Value, json};
use support::*;

struct Admin {
    client: reqwest::Client,
    base: String,
}

impl Admin {
    fn new(mock: &PeopleMock) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: format!("{}/__mock", mock.uri()),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let resp = request.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, value)
    }
}

async fn list_status(mock: &PeopleMock, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}people", mock.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn index_config_and_people() {
    let mock = PeopleMock::builder()
        .client("robot", "robot-secret", &["people:read"])
        .start()
        .await;
    let admin = Admin::new(&mock);
    let (status, index) = admin.call(reqwest::Method::GET, "/", None).await;
    assert_eq!(status, 200);
    assert!(index["routes"].as_array().unwrap().len() >= 10);
    let (status, config) = admin.call(reqwest::Method::GET, "/config", None).await;
    assert_eq!(status, 200);
    assert_eq!(config["token_ttl_secs"], 3600);
    assert_eq!(config["rate_limit"]["requests"], 600);
    assert_eq!(config["limits"]["photo_bytes"], 5 * 1024 * 1024);
    let ids: Vec<&str> = config["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["demo-client", "reader", "robot"]);
    let text = config.to_string();
    assert!(
        !text.contains("secret\""),
        "no secrets in the config: {text}"
    );
    assert!(!text.contains("demo-secret") && !text.contains("robot-secret"));
    let (status, people) = admin.call(reqwest::Method::GET, "/people", None).await;
    assert_eq!(status, 200);
    assert_eq!(people["data"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn reset_restores_seed_data_and_forgets_tokens() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let resp = reqwest::Client::new()
        .delete(format!("{}people/Farrell", mock.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(mock.people().len(), 2);
    let admin = Admin::new(&mock);
    let (status, body) = admin
        .call(reqwest::Method::POST, "/reset", Some(json!({})))
        .await;
    assert_eq!((status, body), (200, json!({"reset": true})));
    assert_eq!(mock.people().len(), 3);
    assert_eq!(list_status(&mock, &token).await, 401);
}

#[tokio::test]
async fn expire_tokens_and_revoke() {
    let mock = PeopleMock::start().await;
    let admin = Admin::new(&mock);
    let token = socket_token(&mock).await;
    assert_eq!(list_status(&mock, &token).await, 200);
    let (status, body) = admin
        .call(reqwest::Method::POST, "/expire-tokens", Some(json!({})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["expired"], 2, "one access and one refresh token");
    assert_eq!(list_status(&mock, &token).await, 401);

    let token = socket_token(&mock).await;
    let (status, body) = admin
        .call(
            reqwest::Method::POST,
            "/revoke",
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!((status, body), (200, json!({"revoked": true})));
    assert_eq!(list_status(&mock, &token).await, 401);
    let (_, body) = admin
        .call(
            reqwest::Method::POST,
            "/revoke",
            Some(json!({"token": "nope"})),
        )
        .await;
    assert_eq!(body, json!({"revoked": false}));
    let (status, body) = admin
        .call(reqwest::Method::POST, "/revoke", Some(json!({})))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("validation_failed"))
    );
}

#[tokio::test]
async fn faults_add_list_get_delete_clear() {
    let mock = PeopleMock::start().await;
    let admin = Admin::new(&mock);
    let token = socket_token(&mock).await;
    let spec = json!({"kind":"status","status":503,"retry_after":1,"method":"GET","path":"/api/v1/people","times":2,"priority":1});
    let (status, fault) = admin
        .call(reqwest::Method::POST, "/faults", Some(spec))
        .await;
    assert_eq!(status, 201);
    assert_eq!(fault["kind"], "status");
    assert_eq!(fault["status"], 503);
    assert_eq!(fault["uses"], 0);
    let id = fault["id"].as_u64().unwrap();

    assert_eq!(list_status(&mock, &token).await, 503);
    let (status, listed) = admin.call(reqwest::Method::GET, "/faults", None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["data"][0]["uses"], 1);
    let (status, one) = admin
        .call(reqwest::Method::GET, &format!("/faults/{id}"), None)
        .await;
    assert_eq!((status, one["id"].as_u64()), (200, Some(id)));

    let (status, _) = admin
        .call(reqwest::Method::DELETE, &format!("/faults/{id}"), None)
        .await;
    assert_eq!(status, 204);
    let (status, body) = admin
        .call(reqwest::Method::DELETE, &format!("/faults/{id}"), None)
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("fault_not_found"))
    );
    assert_eq!(list_status(&mock, &token).await, 200);

    for spec in [
        json!({"kind":"delay","delay_ms":1}),
        json!({"kind":"drop","path":"/nowhere"}),
        json!({"kind":"malformed","status":200,"path":"/nowhere"}),
    ] {
        let (status, _) = admin
            .call(reqwest::Method::POST, "/faults", Some(spec))
            .await;
        assert_eq!(status, 201);
    }
    let (status, body) = admin.call(reqwest::Method::DELETE, "/faults", None).await;
    assert_eq!((status, body), (200, json!({"removed": 3})));
    assert!(mock.faults().is_empty());

    let (status, body) = admin
        .call(
            reqwest::Method::POST,
            "/faults",
            Some(json!({"kind":"teapot"})),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("validation_failed"))
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/__mock/faults", mock.uri()))
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn journal_read_and_clear() {
    let mock = PeopleMock::start().await;
    let admin = Admin::new(&mock);
    let token = socket_token(&mock).await;
    list_status(&mock, &token).await;
    let (status, journal) = admin.call(reqwest::Method::GET, "/journal", None).await;
    assert_eq!(status, 200);
    assert_eq!(journal["capacity"], 1000);
    let entries = journal["data"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["path"], "/api/v1/people");
    assert_eq!(entries[1]["status"], 200);
    let auth = entries[1]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "authorization")
        .unwrap();
    assert_eq!(auth[1], "[redacted]");
    assert!(!journal.to_string().contains(&token));
    let (status, body) = admin.call(reqwest::Method::DELETE, "/journal", None).await;
    assert_eq!((status, body), (200, json!({"removed": 2})));
    assert!(mock.journal().is_empty());
}

#[tokio::test]
async fn unknown_admin_routes_and_methods() {
    let mock = PeopleMock::start().await;
    let admin = Admin::new(&mock);
    let (status, body) = admin.call(reqwest::Method::GET, "/nope", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("route_not_found"))
    );
    let resp = reqwest::Client::new()
        .get(format!("{}/__mock/reset", mock.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
}
