//! HEAD on the attachment routes (the list and a download): the status and every header of the
//! GET, and no body; through the router and over a socket.

mod support;

use axum::body::Body;
use http::{HeaderMap, Method};
use people_mock::PeopleMock;
use sha2::{Digest, Sha256};
use support::*;

const LIST: &str = "/api/v1/people/Farrell/attachments";

/// Two attachments of Farrell, with a name that needs `filename*`; returns the first one's id.
async fn upload_two(app: &App, token: &str) -> String {
    let resp = app
        .upload(
            token,
            LIST,
            &[
                Part::file("files", "r\u{e9}sum\u{e9}.pdf", b"%PDF-1.7 first")
                    .with_content_type("application/pdf"),
                Part::file("files", "b.txt", b"second"),
            ],
        )
        .await;
    assert_eq!(resp.status, 201, "{:?}", resp.body);
    resp.json()["data"][0]["id"].as_str().unwrap().to_string()
}

/// The headers as (name, value) pairs in name order, without `X-RateLimit-Remaining` (each
/// request counts, so HEAD's is one less) and `Date` (a socket's clock may tick in between).
fn comparable(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !["x-ratelimit-remaining", "date"].contains(&name.as_str()))
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                value.to_str().unwrap().to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

fn remaining(headers: &HeaderMap) -> u64 {
    headers["x-ratelimit-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// GET then HEAD of `uri` through the router: same status and headers, no body for HEAD.
///
/// Through the router a GET of a JSON body has no `Content-Length` yet (the connection adds it
/// from the body's exact size, as the socket test below sees); HEAD, which has no body to
/// measure, must carry the length the GET's body has.
async fn get_then_head(app: &App, token: &str, uri: &str) -> (Resp, Resp) {
    let get = app.get(token, uri).await;
    let head = app
        .send(
            authed(Method::HEAD, uri, token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status, get.status, "{uri}");
    let mut get_headers = get.headers.clone();
    if !get_headers.contains_key("content-length") {
        get_headers.insert("content-length", get.body.len().into());
    }
    assert_eq!(comparable(&head.headers), comparable(&get_headers), "{uri}");
    assert_eq!(
        remaining(&head.headers),
        remaining(&get.headers) - 1,
        "{uri}"
    );
    assert!(head.body.is_empty(), "{uri}: {:?}", head.body);
    (get, head)
}

#[tokio::test]
async fn head_of_the_list_and_of_a_download_through_the_router() {
    let app = App::new();
    let token = app.token().await;
    let id = upload_two(&app, &token).await;

    let (get, _) = get_then_head(&app, &token, LIST).await;
    assert_eq!(get.status, 200);
    assert_eq!(get.header("content-type"), Some("application/json"));
    assert_eq!(get.json()["data"].as_array().map(Vec::len), Some(2));

    let (get, _) = get_then_head(&app, &token, &format!("{LIST}/{id}")).await;
    assert_eq!(get.status, 200);
    assert_eq!(&get.body[..], b"%PDF-1.7 first");
    assert_eq!(get.header("content-type"), Some("application/pdf"));
    assert_eq!(get.header("content-length"), Some("14"));
    assert_eq!(
        get.header("content-disposition"),
        Some("attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf")
    );
    let sha = hex::encode(Sha256::digest(b"%PDF-1.7 first"));
    assert_eq!(get.header("etag"), Some(format!("\"{sha}\"").as_str()));
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(get.header(name).is_some(), "{name}");
    }

    // Errors: the GET's status and headers (a JSON error's type and length), no body.
    let (get, _) = get_then_head(&app, &token, &format!("{LIST}/no-such-id")).await;
    get.assert_error(404, "attachment_not_found", 404_003);
    let (get, _) = get_then_head(&app, &token, "/api/v1/people/Nobody/attachments").await;
    get.assert_error(404, "person_not_found", 404_001);
}

#[tokio::test]
async fn head_of_the_list_and_of_a_download_over_a_socket() {
    let mock = PeopleMock::start().await;
    let token = socket_token(&mock).await;
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{}{LIST}", mock.uri()))
        .bearer_auth(&token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(&[Part::file("files", "b.txt", b"second")]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let stored: serde_json::Value = resp.json().await.unwrap();
    let id = stored["data"][0]["id"].as_str().unwrap().to_string();

    for path in [LIST.to_string(), format!("{LIST}/{id}")] {
        let url = format!("{}{path}", mock.uri());
        let get = client.get(&url).bearer_auth(&token).send().await.unwrap();
        let head = client.head(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "{path}");
        assert_eq!(get.status(), 200, "{path}");
        assert_eq!(
            comparable(head.headers()),
            comparable(get.headers()),
            "{path}"
        );
        assert_eq!(remaining(head.headers()), remaining(get.headers()) - 1);
        let get_headers = get.headers().clone();
        let body = get.bytes().await.unwrap();
        assert_eq!(
            get_headers["content-length"],
            body.len().to_string().as_str(),
            "{path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
}
