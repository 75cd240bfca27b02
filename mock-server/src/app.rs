//! The axum router: routing and the `/people…` pipeline (authentication, rate limit, scope),
//! each request wrapped by [`observe`](crate::observe).

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use http::Method;

use crate::auth::{SCOPE_READ, SCOPE_WRITE};
use crate::errors::ApiError;
use crate::observe::{self, observed};
use crate::rate_limit::RateStatus;
use crate::respond::set_exact_length;
use crate::routes::{PEOPLE_PATH, Route};
use crate::state::MockState;
use crate::{admin, attachments, people, photo, spec, token_endpoint};

/// Builds the router of the pages, with every other request answered by [`serve_api`].
pub(crate) fn router(state: MockState) -> Router {
    // The demo page and the docs; without them their paths are unknown routes of the API.
    #[cfg(feature = "ui")]
    let pages = crate::ui::routes();
    #[cfg(not(feature = "ui"))]
    let pages = Router::new();
    // The layer observes the pages; set after it, the fallback is not wrapped (`serve_api`
    // observes what it answers).
    pages
        .layer(middleware::from_fn_with_state(
            state.clone(),
            observe::layer,
        ))
        .fallback(move |req: Request| serve_api(state.clone(), req))
}

/// Whether the server may answer `req` with [`serve_api`] without the router's matching:
/// the `/people…` routes, under which no page lies (the hot path of the server).
pub(crate) fn is_api_request<B>(req: &http::Request<B>) -> bool {
    req.method() != Method::CONNECT && req.uri().path().starts_with(PEOPLE_PATH)
}

/// The answer to a request that no page takes: observed, dispatched, and given a
/// `Content-Length` when the body's size is known, as the router's top level does.
pub(crate) async fn serve_api(state: MockState, req: Request) -> Response {
    let inner = state.clone();
    let response = observed(state, req, move |req| dispatch(State(inner), req)).await;
    let (mut parts, body) = response.into_parts();
    set_exact_length(&mut parts.headers, &body);
    Response::from_parts(parts, body)
}

/// The rate-limit headers of a request answered before the rate check (a `404`, `405` or
/// `401`): its client's window, not counted; a full window without a valid token.
fn uncounted_rate(state: &MockState, req: &Request) -> RateStatus {
    crate::rate_order::uncounted(state, req.headers())
}

fn with_rate(mut response: Response, rate: &RateStatus) -> Response {
    rate.apply(&mut response);
    response
}

/// Routes every request.
async fn dispatch(State(state): State<MockState>, req: Request) -> Response {
    let path = req.uri().path();
    let Some(route) = Route::parse(path) else {
        let response = ApiError::route_not_found().into_response();
        if path.starts_with(PEOPLE_PATH) {
            let rate = uncounted_rate(&state, &req);
            return with_rate(response, &rate);
        }
        return response;
    };
    if !route.methods().contains(req.method()) {
        if route == Route::Token {
            return token_endpoint::method_not_allowed();
        }
        let response = ApiError::method_not_allowed(&route.allow()).into_response();
        if route.is_people() {
            let rate = uncounted_rate(&state, &req);
            return with_rate(response, &rate);
        }
        return response;
    }
    match route {
        Route::Token => token_endpoint::handle(&state, req).await,
        Route::OpenApiYaml => spec::yaml(),
        Route::OpenApiJson => spec::json(),
        Route::Docs => spec::docs(),
        Route::Admin(admin_route) => admin::handle(&state, admin_route, req).await,
        people_route => people_pipeline(&state, people_route, req).await,
    }
}

/// Authentication, rate limit and scope, then the handler; rate-limit headers on every answer.
/// Only a request with a valid token reaches the rate check and counts (see [`crate::rate_order`]).
async fn people_pipeline(state: &MockState, route: Route, req: Request) -> Response {
    let principal = match state.inner.tokens.authenticate(req.headers()) {
        Ok(principal) => principal,
        // No valid token: no client to count against, a full window (see `rate_order`).
        Err(error) => return with_rate(error.into_response(), &state.inner.rate.full()),
    };
    let rate = state
        .inner
        .rate
        .hit(&crate::rate_order::client_key(&principal.client_id));
    let response = match principal {
        _ if rate.exceeded => ApiError::rate_limited(rate.retry_after).into_response(),
        principal => {
            let scope = if matches!(*req.method(), Method::GET | Method::HEAD) {
                SCOPE_READ
            } else {
                SCOPE_WRITE
            };
            if principal.has_scope(scope) {
                handle_people(state, route, req)
                    .await
                    .unwrap_or_else(IntoResponse::into_response)
            } else {
                ApiError::insufficient_scope(scope).into_response()
            }
        }
    };
    with_rate(response, &rate)
}

async fn handle_people(
    state: &MockState,
    route: Route,
    req: Request,
) -> Result<Response, ApiError> {
    let method = req.method().clone();
    let read = method == Method::GET || method == Method::HEAD;
    match route {
        Route::People if read => people::list(state, &req),
        Route::People => people::create(state, req).await,
        Route::Person(lname) if read => people::get(state, &lname, &req),
        Route::Person(lname) if method == Method::PUT => people::put(state, &lname, req).await,
        Route::Person(lname) if method == Method::PATCH => people::patch(state, &lname, req).await,
        Route::Person(lname) => people::delete(state, &lname, req.headers()).await,
        Route::Photo(lname) if read => photo::get(state, &lname),
        Route::Photo(lname) if method == Method::POST => photo::upload(state, &lname, req).await,
        Route::Photo(lname) => photo::delete(state, &lname, req.headers()).await,
        Route::Attachments(lname) if read => attachments::list(state, &lname, &req),
        Route::Attachments(lname) => attachments::upload(state, &lname, req).await,
        Route::Attachment(lname, id) if read => attachments::download(state, &lname, &id),
        Route::Attachment(lname, id) => {
            attachments::delete(state, &lname, &id, req.headers()).await
        }
        _ => Err(ApiError::route_not_found()),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::extract::Request;
    use http::StatusCode;
    use tower::ServiceExt as _;

    use crate::PeopleMock;

    /// Whether `GET path` is the API's JSON 404 for an unknown route.
    async fn is_unknown_route(path: &str) -> bool {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = PeopleMock::builder()
            .into_router()
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        status == StatusCode::NOT_FOUND && body["error"] == "route_not_found"
    }

    /// Swagger UI's source maps are left out of the build, so they are not routes either.
    #[cfg(feature = "ui")]
    #[tokio::test]
    async fn the_docs_have_no_source_maps() {
        assert!(!is_unknown_route("/api/v1/ui/swagger-ui-bundle.js").await);
        assert!(is_unknown_route("/api/v1/ui/swagger-ui-bundle.js.map").await);
        assert!(is_unknown_route("/api/v1/ui/swagger-ui.css.map").await);
    }

    /// Without the `ui` feature the demo page and the docs are unknown routes of the API.
    #[cfg(not(feature = "ui"))]
    #[tokio::test]
    async fn without_ui_the_pages_are_unknown_routes() {
        for path in [
            "/",
            "/assets/app.js",
            "/api/v1/ui",
            "/api/v1/ui/",
            "/api/v1/ui/swagger-ui-bundle.js",
            "/api/v1/docs",
        ] {
            assert!(is_unknown_route(path).await, "{path}");
        }
        assert!(!is_unknown_route("/api/v1/openapi.json").await);
    }
}
