//! A key can never change which route a request reaches.
//!
//! A generated set of keys, valid and invalid, goes through every per-person route of the SDK
//! against a `PeopleMock`. For each call the mock's journal must show either nothing (the SDK
//! refused the key, with its validation error) or exactly one request, with the route's method,
//! whose path has the route's segments with the key as one segment that decodes to the key
//! itself. The SDK must refuse exactly the keys the spec's pattern refuses, and people whose names
//! a rewritten path would reach (`photo`, `attachments`) must come out untouched.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use people_mock::{JournalEntry, PeopleMock};
use people_sdk::types::PersonPatch;
use people_sdk::{AttachmentUpload, Client, Error, FilePart, PhotoUpload};
use percent_encoding::percent_decode_str;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngSeed, TestRunner};

/// People a path rewritten around a dot segment would reach: `people/./photo` is
/// `people/photo`, the person called `photo`.
const DECOYS: [&str; 3] = ["photo", "attachments", "people"];

/// Pieces that URLs, percent-encoding and the name rules treat specially.
const PIECES: [&str; 20] = [
    ".", "..", "%", "%2E", "%2e", "%2F", "/", "\\", "?", "#", " ", "\t", "\u{feff}", "\u{0}", "李",
    "😀", "a", ";", "~", "\u{202e}",
];

/// The keys under test: hand-picked ones, every one or two of the pieces, and random strings.
fn keys() -> Vec<String> {
    let mut keys: BTreeSet<String> = [
        ".",
        "..",
        "...",
        "....",
        ".a",
        "a.",
        "%2E",
        ".%2e",
        "%2e.",
        "%2E%2E",
        "%2e%2E",
        "a\\b",
        "?",
        "#",
        "%",
        "%2F",
        "/",
        "a/b",
        "./photo",
        "../photo",
        "%2E/photo",
        "O'Brien",
        "100%",
        "Lévi-Strauss",
        "van der Berg",
        "a?b#c",
        "a%20b",
        "%00",
        "\u{2028}",
        "\u{200b}x",
        " ",
        " a",
        "a ",
        "a b",
        "\u{feff}a",
        "",
        "photo.",
        ".photo",
        "attachments/x",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    keys.extend([
        "x".repeat(64),
        "x".repeat(65),
        "é".repeat(64),
        "李".repeat(65),
    ]);
    for a in PIECES {
        keys.insert(a.to_owned());
        for b in PIECES {
            keys.insert(format!("{a}{b}"));
        }
    }
    let random = proptest::string::string_regex("\\PC{1,10}|[./%2Ee ]{1,4}").expect("a strategy");
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(support::seed::proptest_seed("random keys")),
        ..Config::default()
    });
    for _ in 0..100 {
        keys.insert(random.new_tree(&mut runner).expect("a key").current());
    }
    for decoy in DECOYS.iter().chain(&["Farrell", "Brockman", "Easter"]) {
        keys.remove(*decoy);
    }
    keys.into_iter().collect()
}

/// The spec's rules for the keys of a path: a person's `Lname` and an attachment's id.
struct KeyRule {
    id: regress::Regex,
}

impl KeyRule {
    fn from_spec() -> Self {
        KeyRule {
            id: support::spec_pattern("/components/parameters/AttachmentId/schema/pattern"),
        }
    }

    /// The `Lname` schema's rule, as the other request-level tests read it from the spec.
    fn accepts_lname(&self, key: &str) -> bool {
        support::name_ok(key, true)
    }

    fn accepts_id(&self, id: &str) -> bool {
        (1..=64).contains(&id.chars().count()) && self.id.find(id).is_some()
    }
}

/// Every per-person call of the SDK.
#[derive(Clone, Copy, Debug)]
enum Route {
    Create,
    Get,
    Head,
    Update,
    Patch,
    PhotoUpload,
    PhotoBytes,
    PhotoHead,
    PhotoDelete,
    AttachmentsUpload,
    AttachmentsList,
    AttachmentDownload,
    AttachmentDelete,
    Delete,
}

