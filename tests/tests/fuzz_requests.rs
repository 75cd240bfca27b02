//! Bad input, fuzzed: random query strings, JSON bodies, merge patches, multipart bodies, headers
//! and percent-encoded paths, sent to the mock's router without a socket.
//!
//! Every case checks what the contract says of any answer (no panic, an allowed status, the JSON
//! error shape, no body to HEAD) and that a rejected request changed nothing. Where the contract
//! fixes the outcome, a small model of it predicts the exact status and the test compares.
//!
//! Bodies over the size limits are covered, streamed through a real socket, by
//! `mock-server/tests/large_body.rs`; here only a JSON body just over its limit is sent.

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;

use axum::body::Body;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, ETAG, IF_MATCH, LOCATION};
use http::{HeaderName, HeaderValue, Method, Request};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngSeed, TestCaseError, TestRunner, contextualize_config,
};
use serde_json::{Map, Value, json};
use support::*;

/// Runs `cases` cases of a property; a failure panics with the smallest input proptest found.
/// The statuses seen are printed (`--nocapture`), to show which rules the inputs reached.
///
/// The cases share one mock, so a case may depend on the ones before it: the whole run is
/// reproducible from its seed, which is printed first (the test harness shows it with a failure)
/// and can be set with `PROPTEST_RNG_SEED`, which proptest reads too. A failing case is also kept
/// in `fuzz_requests.proptest-regressions`, beside this file, and tried first by later runs.
fn check<S>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<u16, TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let seed = support::seed::proptest_seed(name);
    let config = contextualize_config(Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        source_file: Some(file!()),
        ..Config::default()
    });
    let seen = RefCell::new(BTreeMap::<u16, u32>::new());
    let result = TestRunner::new(config).run(&strategy, |input| {
        let status = test(input)?;
        *seen.borrow_mut().entry(status).or_default() += 1;
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{name} (seed {seed}): {failure}");
    }
    eprintln!("{name}: statuses {:?}", seen.borrow());
}

fn verdict(method: &Method, path: &str, answer: &Answer) -> Result<(), TestCaseError> {
    check_answer(method, path, answer)
        .map_err(|why| TestCaseError::fail(format!("{method} {path}: {why}; {answer:?}")))
}

fn request(method: Method, uri: &str) -> http::request::Builder {
    Request::builder().method(method).uri(uri)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

const SEEDS: [&str; 3] = ["Brockman", "Easter", "Farrell"];

// ---------------------------------------------------------------------------------------------
// Strategies.

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Names, valid and not: plain, any printable Unicode, white space at the ends, `/`, control
/// characters, empty, around the 64-character limit, and the contract's tricky keys.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Z][a-z]{0,10}",
        2 => "\\PC{1,20}",
        1 => "[ \t]?[A-Za-z%'/ ]{0,8}[ \t\n]?",
        1 => "[a-z]{0,3}[\u{0}-\u{1f}\u{7f}-\u{9f}][a-z]{0,3}",
        1 => Just(String::new()),
        1 => (60usize..70).prop_map(|n| "é".repeat(n)),
        1 => select(&["O'Brien", "Lévi-Strauss", "van der Berg", "100%", "李", "Farrell"][..])
            .prop_map(str::to_owned),
    ]
}

/// A member of a body: absent, a name, or any JSON value (often the wrong type).
fn member() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        1 => Just(None),
        5 => name().prop_map(|n| Some(Value::String(n))),
        1 => json_value().prop_map(Some),
    ]
}

fn object(fname: Option<Value>, lname: Option<Value>, mut extra: Map<String, Value>) -> Value {
    extra.remove("fname");
    extra.remove("lname");
    if let Some(fname) = fname {
        extra.insert("fname".into(), fname);
    }
    if let Some(lname) = lname {
        extra.insert("lname".into(), lname);
    }
    Value::Object(extra)
}

fn extras() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-z]{1,6}", json_value(), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

