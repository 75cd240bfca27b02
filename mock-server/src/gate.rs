//! The checks every request passes before it is served, over a socket or handed to the router
//! (see [`entry`](crate::entry)), and the CORS headers put on its answer.
//!
//! In order: the request head's limits ([`request_limits`](crate::request_limits)), its `Host`
//! ([`host_guard`](crate::host_guard)), the admin surface's guard
//! ([`admin_guard`](crate::admin_guard)) and CORS preflights ([`cors`](crate::cors)). A refusal
//! is the API's JSON error, without a body to `HEAD`.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{Method, Request};

use crate::net_config::NetConfig;
use crate::{admin_guard, cors, host_guard, request_limits};

/// What a request needs after it was let through: the origin to answer CORS for.
pub(crate) struct Passed {
    cors_origin: Option<Option<String>>,
}

impl Passed {
    /// Puts the CORS headers on the answer to an API request.
    pub(crate) fn finish(self, mut response: Response, net: &NetConfig) -> Response {
        if let Some(origin) = self.cors_origin {
            cors::decorate(&mut response, origin.as_deref(), net);
        }
        response
    }
}

/// The answer to a request that must not be served, or what serving it needs. `from_wire`
/// says the request came over a socket, where HTTP/1.1 requires a `Host`.
pub(crate) fn check<B>(
    req: &Request<B>,
    net: &NetConfig,
    from_wire: bool,
) -> Result<Passed, Box<Response>> {
    let refusal = |response: Response| {
        Box::new(if req.method() == Method::HEAD {
            let (parts, _) = response.into_parts();
            Response::from_parts(parts, Body::empty())
        } else {
            response
        })
    };
    let checked = request_limits::check(req)
        .and_then(|()| host_guard::check(req, &net.allowed_hosts, from_wire))
        .and_then(|authority| {
            if crate::routes::is_admin_path(req.uri().path()) {
                admin_guard::check(req, authority.as_ref(), net)?;
            }
            Ok(())
        });
    if let Err(error) = checked {
        return Err(refusal(error.into_response()));
    }
    if let Some(response) = cors::preflight(req, net) {
        return Err(refusal(response));
    }
    Ok(Passed {
        cors_origin: cors::request_origin(req),
    })
}