const ROUTES: [Route; 14] = [
    Route::Create,
    Route::Get,
    Route::Head,
    Route::Update,
    Route::Patch,
    Route::PhotoUpload,
    Route::PhotoBytes,
    Route::PhotoHead,
    Route::PhotoDelete,
    Route::AttachmentsUpload,
    Route::AttachmentsList,
    Route::AttachmentDownload,
    Route::AttachmentDelete,
    Route::Delete,
];

impl Route {
    /// The method and the path segments under `/api/v1/` the call must reach.
    fn target<'a>(self, key: &'a str, id: &'a str) -> (&'static str, Vec<&'a str>) {
        let person = vec!["people", key];
        let with = |rest: &[&'a str]| [person.clone(), rest.to_vec()].concat();
        match self {
            Route::Create => ("POST", vec!["people"]),
            Route::Get => ("GET", person),
            Route::Head => ("HEAD", person),
            Route::Update => ("PUT", person),
            Route::Patch => ("PATCH", person),
            Route::PhotoUpload => ("POST", with(&["photo"])),
            Route::PhotoBytes => ("GET", with(&["photo"])),
            Route::PhotoHead => ("HEAD", with(&["photo"])),
            Route::PhotoDelete => ("DELETE", with(&["photo"])),
            Route::AttachmentsUpload => ("POST", with(&["attachments"])),
            Route::AttachmentsList => ("GET", with(&["attachments"])),
            Route::AttachmentDownload => ("GET", with(&["attachments", id])),
            Route::AttachmentDelete => ("DELETE", with(&["attachments", id])),
            Route::Delete => ("DELETE", person),
        }
    }

    /// Makes the call; an upload of attachments returns the id it stored.
    async fn call(self, client: &Client, key: &str, id: &str) -> Result<Option<String>, Error> {
        let person = client.person(key);
        match self {
            Route::Create => client.people().create("Ann", key).await.map(|_| None),
            Route::Get => person.get().await.map(|_| None),
            Route::Head => person.etag().await.map(|_| None),
            Route::Update => person.update("Updated").await.map(|_| None),
            Route::Patch => {
                let patch = PersonPatch {
                    fname: Some("Patched".parse().expect("a first name")),
                    lname: None,
                };
                person.patch(patch).await.map(|_| None)
            }
            Route::PhotoUpload => {
                let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
                let upload = PhotoUpload::from_bytes(png).caption("a key test");
                person.photo().upload(upload).await.map(|_| None)
            }
            Route::PhotoBytes => person.photo().bytes().await.map(|_| None),
            Route::PhotoHead => person.photo().head().await.map(|_| None),
            Route::PhotoDelete => person.photo().delete().await.map(|_| None),
            Route::AttachmentsUpload => {
                let file = FilePart::from_bytes(key.as_bytes().to_vec()).with_file_name("key.txt");
                let stored = person
                    .attachments()
                    .upload(AttachmentUpload::new().file(file))
                    .await?;
                Ok(stored.first().map(|attachment| attachment.id.clone()))
            }
            Route::AttachmentsList => person.attachments().list().await.map(|_| None),
            Route::AttachmentDownload => person
                .attachments()
                .download(id)
                .await?
                .bytes()
                .await
                .map(|_| None),
            Route::AttachmentDelete => person.attachments().delete(id).await.map(|_| None),
            Route::Delete => person.delete().await.map(|_| None),
        }
    }
}

/// The requests the mock received since the journal was last cleared, token requests aside.
fn sent(mock: &PeopleMock) -> Vec<JournalEntry> {
    mock.journal()
        .into_iter()
        .filter(|entry| entry.path != "/api/v1/oauth/token")
        .collect()
}

/// The path's segments under `/api/v1/`, each percent-decoded; `None` when one is not UTF-8.
fn decoded_segments(path: &str) -> Option<Vec<String>> {
    path.strip_prefix("/api/v1/")?
        .split('/')
        .map(|segment| {
            percent_decode_str(segment)
                .decode_utf8()
                .ok()
                .map(|text| text.into_owned())
        })
        .collect()
}