/// A JSON request body: mostly objects with `fname` and `lname`, also other JSON, random bytes,
/// truncated JSON and a body just over the 64 KiB limit.
fn json_body(lname: BoxedStrategy<Option<Value>>) -> impl Strategy<Value = Vec<u8>> {
    let obj = (member(), lname, extras())
        .prop_map(|(f, l, e)| object(f, l, e))
        .boxed();
    let bytes = |v: &Value| serde_json::to_vec(v).expect("JSON serialises");
    prop_oneof![
        8 => obj.clone().prop_map(move |v| bytes(&v)),
        2 => json_value().prop_map(move |v| bytes(&v)),
        1 => prop::collection::vec(any::<u8>(), 0..40),
        1 => (obj, any::<prop::sample::Index>()).prop_map(move |(v, cut)| {
            let b = bytes(&v);
            b[..cut.index(b.len())].to_vec()
        }),
        1 => Just(bytes(&json!({"fname": "x".repeat(64 * 1024), "lname": "Big"}))),
    ]
}

/// A request `Content-Type`, absent or not, and whether it is `application/json`.
fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        6 => Just(Some("application/json")),
        2 => Just(Some("application/json; charset=utf-8")),
        1 => Just(Some("Application/JSON")),
        3 => Just(Some("application/merge-patch+json")),
        2 => select(
            &[
                Some("text/plain"),
                Some("application/x-www-form-urlencoded"),
                Some("multipart/form-data; boundary=x"),
                Some("application/json-seq"),
                Some(";;"),
                None,
            ][..]
        ),
    ]
}

fn essence(content_type: Option<&str>) -> Option<String> {
    let text = content_type?;
    let essence = text.split(';').next().unwrap_or_default().trim();
    Some(essence.to_ascii_lowercase())
}

// ---------------------------------------------------------------------------------------------
// Query strings.

const KNOWN_PARAMS: [&str; 6] = ["page", "per_page", "sortby", "order", "fname", "lname"];

/// The first parameter the contract rejects, or `None` when the query is valid.
fn first_bad_param(query: &str) -> Option<String> {
    let mut seen = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let name = name.as_ref();
        if !KNOWN_PARAMS.contains(&name) {
            continue;
        }
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        let number = value.parse::<u64>().ok().filter(|_| digits);
        let ok = !seen.contains(&name.to_owned())
            && match name {
                "page" => number.is_some_and(|n| (1..=i64::MAX as u64).contains(&n)),
                "per_page" => number.is_some_and(|n| (1..=100).contains(&n)),
                "sortby" => ["lname", "fname", "timestamp"].contains(&value.as_ref()),
                "order" => ["asc", "desc"].contains(&value.as_ref()),
                _ => (1..=64).contains(&value.chars().count()),
            };
        if !ok {
            return Some(name.to_owned());
        }
        seen.push(name.to_owned());
    }
    None
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        6 => select(&KNOWN_PARAMS[..]).prop_map(str::to_owned),
        1 => "[a-z_]{1,6}",
    ];
    let value = prop_oneof![
        6 => select(
            &[
                "0", "1", "2", "-1", "20", "100", "101", "+1", " 1", "1.0", "0x1", "1e2",
                "9223372036854775807", "9223372036854775808", "99999999999999999999",
                "lname", "fname", "timestamp", "asc", "desc", "ASC", "Farrell", "Doug", "",
            ][..]
        )
        .prop_map(str::to_owned),
        2 => "\\PC{0,8}",
        1 => (60usize..70).prop_map(|n| "é".repeat(n)),
    ];
    let pair = (key, value).prop_map(|(k, v)| {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair(&k, &v)
            .finish()
    });
    prop_oneof![
        8 => prop::collection::vec(pair, 0..5).prop_map(|pairs| pairs.join("&")),
        1 => "[a-z0-9%=&+;._~-]{0,24}",
    ]
}

