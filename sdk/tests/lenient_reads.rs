//! Reads are lenient: a server may hold records whose names break the rules, and the SDK decodes
//! every page, person and stream that carries them. Writes stay strict.

mod support;

use futures::TryStreamExt;
use people_sdk::Client;
use people_sdk::types::{Fname, Lname};
use serde_json::{Value, json};
use support::within;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Names the spec's patterns forbid, one of each kind.
fn forbidden_names() -> Vec<String> {
    vec![
        " Doug".to_owned(),
        "\u{feff}Farrell".to_owned(),
        "Bell\u{7}".to_owned(),
        "AC/DC".to_owned(),
        "..".to_owned(),
        "x".repeat(65),
    ]
}

fn person(fname: &str, lname: &str) -> Value {
    json!({"fname": fname, "lname": lname, "timestamp": "2026-11-26T09:58:49.123456Z"})
}

/// Page `number` of `per_page` of `people`, as the API shapes it.
fn page(people: &[Value], number: usize, per_page: usize) -> Value {
    let total_pages = people.len().div_ceil(per_page);
    let data: Vec<Value> = people
        .iter()
        .skip((number - 1) * per_page)
        .take(per_page)
        .cloned()
        .collect();
    json!({
        "data": data,
        "meta": {"pagination": {
            "total": people.len(),
            "count": data.len(),
            "per_page": per_page,
            "current_page": number,
            "total_pages": total_pages,
            "links": {},
        }}
    })
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token("at_test")
        .no_retry()
        .build()
        .unwrap()
}

#[tokio::test]
async fn pages_people_and_streams_with_forbidden_names_decode() {
    within(async {
        let names = forbidden_names();
        for name in &names {
            assert!(name.parse::<Lname>().is_err() || name.parse::<Fname>().is_err());
        }
        // Each record breaks the rules twice: its fname is one forbidden name, its lname another.
        let people: Vec<Value> = names
            .iter()
            .zip(names.iter().cycle().skip(1))
            .map(|(fname, lname)| person(fname, lname))
            .collect();
        let server = MockServer::start().await;
        for number in 1..=3 {
            Mock::given(method("GET"))
                .and(path("/api/v1/people"))
                .and(query_param("page", number.to_string()))
                .respond_with(ResponseTemplate::new(200).set_body_json(page(&people, number, 2)))
                .mount(&server)
                .await;
        }
        for (i, name) in names.iter().enumerate() {
            let key = format!("Key{i}");
            Mock::given(method("GET"))
                .and(path(format!("/api/v1/people/{key}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(person(name, name)))
                .mount(&server)
                .await;
        }
        let client = client(&server);

        let first = client.people().list().per_page(2).send().await.unwrap();
        let got: Vec<(&str, &str)> = first
            .items()
            .iter()
            .map(|p| (p.fname.as_str(), p.lname.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (names[0].as_str(), names[1].as_str()),
                (names[1].as_str(), names[2].as_str())
            ]
        );

        let streamed: Vec<(String, String)> = client
            .people()
            .list()
            .per_page(2)
            .stream()
            .map_ok(|p| (p.fname.to_string(), p.lname.to_string()))
            .try_collect()
            .await
            .unwrap();
        let expected: Vec<(String, String)> = names
            .iter()
            .cloned()
            .zip(names.iter().cycle().skip(1).cloned())
            .collect();
        assert_eq!(streamed, expected);

        let ahead = client
            .people()
            .list()
            .per_page(2)
            .read_ahead(3)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(ahead.len(), names.len());

        for (i, name) in names.iter().enumerate() {
            let fetched = client.person(format!("Key{i}")).get().await.unwrap();
            assert_eq!(fetched.fname, name.as_str());
            assert_eq!(fetched.lname, name.as_str());
        }
    })
    .await;
}

#[tokio::test]
async fn a_received_name_is_checked_before_it_is_sent_back() {
    within(async {
        let server = MockServer::start().await;
        let client = client(&server);
        let body = json!({"data": [person("Doug", "..")], "meta": {"pagination": {
            "total": 1, "count": 1, "per_page": 20, "current_page": 1, "total_pages": 1,
            "links": {}}}});
        Mock::given(method("GET"))
            .and(path("/api/v1/people"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let listed = client.people().list().send().await.unwrap();
        let dots = &listed.items()[0].lname;
        assert!(Lname::try_from(dots).is_err());
        let err = client.person(dots.as_str()).delete().await.unwrap_err();
        assert!(err.is_invalid_request(), "{err}");
        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 1, "only the list was sent");
    })
    .await;
}
