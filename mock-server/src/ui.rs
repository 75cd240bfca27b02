//! The demo page at `/` and the interactive API docs (Swagger UI) at `/api/v1/ui/` (feature
//! `ui`).
//!
//! Every file is embedded in the binary, so both pages work with no network. Swagger UI's come
//! from the `swagger-ui-dist` crate by way of `build.rs`, without their source maps. Responses
//! carry a strong `ETag` (a hash of the bytes) with `Cache-Control: no-cache`: browsers keep their
//! copy and revalidate it cheaply, and never show stale files after the server is upgraded.

use std::sync::LazyLock;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use bytes::Bytes;
use http::header::{
    ALLOW, CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH, LOCATION,
    X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, Method, StatusCode};
use sha2::{Digest, Sha256};

use crate::routes::{API_INDEX, DOCS_INDEX, DOCS_PATH};

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Swagger UI's files as `build.rs` wrote them: (name, bytes), source maps left out.
const VENDOR_FILES: &[(&str, &[u8])] = &include!(concat!(env!("OUT_DIR"), "/swagger_ui_files.rs"));

/// The content type of a Swagger UI file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => CSS,
        Some("js") => JS,
        _ => HTML,
    }
}

/// One embedded file, ready to serve.
struct Asset {
    body: Bytes,
    content_type: &'static str,
    etag: HeaderValue,
}

impl Asset {
    fn new(body: Bytes, content_type: &'static str) -> Self {
        let digest = hex::encode(Sha256::digest(&body));
        let etag = HeaderValue::from_str(&format!("\"{}\"", &digest[..32]))
            .expect("a quoted hex string is a valid header value");
        Self {
            body,
            content_type,
            etag,
        }
    }

    fn embedded(text: &'static str, content_type: &'static str) -> Self {
        Self::new(Bytes::from_static(text.as_bytes()), content_type)
    }

    /// 200 with the bytes, or 304 when the browser already holds this version.
    fn respond(&self, request: &HeaderMap) -> Response {
        let fresh = request
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .any(|tag| tag == "*" || tag.as_bytes() == self.etag.as_bytes());
        let mut response = if fresh {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let mut response = Response::new(Body::from(self.body.clone()));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
            response
        };
        let headers = response.headers_mut();
        headers.insert(ETAG, self.etag.clone());
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if self.content_type == HTML {
            crate::security_headers::page(headers);
        }
        response
    }
}

/// The files written for this server.
struct Own {
    demo_page: Asset,
    demo_js: Asset,
    demo_css: Asset,
    docs_page: Asset,
    docs_js: Asset,
}

static OWN: LazyLock<Own> = LazyLock::new(|| Own {
    demo_page: Asset::embedded(include_str!("../assets/index.html"), HTML),
    demo_js: Asset::embedded(include_str!("../assets/app.js"), JS),
    demo_css: Asset::embedded(include_str!("../assets/style.css"), CSS),
    docs_page: Asset::embedded(include_str!("../assets/docs.html"), HTML),
    docs_js: Asset::embedded(include_str!("../assets/docs.js"), JS),
});

/// Swagger UI's files, ready to serve, in the order of [`VENDOR_FILES`].
static VENDOR: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    VENDOR_FILES
        .iter()
        .map(|(name, bytes)| Asset::new(Bytes::from_static(bytes), content_type(name)))
        .collect()
});