#[test]
fn query_strings() {
    let rt = runtime();
    let app = rt.block_on(App::new());
    let method = select(&[Method::GET, Method::HEAD][..]);
    check(
        "query strings",
        1000,
        (method, query()),
        |(method, query)| {
            rt.block_on(async {
                let uri = format!("/api/v1/people?{query}");
                let Ok(req) = request(method.clone(), &uri)
                    .header(AUTHORIZATION, bearer(&app.token))
                    .body(Body::empty())
                else {
                    return Err(TestCaseError::reject("not a URI"));
                };
                let before = app.state.people();
                let answer = app.send(req).await;
                verdict(&method, "/api/v1/people", &answer)?;
                prop_assert_eq!(app.state.people(), before);
                match first_bad_param(&query) {
                    Some(param) => {
                        prop_assert_eq!(answer.status.as_u16(), 400, "{}", query);
                        if method == Method::GET {
                            let body = answer.json();
                            prop_assert_eq!(&body["error"], "invalid_query");
                            prop_assert_eq!(&body["details"][0]["field"], param.as_str());
                        }
                    }
                    None => {
                        prop_assert_eq!(answer.status.as_u16(), 200, "{}: {:?}", query, answer);
                        prop_assert!(answer.header("link").is_some());
                        if method == Method::GET {
                            let body = answer.json();
                            let meta = &body["meta"]["pagination"];
                            let data = body["data"].as_array().expect("data");
                            let per_page = meta["per_page"].as_u64().expect("per_page");
                            let total = meta["total"].as_u64().expect("total");
                            prop_assert!(data.len() as u64 <= per_page);
                            prop_assert_eq!(meta["count"].as_u64(), Some(data.len() as u64));
                            prop_assert_eq!(
                                meta["total_pages"].as_u64(),
                                Some(total.div_ceil(per_page))
                            );
                        }
                    }
                }
                Ok(answer.status.as_u16())
            })
        },
    );
}

// ---------------------------------------------------------------------------------------------
// JSON bodies: POST /people.

/// The contract's answer to `POST /people`.
fn expected_create(
    app: &App,
    content_type: Option<&str>,
    body: &[u8],
) -> (u16, Option<(String, String)>) {
    if essence(content_type).as_deref() != Some("application/json") {
        return (415, None);
    }
    if body.len() > 64 * 1024 {
        return (413, None);
    }
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return (400, None);
    };
    let member = |name: &str| match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    };
    let (Ok(fname), Ok(lname)) = (member("fname"), member("lname")) else {
        return (400, None);
    };
    match (fname, lname) {
        (Some(f), Some(l)) if name_ok(&f, false) && name_ok(&l, true) => {
            if app.state.person(&l).is_some() {
                (409, None)
            } else {
                (201, Some((f, l)))
            }
        }
        _ => (422, None),
    }
}

