//! Uploaded files come back with headers that keep a browser from running them, and the HTML
//! pages with a policy that keeps other sites from framing them.

mod support;

use support::*;

const DOWNLOAD_POLICY: &str = "sandbox; default-src 'none'";

#[tokio::test]
async fn photos_and_attachments_are_not_sniffed_or_run() {
    let app = App::new();
    let token = app.token().await;
    assert_eq!(app.send(photo_request("Farrell", &token)).await.status, 201);
    let html = b"<script>alert(1)</script>";
    let part = Part::file("files", "page.html", html).with_content_type("text/html");
    let uploaded = app
        .upload(&token, "/api/v1/people/Farrell/attachments", &[part])
        .await;
    assert_eq!(uploaded.status, 201);
    let id = uploaded.json()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for uri in [
        "/api/v1/people/Farrell/photo".to_string(),
        format!("/api/v1/people/Farrell/attachments/{id}"),
    ] {
        let resp = app.get(&token, &uri).await;
        assert_eq!(resp.status, 200, "{uri}");
        assert_eq!(
            resp.header("x-content-type-options"),
            Some("nosniff"),
            "{uri}"
        );
        assert_eq!(
            resp.header("content-security-policy"),
            Some(DOWNLOAD_POLICY),
            "{uri}"
        );
    }
    let resp = app
        .get(&token, &format!("/api/v1/people/Farrell/attachments/{id}"))
        .await;
    assert!(
        resp.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
}

#[cfg(feature = "ui")]
#[tokio::test]
async fn pages_may_not_be_framed() {
    use axum::body::Body;
    use http::Request;
    let app = App::new();
    for uri in ["/", "/api/v1/ui/"] {
        let resp = app
            .send(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        assert_eq!(resp.status, 200, "{uri}");
        let policy = resp.header("content-security-policy").unwrap_or_default();
        assert!(policy.contains("frame-ancestors 'none'"), "{uri}: {policy}");
        assert!(policy.contains("script-src 'self'"), "{uri}: {policy}");
    }
}