/// `GET` and `HEAD` of an embedded file; any other method is a JSON 405.
fn serve(pick: fn(&'static Own) -> &'static Asset) -> MethodRouter {
    get(move |request: Request| async move { pick(&OWN).respond(request.headers()) })
        .fallback(method_not_allowed)
}

fn serve_vendor(index: usize) -> MethodRouter {
    get(move |request: Request| async move { VENDOR[index].respond(request.headers()) })
        .fallback(method_not_allowed)
}

/// The error shape of the API, so every answer of the server looks alike.
async fn method_not_allowed(method: Method) -> Response {
    let body = serde_json::json!({
        "message": format!("Method {method} is not allowed here; use GET or HEAD"),
        "error_code": 405_001,
        "error": "method_not_allowed",
    });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    let headers = response.headers_mut();
    headers.insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `/api/v1/ui` → `/api/v1/ui/`, so the index page's relative links resolve.
async fn to_docs_index() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    let headers = response.headers_mut();
    headers.insert(LOCATION, HeaderValue::from_static(DOCS_INDEX));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The demo page (`/`, `/assets/…`) and the docs (`/api/v1/ui/…`). Stateless; merge it into
/// the server's router.
pub fn routes() -> Router {
    let mut router = Router::new()
        .route("/", serve(|own| &own.demo_page))
        .route(
            API_INDEX,
            get(crate::api_index::answer).fallback(method_not_allowed),
        )
        .route("/assets/app.js", serve(|own| &own.demo_js))
        .route("/assets/style.css", serve(|own| &own.demo_css))
        .route(DOCS_PATH, get(to_docs_index).fallback(method_not_allowed))
        .route(DOCS_INDEX, serve(|own| &own.docs_page))
        .route(
            &format!("{DOCS_INDEX}swagger-initializer.js"),
            serve(|own| &own.docs_js),
        );
    for (index, (name, _)) in VENDOR_FILES.iter().enumerate() {
        router = router.route(&format!("{DOCS_INDEX}{name}"), serve_vendor(index));
    }
    router
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use tower::Service;

    use super::*;

    async fn send(method: Method, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut router = routes();
        let request = request.body(Body::empty()).unwrap();
        let _ = poll_fn(|cx| Service::<Request>::poll_ready(&mut router, cx)).await;
        router.call(request).await.unwrap()
    }

    async fn text(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn header<'a>(response: &'a Response, name: &str) -> &'a str {
        response.headers()[name].to_str().unwrap()
    }

    #[tokio::test]
    async fn demo_page_and_its_assets() {
        for (path, content_type, needle) in [
            ("/", HTML, "/assets/app.js"),
            ("/assets/app.js", JS, "/oauth/token"),
            ("/assets/style.css", CSS, "table"),
        ] {
            let response = send(Method::GET, path, &[]).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(header(&response, "content-type"), content_type, "{path}");
            assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
            assert!(text(response).await.contains(needle), "{path}");
        }
    }

    #[tokio::test]
    async fn docs_index_points_at_the_spec_and_the_demo_client() {
        let response = send(Method::GET, "/api/v1/ui", &[]).await;
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(header(&response, "location"), "/api/v1/ui/");

        let page = text(send(Method::GET, "/api/v1/ui/", &[]).await).await;
        assert!(page.contains("swagger-ui-bundle.js") && page.contains("swagger-ui.css"));
        let init = text(send(Method::GET, "/api/v1/ui/swagger-initializer.js", &[]).await).await;
        assert!(init.contains("/api/v1/openapi.json") && init.contains("demo-client"));
    }

    #[tokio::test]
    async fn swagger_ui_files_are_embedded() {
        let names: Vec<&str> = VENDOR_FILES.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "swagger-ui.css",
                "swagger-ui-bundle.js",
                "oauth2-redirect.html",
                "oauth2-redirect.js"
            ]
        );
        for (name, _) in VENDOR_FILES {
            let path = format!("{DOCS_INDEX}{name}");
            let response = send(Method::GET, &path, &[]).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(
                header(&response, "content-type"),
                content_type(name),
                "{path}"
            );
            assert!(text(response).await.len() > 50, "{path} is not empty");
        }
        let bundle = text(send(Method::GET, "/api/v1/ui/swagger-ui-bundle.js", &[]).await).await;
        assert!(bundle.contains("SwaggerUIBundle"));
        let css = send(Method::GET, "/api/v1/ui/swagger-ui.css", &[]).await;
        assert_eq!(header(&css, "content-type"), CSS);
    }

    #[tokio::test]
    async fn revalidation_answers_304() {
        let first = send(Method::GET, "/api/v1/ui/swagger-ui.css", &[]).await;
        let etag = header(&first, "etag").to_owned();
        let again = send(
            Method::GET,
            "/api/v1/ui/swagger-ui.css",
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(header(&again, "etag"), etag);
        assert!(text(again).await.is_empty());
    }

    #[tokio::test]
    async fn the_api_root_links_to_the_docs_the_spec_and_the_demo() {
        let response = send(Method::GET, "/api/v1/", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "content-type"), "application/json");
        let index: serde_json::Value = serde_json::from_str(&text(response).await).expect("JSON");
        assert_eq!(index["links"]["docs"], "/api/v1/ui/");
        assert_eq!(index["links"]["spec"], "/api/v1/openapi.yaml");
        assert_eq!(index["links"]["demo"], "/");
        let post = send(Method::POST, "/api/v1/", &[]).await;
        assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[tokio::test]
    async fn head_has_no_body_and_other_methods_are_405() {
        let head = send(Method::HEAD, "/", &[]).await;
        assert_eq!(head.status(), StatusCode::OK);
        assert_eq!(header(&head, "content-type"), HTML);
        assert!(text(head).await.is_empty());

        let post = send(Method::POST, "/api/v1/ui/", &[]).await;
        assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(header(&post, "allow"), "GET, HEAD");
        let body: serde_json::Value = serde_json::from_str(&text(post).await).unwrap();
        assert_eq!(body["error_code"], 405_001);
    }
}