/// Asserts that `request` is exactly `method` on `segments`.
fn assert_reached(request: &JournalEntry, method: &str, segments: &[&str], what: &str) {
    assert_eq!(request.method, method, "{what}: {request:?}");
    let decoded = decoded_segments(&request.path);
    let expected: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        decoded.as_ref(),
        Some(&expected),
        "{what}: sent {}",
        request.path
    );
}

fn client(mock: &PeopleMock) -> Client {
    Client::builder()
        .base_url(mock.base_url())
        .client_credentials(mock.client_id(), mock.client_secret())
        .no_retry()
        .build()
        .expect("a client")
}

async fn start_mock() -> PeopleMock {
    PeopleMock::builder()
        .rate_limit(1_000_000, Duration::from_secs(60))
        .start()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_key_reaches_its_own_route_or_nothing() {
    let mock = start_mock().await;
    let client = client(&mock);
    for decoy in DECOYS {
        client
            .people()
            .create("Decoy", decoy)
            .await
            .expect("a decoy");
    }
    let decoys_before: Vec<_> = DECOYS.iter().map(|d| mock.person(d)).collect();
    let rule = KeyRule::from_spec();
    let keys = keys();
    let (mut refused, mut reached) = (0, 0);
    for key in &keys {
        let valid = rule.accepts_lname(key);
        let mut id = "att_00000001".to_owned();
        for route in ROUTES {
            let what = format!("{route:?} of {key:?}");
            mock.clear_journal();
            let result = route.call(&client, key, &id).await;
            let requests = sent(&mock);
            if !valid {
                let err = result.expect_err(&what);
                assert!(err.is_invalid_request(), "{what}: {err}");
                assert_eq!(requests, [], "{what}: sent for a refused key");
                refused += 1;
                continue;
            }
            let answer = result.unwrap_or_else(|err| panic!("{what}: {err}"));
            let [request] = requests.as_slice() else {
                panic!("{what}: {} requests sent: {requests:?}", requests.len());
            };
            let (method, segments) = route.target(key, &id);
            assert_reached(request, method, &segments, &what);
            reached += 1;
            if let Some(stored) = answer {
                id = stored;
            }
            let stored = mock.person(key).map(|p| p.fname);
            let expected = match route {
                Route::Create => Some("Ann"),
                Route::Update => Some("Updated"),
                Route::Delete => None,
                _ => stored.as_deref(),
            };
            assert_eq!(stored.as_deref(), expected, "{what}: the stored person");
        }
    }
    assert!(
        refused > 0 && reached > 0,
        "{refused} refused, {reached} reached"
    );
    let decoys_after: Vec<_> = DECOYS.iter().map(|d| mock.person(d)).collect();
    assert_eq!(decoys_after, decoys_before, "a decoy was changed");
    for decoy in DECOYS {
        let photo = client.person(decoy).photo().bytes().await.unwrap_err();
        assert!(photo.is_not_found(), "{decoy} has a photo: {photo}");
        let files = client.person(decoy).attachments().list().await.unwrap();
        assert!(files.is_empty(), "{decoy} has attachments");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attachment_id_reaches_its_own_route_or_nothing() {
    let mock = start_mock().await;
    let client = client(&mock);
    let rule = KeyRule::from_spec();
    for id in keys() {
        for route in [Route::AttachmentDownload, Route::AttachmentDelete] {
            let what = format!("{route:?} of id {id:?}");
            mock.clear_journal();
            let result = route.call(&client, "Farrell", &id).await;
            let requests = sent(&mock);
            if !rule.accepts_id(&id) {
                let err = result.expect_err(&what);
                assert!(err.is_invalid_request(), "{what}: {err}");
                assert_eq!(requests, [], "{what}: sent for a refused id");
                continue;
            }
            let err = result.expect_err(&what);
            assert!(err.is_not_found(), "{what}: {err}");
            let [request] = requests.as_slice() else {
                panic!("{what}: {} requests sent: {requests:?}", requests.len());
            };
            let (method, segments) = route.target("Farrell", &id);
            assert_reached(request, method, &segments, &what);
            let body = err.api_error().map(|e| e.error.clone());
            assert_eq!(body.as_deref(), Some("attachment_not_found"), "{what}");
        }
    }
    assert_eq!(mock.people().len(), 3, "the seed people are all there");
}
