//! `people token`: who you are, your scopes and the token's expiry.

use people_sdk::TokenSource;
use serde_json::json;

use crate::context::Context;
use crate::failure::Failure;

/// `people token`.
pub async fn token(ctx: &Context, show_token: bool) -> Result<(), Failure> {
    let token = ctx.credentials.token().await?;
    let mut record = json!({
        "client_id": ctx.client_id,
        "token_url": ctx.credentials.token_url().as_str(),
        "scopes": token.scopes().join(" "),
        "expires_in_seconds": token.expires_in().map(|left| left.as_secs()),
    });
    if show_token && let Some(object) = record.as_object_mut() {
        object.insert("access_token".to_owned(), json!(token.expose_secret()));
    }
    ctx.printer.record(&record);
    Ok(())
}