#[test]
fn json_bodies() {
    let rt = runtime();
    let app = rt.block_on(App::new());
    let body = json_body(member().boxed());
    check(
        "JSON bodies",
        1000,
        (content_type(), body),
        |(content_type, body)| {
            rt.block_on(async {
                let (want, created) = expected_create(&app, content_type, &body);
                let mut req = request(Method::POST, "/api/v1/people")
                    .header(AUTHORIZATION, bearer(&app.token));
                if let Some(ct) = content_type {
                    req = req.header(CONTENT_TYPE, ct);
                }
                let before = app.state.people();
                let answer = app
                    .send(req.body(Body::from(body)).expect("a request"))
                    .await;
                verdict(&Method::POST, "/api/v1/people", &answer)?;
                prop_assert_eq!(answer.status.as_u16(), want, "{:?}", answer);
                match created {
                    Some((fname, lname)) => {
                        let person = app.state.person(&lname).expect("created");
                        prop_assert_eq!(person.fname, fname);
                        let location = answer.header("location").expect("Location");
                        prop_assert_eq!(
                            location,
                            format!("/api/v1/people/{}", people_mock::encode_segment(&lname))
                        );
                        prop_assert!(answer.header("etag").is_some());
                    }
                    None => prop_assert_eq!(app.state.people(), before),
                }
                Ok(answer.status.as_u16())
            })
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Merge patches and replacements: PATCH and PUT /people/{lname}.

#[derive(Debug, Clone, Copy)]
enum Precondition {
    None,
    Star,
    Current,
    Stale,
    Weak,
    ListWithCurrent,
    Malformed(&'static str),
}

fn precondition() -> impl Strategy<Value = Precondition> {
    prop_oneof![
        3 => Just(Precondition::None),
        1 => Just(Precondition::Star),
        2 => Just(Precondition::Current),
        1 => Just(Precondition::Stale),
        1 => Just(Precondition::Weak),
        1 => Just(Precondition::ListWithCurrent),
        1 => select(&["abc", "\"unterminated", "W/abc", ", ,", "", "\"a\" x", "*, \"a\""][..])
            .prop_map(Precondition::Malformed),
    ]
}

impl Precondition {
    fn header(self, current: Option<&str>) -> Option<String> {
        let current = current.unwrap_or("\"never-issued\"").to_owned();
        match self {
            Precondition::None => None,
            Precondition::Star => Some("*".into()),
            Precondition::Current => Some(current),
            Precondition::Stale => Some("\"0123456789abcdef\"".into()),
            Precondition::Weak => Some(format!("W/{current}")),
            Precondition::ListWithCurrent => Some(format!("\"stale\", {current}")),
            Precondition::Malformed(text) => Some(text.into()),
        }
    }

    fn matches(self) -> bool {
        matches!(
            self,
            Precondition::None
                | Precondition::Star
                | Precondition::Current
                | Precondition::ListWithCurrent
        )
    }
}

/// A body member as the contract reads it: absent, `null`, a string, or another JSON type.
enum Member {
    Absent,
    Null,
    Text(String),
    Other,
}

fn read_member(map: &Map<String, Value>, name: &str) -> Member {
    match map.get(name) {
        None => Member::Absent,
        Some(Value::Null) => Member::Null,
        Some(Value::String(s)) => Member::Text(s.clone()),
        Some(_) => Member::Other,
    }
}

/// The contract's answer to a PATCH or PUT, and the fname the person then has.
fn expected_write(
    method: &Method,
    target: &str,
    content_type: Option<&str>,
    body: &[u8],
    precondition: Precondition,
) -> (u16, Option<Option<String>>) {
    let accepted: &[&str] = if *method == Method::PATCH {
        &["application/merge-patch+json", "application/json"]
    } else {
        &["application/json"]
    };
    if !essence(content_type).is_some_and(|e| accepted.contains(&e.as_str())) {
        return (415, None);
    }
    if body.len() > 64 * 1024 {
        return (413, None);
    }
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return (400, None);
    };
    let (fname, lname) = (read_member(&map, "fname"), read_member(&map, "lname"));
    if matches!(fname, Member::Other) || matches!(lname, Member::Other) {
        return (400, None);
    }
    if matches!(precondition, Precondition::Malformed(_)) {
        return (400, None);
    }
    let patch = *method == Method::PATCH;
    let fname_ok = match &fname {
        Member::Absent => patch,
        Member::Null => false,
        Member::Text(f) => name_ok(f, false),
        Member::Other => unreachable!(),
    };
    let lname_ok = match &lname {
        Member::Absent => patch,
        Member::Null => false,
        Member::Text(l) => l == target,
        Member::Other => unreachable!(),
    };
    if !(fname_ok && lname_ok) {
        return (422, None);
    }
    match target {
        "Never" => return (404, None),
        "Gone" => return (410, None),
        _ => {}
    }
    if !precondition.matches() {
        return (412, None);
    }
    let new_fname = match fname {
        Member::Text(f) => Some(f),
        _ => None,
    };
    (204, Some(new_fname))
}

/// A mock where `Gone` was created and then deleted (so it answers 410).
async fn app_with_gone() -> App {
    let app = App::new().await;
    for (method, uri, body) in [
        (
            Method::POST,
            "/api/v1/people",
            r#"{"fname":"G","lname":"Gone"}"#,
        ),
        (Method::DELETE, "/api/v1/people/Gone", ""),
    ] {
        let req = request(method, uri)
            .header(AUTHORIZATION, bearer(&app.token))
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("a request");
        assert!(app.send(req).await.status.is_success());
    }
    app
}

#[test]
fn merge_patches_and_replacements() {
    let rt = runtime();
    let app = rt.block_on(app_with_gone());
    let target = select(&["Farrell", "Brockman", "Easter", "Gone", "Never"][..]);
    let lname = prop_oneof![
        3 => Just(Some(Value::String("=path".into()))),
        1 => Just(None),
        1 => Just(Some(Value::Null)),
        1 => member(),
    ]
    .boxed();
    let method = select(&[Method::PATCH, Method::PATCH, Method::PUT][..]);
    let strategy = (
        method,
        target,
        content_type(),
        json_body(lname),
        precondition(),
    );
    check(
        "merge patches and replacements",
        1000,
        strategy,
        |(method, target, content_type, body, precondition)| {
            rt.block_on(async {
                // "=path" stands for the path's own lname, which a valid body must repeat.
                let body = String::from_utf8_lossy(&body)
                    .replace("\"=path\"", &format!("\"{target}\""))
                    .into_bytes();
                let uri = format!("/api/v1/people/{target}");
                let current = app.get(&uri).await;
                let etag = current.header("etag").map(str::to_owned);
                let if_match = precondition.header(etag.as_deref());
                let (want, fname) =
                    expected_write(&method, target, content_type, &body, precondition);
                let mut req =
                    request(method.clone(), &uri).header(AUTHORIZATION, bearer(&app.token));
                if let Some(ct) = content_type {
                    req = req.header(CONTENT_TYPE, ct);
                }
                if let Some(value) = &if_match {
                    req = req.header(IF_MATCH, value.as_str());
                }
                let before = app.state.people();
                let answer = app
                    .send(req.body(Body::from(body.clone())).expect("a request"))
                    .await;
                verdict(&method, &uri, &answer)?;
                prop_assert_eq!(
                    answer.status.as_u16(),
                    want,
                    "If-Match {:?}: {:?}",
                    if_match,
                    answer
                );
                let after = app.state.person(target);
                match fname {
                    None => prop_assert_eq!(app.state.people(), before),
                    Some(Some(fname)) => {
                        prop_assert_eq!(after.map(|p| p.fname), Some(fname));
                        prop_assert_ne!(answer.header("etag"), etag.as_deref());
                    }
                    // A patch without fname changes nothing: same person, same ETag.
                    Some(None) => {
                        prop_assert_eq!(app.state.people(), before);
                        prop_assert_eq!(answer.header("etag"), etag.as_deref());
                    }
                }
                Ok(answer.status.as_u16())
            })
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Multipart bodies: POST /people/{lname}/photo and /attachments.

const BOUNDARY: &str = "fuzz-7d1c0e9b3a52";
const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

#[derive(Debug, Clone)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<&'static str>,
    data: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    None,
    Truncate(prop::sample::Index),
    OtherBoundary,
    NoBoundary,
    NotMultipart,
}

fn signature_ok(content_type: &str, data: &[u8]) -> bool {
    match content_type {
        "image/png" => data.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => data.starts_with(b"\xff\xd8\xff"),
        "image/gif" => data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a"),
        "image/webp" => data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP",
        _ => false,
    }
}

/// The start of each image format, and nothing.
const SIGNATURES: [&[u8]; 5] = [
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"GIF89a",
    b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    b"",
];

fn part() -> impl Strategy<Value = Part> {
    let name = prop_oneof![
        6 => select(&["file", "files", "caption", "note"][..]).prop_map(str::to_owned),
        1 => "[a-z]{1,6}",
    ];
    let prefix = select(&SIGNATURES[..]);
    let data = prop_oneof![
        4 => (prefix, prop::collection::vec(any::<u8>(), 0..32)).prop_map(|(p, rest)| [p, &rest[..]].concat()),
        2 => "\\PC{0,20}".prop_map(String::into_bytes),
        1 => Just(vec![b'a'; 1025]),
        1 => Just(vec![0xff, 0xfe, 0x80]),
    ];
    let content_type = select(
        &[
            Some("image/png"),
            Some("image/jpeg"),
            Some("image/gif"),
            Some("image/webp"),
            Some("application/octet-stream"),
            Some("text/plain"),
            None,
        ][..],
    );
    let filename = prop::option::of("[a-zA-Z0-9 ._-]{1,12}");
    (name, filename, content_type, data).prop_map(|(name, filename, content_type, data)| Part {
        name,
        filename,
        content_type,
        data,
    })
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        12 => Just(Damage::None),
        2 => any::<prop::sample::Index>().prop_map(Damage::Truncate),
        1 => Just(Damage::OtherBoundary),
        1 => Just(Damage::NoBoundary),
        1 => Just(Damage::NotMultipart),
    ]
}

fn encode_multipart(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
        if let Some(filename) = &part.filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = part.content_type {
            out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&part.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// The contract's answer to an intact upload.
fn expected_upload(photo: bool, target: &str, parts: &[Part]) -> u16 {
    let (file_name, text_name) = if photo {
        ("file", "caption")
    } else {
        ("files", "note")
    };
    let files: Vec<&Part> = parts.iter().filter(|p| p.name == file_name).collect();
    if photo && let Some(first) = files.first() {
        match first.content_type {
            Some(ct) if IMAGE_TYPES.contains(&ct) && signature_ok(ct, &first.data) => {}
            _ => return 415,
        }
    }
    if files.is_empty() || (photo && files.len() > 1) {
        return 422;
    }
    let texts: Vec<&Part> = parts.iter().filter(|p| p.name == text_name).collect();
    let text_ok = |p: &&Part| std::str::from_utf8(&p.data).is_ok_and(|t| t.chars().count() <= 1024);
    if texts.len() > 1 || !texts.iter().all(text_ok) {
        return 422;
    }
    match target {
        "Never" => 404,
        "Gone" => 410,
        _ => 201,
    }
}

/// What the store holds of a person's uploads.
async fn uploads_of(app: &App, lname: &str) -> (u16, Option<String>, Value) {
    let photo = app.get(&format!("/api/v1/people/{lname}/photo")).await;
    let list = app
        .get(&format!("/api/v1/people/{lname}/attachments"))
        .await;
    (
        photo.status.as_u16(),
        photo.header("etag").map(str::to_owned),
        list.json(),
    )
}

#[test]
fn multipart_bodies() {
    let rt = runtime();
    let app = rt.block_on(app_with_gone());
    let strategy = (
        any::<bool>(),
        select(&["Brockman", "Brockman", "Gone", "Never"][..]),
        prop::collection::vec(part(), 0..5),
        damage(),
    );
    check(
        "multipart bodies",
        600,
        strategy,
        |(photo, target, parts, damage)| {
            rt.block_on(async {
                let route = if photo { "photo" } else { "attachments" };
                let uri = format!("/api/v1/people/{target}/{route}");
                let mut body = encode_multipart(&parts);
                let mut content_type = format!("multipart/form-data; boundary={BOUNDARY}");
                match damage {
                    Damage::None => {}
                    Damage::Truncate(at) => body.truncate(at.index(body.len())),
                    Damage::OtherBoundary => {
                        content_type = "multipart/form-data; boundary=elsewhere".into()
                    }
                    Damage::NoBoundary => content_type = "multipart/form-data".into(),
                    Damage::NotMultipart => content_type = "application/octet-stream".into(),
                }
                let req = request(Method::POST, &uri)
                    .header(AUTHORIZATION, bearer(&app.token))
                    .header(CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .expect("a request");
                let before = (app.state.people(), uploads_of(&app, "Brockman").await);
                let answer = app.send(req).await;
                verdict(&Method::POST, &uri, &answer)?;
                let status = answer.status.as_u16();
                match damage {
                    Damage::None => prop_assert_eq!(
                        status,
                        expected_upload(photo, target, &parts),
                        "{:?}",
                        answer
                    ),
                    Damage::NoBoundary => prop_assert_eq!(status, 400),
                    Damage::NotMultipart => prop_assert_eq!(status, 415),
                    Damage::Truncate(_) | Damage::OtherBoundary => {}
                }
                if status == 201 {
                    prop_assert_eq!(target, "Brockman");
                    if !photo {
                        let stored = answer.json()["data"].as_array().map(Vec::len);
                        let sent = parts.iter().filter(|p| p.name == "files").count();
                        prop_assert_eq!(stored, Some(sent));
                    }
                } else {
                    let after = (app.state.people(), uploads_of(&app, "Brockman").await);
                    prop_assert_eq!(after, before);
                }
                Ok(status)
            })
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Headers.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Auth {
    None,
    Writer,
    WriterLowercaseScheme,
    Reader,
    Unknown,
    Basic,
    EmptyBearer,
}

fn random_header() -> impl Strategy<Value = (String, Vec<u8>)> {
    let byte = prop_oneof![8 => 0x20u8..0x7f, 1 => 0x80u8..=0xff, 1 => Just(b'\t')];
    ("[a-z][a-z0-9-]{0,12}", prop::collection::vec(byte, 0..30))
}

#[test]
fn headers() {
    let rt = runtime();
    let app = rt.block_on(App::new());
    let route = select(
        &[
            (Method::GET, "/api/v1/people"),
            (Method::HEAD, "/api/v1/people"),
            (Method::GET, "/api/v1/people/Farrell"),
            (Method::HEAD, "/api/v1/people/Farrell"),
            (Method::GET, "/api/v1/people/Farrell/attachments"),
            (Method::PUT, "/api/v1/people/Farrell"),
        ][..],
    );
    let auth = select(
        &[
            Auth::None,
            Auth::Writer,
            Auth::Writer,
            Auth::Writer,
            Auth::WriterLowercaseScheme,
            Auth::Reader,
            Auth::Unknown,
            Auth::Basic,
            Auth::EmptyBearer,
        ][..],
    );
    // (value, whether it allows application/json); `None` when the test does not judge.
    let accept = prop_oneof![
        4 => select(
            &[
                (Some("application/json"), Some(true)),
                (Some("*/*"), Some(true)),
                (Some("application/*"), Some(true)),
                (Some("text/html, application/json;q=0.1"), Some(true)),
                (Some("garbage"), Some(true)),
                (None, Some(true)),
                (Some("text/html"), Some(false)),
                (Some("image/png"), Some(false)),
                (Some("application/json;q=0"), Some(false)),
                (Some("application/json;q=0, */*"), Some(false)),
            ][..]
        )
        .prop_map(|(v, ok)| (v.map(str::to_owned), ok)),
        1 => "[ -~]{0,20}".prop_map(|v| (Some(v), None)),
    ];
    let if_match = prop::option::of(select(&["*", "\"x\"", "W/\"x\"", "garbage", ""][..]));
    let strategy = (
        route,
        auth,
        accept,
        content_type(),
        if_match,
        prop::collection::vec(random_header(), 0..4),
    );
    check(
        "headers",
        1000,
        strategy,
        |((method, path), auth, (accept, accept_ok), content_type, if_match, extra)| {
            rt.block_on(async {
                let mut req = request(method.clone(), path);
                let authorization = match auth {
                    Auth::None => None,
                    Auth::Writer => Some(bearer(&app.token)),
                    Auth::WriterLowercaseScheme => Some(format!("bearer   {}", app.token)),
                    Auth::Reader => Some(bearer(&app.reader)),
                    Auth::Unknown => Some("Bearer not-a-token".into()),
                    Auth::Basic => Some("Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=".into()),
                    Auth::EmptyBearer => Some("Bearer ".into()),
                };
                if let Some(value) = &authorization {
                    req = req.header(AUTHORIZATION, value);
                }
                if let Some(value) = &accept {
                    req = req.header(ACCEPT, value);
                }
                if let Some(ct) = content_type {
                    req = req.header(CONTENT_TYPE, ct);
                }
                if let Some(value) = if_match {
                    req = req.header(IF_MATCH, value);
                }
                for (name, value) in &extra {
                    let (Ok(name), Ok(value)) = (
                        HeaderName::try_from(name.as_str()),
                        HeaderValue::from_bytes(value),
                    ) else {
                        continue;
                    };
                    // The listed headers, when random, only ever make the request fail; not here.
                    if [
                        AUTHORIZATION,
                        ACCEPT,
                        CONTENT_TYPE,
                        IF_MATCH,
                        http::header::CONTENT_LENGTH,
                    ]
                    .contains(&name)
                    {
                        continue;
                    }
                    req = req.header(name, value);
                }
                let body = if method == Method::PUT {
                    r#"{"fname":"Header","lname":"Farrell"}"#
                } else {
                    ""
                };
                let before = app.state.people();
                let answer = app
                    .send(req.body(Body::from(body)).expect("a request"))
                    .await;
                verdict(&method, path, &answer)?;
                let status = answer.status.as_u16();
                let write = method == Method::PUT;
                match auth {
                    Auth::None | Auth::Unknown | Auth::Basic | Auth::EmptyBearer => {
                        prop_assert_eq!(status, 401);
                        prop_assert!(
                            answer
                                .header("www-authenticate")
                                .is_some_and(|v| v.starts_with("Bearer"))
                        );
                    }
                    Auth::Reader if write => prop_assert_eq!(status, 403),
                    _ if !write && accept_ok == Some(false) => prop_assert_eq!(status, 406),
                    _ if !write && accept_ok == Some(true) => prop_assert_eq!(status, 200),
                    _ => {}
                }
                if write && status == 204 {
                    prop_assert_eq!(
                        app.state.person("Farrell").map(|p| p.fname),
                        Some("Header".to_owned())
                    );
                } else {
                    prop_assert_eq!(app.state.people(), before);
                }
                Ok(status)
            })
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Percent-encoded paths.

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{1,12}".prop_map(|s| encode_all(&s)),
        3 => "\\PC{1,12}".prop_map(|s| people_mock::encode_segment(&s)),
        2 => prop::collection::vec(any::<u8>(), 1..8)
            .prop_map(|bytes| bytes.iter().map(|b| format!("%{b:02X}")).collect()),
        2 => select(
            &[
                "..", ".", "%2F", "a%2Fb", "%00", "%", "%zz", "%E6%9D", "Farrell", "O%27Brien",
                "100%25", "%20Farrell", "Farrell%20", "%46arrell", "farrell", "FARRELL",
            ][..]
        )
        .prop_map(str::to_owned),
    ]
}

#[test]
fn percent_encoded_paths() {
    let rt = runtime();
    let app = rt.block_on(App::new());
    let suffix = select(
        &[
            "",
            "",
            "/photo",
            "/attachments",
            "/attachments/att_00000001",
            "/attachments/%FF",
            "/",
            "/x",
            "//photo",
        ][..],
    );
    let method = select(
        &[
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ][..],
    );
    check(
        "percent-encoded paths",
        1000,
        (method, segment(), suffix),
        |(method, segment, suffix)| {
            rt.block_on(async {
                let path = format!("/api/v1/people/{segment}{suffix}");
                let decoded = percent_encoding::percent_decode_str(&segment)
                    .decode_utf8_lossy()
                    .into_owned();
                let body = json!({"fname": "Path", "lname": decoded}).to_string();
                let Ok(req) = request(method.clone(), &path)
                    .header(AUTHORIZATION, bearer(&app.token))
                    .header(CONTENT_TYPE, "application/json")
                    .body(Body::from(body))
                else {
                    return Err(TestCaseError::reject("not a URI"));
                };
                let before = app.state.people();
                let answer = app.send(req).await;
                verdict(&method, &path, &answer)?;
                let status = answer.status.as_u16();
                if status == 405 {
                    prop_assert!(answer.header("allow").is_some());
                }
                if !answer.status.is_success() {
                    prop_assert_eq!(&app.state.people(), &before);
                }
                // A key that was never created is 404 on every route under it.
                let never = !SEEDS.contains(&decoded.as_str())
                    && !before.iter().any(|p| p.lname == decoded);
                if never && suffix.is_empty() && [Method::GET, Method::DELETE].contains(&method) {
                    prop_assert_eq!(status, 404, "{}", path);
                }
                Ok(status)
            })
        },
    );
}

/// Any valid key round-trips: created, read back under its `Location` and under a fully
/// percent-encoded path, deleted, and then gone.
#[test]
fn valid_keys_round_trip_through_every_encoding() {
    let rt = runtime();
    let app = rt.block_on(App::new());
    let key = prop_oneof![
        "[A-Za-z][A-Za-z '%?#&+=;,.~\\\\\"<>^`{}|\\[\\]-]{0,10}[A-Za-z%]",
        "\\PC{1,16}",
        select(
            &[
                "O'Brien",
                "Lévi-Strauss",
                "van der Berg",
                "100%",
                "李",
                "a?b#c",
                "%2F",
                "%"
            ][..]
        )
        .prop_map(str::to_owned),
    ]
    .prop_filter("a valid key that is not a seed", |k| {
        name_ok(k, true) && !SEEDS.contains(&k.as_str())
    });
    check("valid keys", 300, key, |key| {
        rt.block_on(async {
            let body = json!({"fname": "Round", "lname": key}).to_string();
            let create = request(Method::POST, "/api/v1/people")
                .header(AUTHORIZATION, bearer(&app.token))
                .header(CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .expect("a request");
            let created = app.send(create).await;
            prop_assert_eq!(created.status.as_u16(), 201, "{:?}", created);
            let location = created
                .headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .expect("Location")
                .to_owned();
            let by_location = app.get(&location).await;
            prop_assert_eq!(by_location.status.as_u16(), 200, "{}", location);
            prop_assert_eq!(&by_location.json()["lname"], key.as_str());
            let encoded = format!("/api/v1/people/{}", encode_all(&key));
            let by_encoded = app.get(&encoded).await;
            prop_assert_eq!(by_encoded.status.as_u16(), 200);
            prop_assert_eq!(by_encoded.headers.get(ETAG), by_location.headers.get(ETAG));
            let delete = request(Method::DELETE, &encoded)
                .header(AUTHORIZATION, bearer(&app.token))
                .body(Body::empty())
                .expect("a request");
            prop_assert_eq!(app.send(delete).await.status.as_u16(), 204);
            prop_assert_eq!(app.get(&location).await.status.as_u16(), 410);
            prop_assert!(app.state.person(&key).is_none());
            Ok(created.status.as_u16())
        })
    });
}
