//! Tokens are fetched lazily, cached, and renewed ahead of expiry: with a 2-second token
//! lifetime, a few calls spread over 5 seconds cause several token requests and no failure.
//!
//! `cargo run -p people-examples --example token_refresh`

use std::time::Duration;

use people_mock::PeopleMock;
use people_sdk::Client;

#[tokio::main]
async fn main() -> Result<(), people_sdk::Error> {
    let mock = PeopleMock::builder()
        .token_ttl(Duration::from_secs(2))
        .start()
        .await;
    let client = Client::builder()
        .base_url(mock.base_url().as_str())
        .client_credentials(mock.client_id(), mock.client_secret())
        .build()?;

    for second in 0..5 {
        let farrell = client.person("Farrell").get().await?;
        let info = client.token_info().await?;
        println!(
            "t={second}s: {} {}, token valid for {:?} more",
            farrell.fname.as_str(),
            farrell.lname.as_str(),
            info.expires_in.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }

    // The server can also revoke every token early: the SDK sees 401 invalid_token,
    // renews its token once and replays the call.
    mock.expire_tokens();
    let page = client.people().list().send().await?;
    println!("after expiring all tokens: {} people listed", page.total());

    let requests = mock.request_count("POST", "/api/v1/oauth/token");
    println!("token requests made: {requests}");
    Ok(())
}
