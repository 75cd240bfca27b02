//! GET /people: pages, links, Link header, sorting, filters and bad values.

mod support;

use std::cmp::Ordering;

use axum::body::Body;
use http::Method;
use people_mock::{PeopleMock, PersonSnapshot};
use serde_json::Value;
use support::*;

fn lnames(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["lname"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn defaults_and_meta() {
    let app = App::new();
    let token = app.token().await;
    let resp = app.get(&token, "/api/v1/people").await;
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(lnames(&body), ["Brockman", "Easter", "Farrell"]);
    let p = &body["meta"]["pagination"];
    assert_eq!(
        (
            p["total"].as_u64(),
            p["count"].as_u64(),
            p["per_page"].as_u64()
        ),
        (Some(3), Some(3), Some(20))
    );
    assert_eq!(
        (p["current_page"].as_u64(), p["total_pages"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(p["links"], serde_json::json!({}));
    assert_eq!(
        resp.header("link"),
        Some(
            "<http://mock.test:1234/api/v1/people?page=1&per_page=20&sortby=lname&order=asc>; rel=\"first\", \
             <http://mock.test:1234/api/v1/people?page=1&per_page=20&sortby=lname&order=asc>; rel=\"last\""
        )
    );
    for person in body["data"].as_array().unwrap() {
        let ts = person["timestamp"].as_str().unwrap();
        assert!(ts.ends_with('Z'), "{ts}");
        assert!(chrono::DateTime::parse_from_rfc3339(ts).is_ok());
    }
}

/// The contract's order: by `sortby` in `order`, ties broken by `lname` ascending (code points).
fn contract_order(a: &PersonSnapshot, b: &PersonSnapshot, sortby: &str, desc: bool) -> Ordering {
    let key = match sortby {
        "fname" => a.fname.cmp(&b.fname),
        "timestamp" => a.timestamp.cmp(&b.timestamp),
        "lname" => a.lname.cmp(&b.lname),
        other => panic!("no sort key {other}"),
    };
    let key = if desc { key.reverse() } else { key };
    key.then_with(|| a.lname.cmp(&b.lname))
}

/// The people of a page as the snapshots they show.
fn people_of(body: &Value) -> Vec<PersonSnapshot> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| PersonSnapshot {
            fname: p["fname"].as_str().unwrap().to_string(),
            lname: p["lname"].as_str().unwrap().to_string(),
            timestamp: p["timestamp"].as_str().unwrap().parse().unwrap(),
        })
        .collect()
}

/// Every consecutive pair is in the contract's order (and no two are equal).
fn assert_in_order(people: &[PersonSnapshot], sortby: &str, desc: bool) {
    for pair in people.windows(2) {
        assert_eq!(
            contract_order(&pair[0], &pair[1], sortby, desc),
            Ordering::Less,
            "sortby={sortby} desc={desc}: {:?} before {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[tokio::test]
async fn walking_pages_with_links() {
    let app = App::with(PeopleMock::builder().people(45));
    let token = app.token().await;
    // 48 people; fnames repeat (12 of them), so ties are broken by lname.
    for (sortby, order) in [("fname", "desc"), ("fname", "asc"), ("timestamp", "desc")] {
        let desc = order == "desc";
        let mut uri = format!("/api/v1/people?per_page=10&sortby={sortby}&order={order}");
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let resp = app.get(&token, &uri).await;
            assert_eq!(resp.status, 200);
            let body = resp.json();
            pages += 1;
            seen.extend(people_of(&body));
            let link = resp.header("link").unwrap().to_string();
            assert!(
                link.contains("rel=\"first\"")
                    && link.contains(&format!(
                        "page=5&per_page=10&sortby={sortby}&order={order}>; rel=\"last\""
                    )),
                "{link}"
            );
            match body["meta"]["pagination"]["links"]["next"].as_str() {
                Some(next) => {
                    assert!(link.contains(&format!("<{next}>; rel=\"next\"")));
                    uri = next
                        .strip_prefix("http://mock.test:1234")
                        .unwrap()
                        .to_string();
                }
                None => break,
            }
        }
        assert_eq!(pages, 5);
        // Every element, across pages, in order; and exactly everyone, each once.
        assert_in_order(&seen, sortby, desc);
        let mut want = app.state.people();
        want.sort_by(|a, b| contract_order(a, b, sortby, desc));
        let lnames_of = |people: &[PersonSnapshot]| -> Vec<String> {
            people.iter().map(|p| p.lname.clone()).collect()
        };
        assert_eq!(
            lnames_of(&seen),
            lnames_of(&want),
            "sortby={sortby} order={order}"
        );
    }
}

#[tokio::test]
async fn previous_link_and_past_the_last_page() {
    let app = App::new();
    let token = app.token().await;
    let resp = app.get(&token, "/api/v1/people?page=2&per_page=2").await;
    let body = resp.json();
    assert_eq!(lnames(&body), ["Farrell"]);
    let prev = body["meta"]["pagination"]["links"]["previous"]
        .as_str()
        .unwrap();
    assert!(prev.contains("page=1&per_page=2"));
    assert!(resp.header("link").unwrap().contains("rel=\"prev\""));

    let resp = app.get(&token, "/api/v1/people?page=9&per_page=2").await;
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(body["data"], serde_json::json!([]));
    assert_eq!(body["meta"]["pagination"]["count"], 0);
    assert!(
        body["meta"]["pagination"]["links"]["previous"]
            .as_str()
            .unwrap()
            .contains("page=2&")
    );
    assert!(body["meta"]["pagination"]["links"].get("next").is_none());
}

#[tokio::test]
async fn sorting_and_filters() {
    let app = App::new();
    let token = app.token().await;
    assert_eq!(app.create(&token, "Doug", "Adams").await.status, 201);
    let body = app
        .get(&token, "/api/v1/people?sortby=lname&order=desc")
        .await
        .json();
    assert_eq!(lnames(&body), ["Farrell", "Easter", "Brockman", "Adams"]);
    // Ties on fname broken by lname ascending.
    let body = app.get(&token, "/api/v1/people?sortby=fname").await.json();
    assert_eq!(lnames(&body), ["Easter", "Adams", "Farrell", "Brockman"]);
    assert_in_order(&people_of(&body), "fname", false);
    // Newest first: the created one, then the seeds, created in the order Farrell, Brockman,
    // Easter.
    let body = app
        .get(&token, "/api/v1/people?sortby=timestamp&order=desc")
        .await
        .json();
    assert_eq!(lnames(&body), ["Adams", "Easter", "Brockman", "Farrell"]);
    assert_in_order(&people_of(&body), "timestamp", true);
    let body = app.get(&token, "/api/v1/people?fname=Doug").await.json();
    assert_eq!(lnames(&body), ["Adams", "Farrell"]);
    assert_eq!(body["meta"]["pagination"]["total"], 2);
    let body = app
        .get(&token, "/api/v1/people?fname=Doug&lname=Farrell")
        .await
        .json();
    assert_eq!(lnames(&body), ["Farrell"]);
    let body = app.get(&token, "/api/v1/people?lname=Nobody").await.json();
    assert_eq!(body["meta"]["pagination"]["total_pages"], 0);
    let body = app
        .get(&token, "/api/v1/people?unknown=1&page=1")
        .await
        .json();
    assert_eq!(lnames(&body).len(), 4);
}

#[tokio::test]
async fn bad_values_are_400_naming_the_parameter() {
    let app = App::new();
    let token = app.token().await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("per_page=101", "per_page"),
        ("per_page=-5", "per_page"),
        ("sortby=age", "sortby"),
        ("order=sideways", "order"),
        ("page=1&page=2", "page"),
        ("lname=", "lname"),
    ] {
        let resp = app.get(&token, &format!("/api/v1/people?{query}")).await;
        resp.assert_error(400, "invalid_query", 400_002);
        assert_eq!(resp.json()["details"][0]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn head_has_the_headers_of_get() {
    let app = App::new();
    let token = app.token().await;
    let get = app.get(&token, "/api/v1/people?per_page=1").await;
    let head = app
        .send(
            authed(Method::HEAD, "/api/v1/people?per_page=1", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("link"), get.header("link"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    assert!(head.header("x-ratelimit-remaining").is_some());
    let bad = app
        .send(
            authed(Method::HEAD, "/api/v1/people?page=0", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.is_empty());
}

/// Pages are answered again from a cache until the people change: every kind of write shows on
/// the next read of the same page, and the same page read twice is the same bytes.
#[tokio::test]
async fn a_page_read_again_shows_every_write() {
    let app = App::new();
    let token = app.token().await;
    let page = "/api/v1/people?per_page=5&sortby=fname";
    let read = || async {
        let resp = app.get(&token, page).await;
        assert_eq!(resp.status, 200);
        resp
    };
    let first = read().await;
    assert_eq!(
        read().await.body,
        first.body,
        "the same page, the same bytes"
    );
    assert_eq!(read().await.header("link"), first.header("link"));

    assert_eq!(app.create(&token, "Ada", "Lovelace").await.status, 201);
    let body = read().await.json();
    assert_eq!(lnames(&body), ["Lovelace", "Easter", "Farrell", "Brockman"]);
    assert_eq!(body["meta"]["pagination"]["total"], 4);

    let put = json_request(
        Method::PUT,
        &person_uri("Lovelace"),
        &token,
        &serde_json::json!({"fname": "Zelda", "lname": "Lovelace"}),
    );
    assert_eq!(app.send(put).await.status, 204);
    let body = read().await.json();
    assert_eq!(lnames(&body), ["Easter", "Farrell", "Brockman", "Lovelace"]);
    assert_eq!(body["data"][3]["fname"], "Zelda");

    let delete = authed(Method::DELETE, &person_uri("Lovelace"), &token)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(delete).await.status, 204);
    assert_eq!(read().await.body, first.body, "back to the first page");

    // Another authority gets links of its own, not the cached page's.
    let mut other = authed(Method::GET, page, &token)
        .body(Body::empty())
        .unwrap();
    other
        .headers_mut()
        .insert("host", http::HeaderValue::from_static("other.localhost:9"));
    let other = app.send(other).await;
    assert!(
        other
            .header("link")
            .is_some_and(|l| l.contains("http://other.localhost:9/")),
        "{:?}",
        other.header("link")
    );
    assert_eq!(read().await.header("link"), first.header("link"));
}
