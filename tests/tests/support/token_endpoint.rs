//! The token endpoint over a socket: raw answers, and grants for a client.

use people_mock::PeopleMock;
use reqwest::StatusCode;
use serde_json::Value;

/// A raw answer of the token endpoint.
pub async fn token_request(
    http: &reqwest::Client,
    mock: &PeopleMock,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = http
        .post(format!("{}oauth/token", mock.base_url()))
        .form(form)
        .send()
        .await
        .expect("the token endpoint answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// An access token and a refresh token for the client `id`, by the client credentials grant.
pub async fn grant(
    http: &reqwest::Client,
    mock: &PeopleMock,
    id: &str,
    secret: &str,
) -> (String, String) {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    let (status, body) = token_request(http, mock, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned(),
        body["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_owned(),
    )
}
