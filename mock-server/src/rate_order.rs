//! Where the rate limit sits in the order of checks of a `/people…` request:
//!
//! route (`404`, `405`) → token (`401`) → rate limit (`429`) → scope (`403`) → the rest.
//!
//! A request counts against its client's window exactly when it reaches the rate check, that
//! is when it names a route and method that exist and carries a valid token; any request that
//! counts may be refused with `429`. A request answered before the check (`404`, `405`, `401`)
//! counts against no one: it carries its client's window as it stands, or a full window when it
//! has no valid token (there is no client to count it against). The rate limiter therefore holds
//! one window per configured client, whatever the traffic.

use http::HeaderMap;

use crate::rate_limit::RateStatus;
use crate::state::MockState;

/// `client:{id}`, the rate-limit key of a client.
pub(crate) fn client_key(id: &str) -> String {
    let mut key = String::with_capacity("client:".len() + id.len());
    key.push_str("client:");
    key.push_str(id);
    key
}

/// The rate-limit state a request answered before the rate check reports, without counting it.
pub(crate) fn uncounted(state: &MockState, headers: &HeaderMap) -> RateStatus {
    match state.inner.tokens.authenticate(headers) {
        Ok(principal) => state.inner.rate.peek(&client_key(&principal.client_id)),
        Err(_) => state.inner.rate.full(),
    }
}
