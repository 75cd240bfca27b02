//! Faults through the SDK: with the mock's fault injection (dropped connections, delays past the
//! SDK's timeout, bursts of 503 and 429 with `Retry-After`, other 5xx, malformed bodies), the SDK
//! either succeeds after a bounded number of attempts or returns the right typed error, nothing
//! hangs (every test is bounded), and a request the server may have acted on (POST, PATCH) is
//! never sent twice: the fault's own use count is the number of such requests that arrived.

mod support;

use std::future::Future;
use std::time::Duration;

use people_mock::{Fault, FaultInfo, PeopleMock};
use people_sdk::{
    AttachmentUpload, Client, Error, ErrorKind, FilePart, PersonPatch, PhotoUpload, RetryPolicy,
};
use support::unlimited;

/// No test may take longer than this, whatever the SDK does.
const BOUND: Duration = Duration::from_secs(60);
/// The SDK's per-attempt timeout in these tests.
const TIMEOUT: Duration = Duration::from_millis(300);
/// A server-side delay well past [`TIMEOUT`].
const LATE: Duration = Duration::from_millis(1000);

const PEOPLE: &str = "/api/v1/people";
const FARRELL: &str = "/api/v1/people/Farrell";

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(BOUND, test)
        .await
        .expect("the test finished within its bound")
}

fn client(mock: &PeopleMock) -> Client {
    Client::builder()
        .base_url(mock.base_url().as_str())
        .client_credentials(mock.client_id(), mock.client_secret())
        .timeout(TIMEOUT)
        // Uploads have no time limit by default (files of any size); here they get one too.
        .transfer_timeout(TIMEOUT)
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_jitter(false),
        )
        .build()
        .expect("a client")
}

/// A mock and a client that already holds its token (so token requests do not blur the counts).
async fn setup() -> (PeopleMock, Client) {
    let mock = unlimited().start().await;
    let client = client(&mock);
    client.token_info().await.expect("a token");
    (mock, client)
}

/// How many requests the fault matched: with no `times` limit, every request of its method and
/// path, including those the server never finished (a dropped or abandoned connection).
fn uses(mock: &PeopleMock, id: people_mock::FaultId) -> u32 {
    mock.faults()
        .into_iter()
        .find(|f: &FaultInfo| f.id == id)
        .map(|f| f.uses)
        .expect("the fault is still listed")
}

/// Asserts that a fault limited with `times` was met exactly that often: the SDK went through
/// the whole burst, and (the call having succeeded) no further.
fn assert_used_up(mock: &PeopleMock, id: people_mock::FaultId, what: &str) {
    let info = mock
        .faults()
        .into_iter()
        .find(|f: &FaultInfo| f.id == id)
        .expect("the fault is still listed");
    assert_eq!(Some(info.uses), info.times, "{what}: uses of the fault");
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0u8; 64]);
    bytes
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Unsafe {
    Create,
    Patch,
    Photo,
    Attachments,
}

impl Unsafe {
    fn route(self) -> (&'static str, &'static str) {
        match self {
            Unsafe::Create => ("POST", PEOPLE),
            Unsafe::Patch => ("PATCH", FARRELL),
            Unsafe::Photo => ("POST", "/api/v1/people/Farrell/photo"),
            Unsafe::Attachments => ("POST", "/api/v1/people/Farrell/attachments"),
        }
    }

    async fn run(self, client: &Client) -> Result<(), Error> {
        let farrell = client.person("Farrell");
        match self {
            Unsafe::Create => client.people().create("Homer", "Simpson").await.map(drop),
            Unsafe::Patch => {
                let patch = PersonPatch {
                    fname: Some("Patched".parse().expect("a valid fname")),
                    ..PersonPatch::default()
                };
                farrell.patch(patch).await.map(drop)
            }
            Unsafe::Photo => farrell
                .photo()
                .upload(PhotoUpload::from_bytes(png()).with_file_name("me.png"))
                .await
                .map(drop),
            Unsafe::Attachments => {
                let upload = AttachmentUpload::new()
                    .file(FilePart::from_bytes(&b"one"[..]).with_file_name("a.txt"))
                    .file(FilePart::from_bytes(&b"two"[..]).with_file_name("b.txt"));
                farrell.attachments().upload(upload).await.map(drop)
            }
        }
    }

    /// Whether the server state shows the write, as far as the mock tells.
    async fn done(self, mock: &PeopleMock, client: &Client) -> bool {
        match self {
            Unsafe::Create => mock.person("Simpson").is_some(),
            Unsafe::Patch => mock.person("Farrell").is_some_and(|p| p.fname == "Patched"),
            Unsafe::Photo => match client.person("Farrell").photo().head().await {
                Ok(_) => true,
                // Farrell exists and has no photo: the contract's 404, nothing else.
                Err(e) if e.status().map(|s| s.as_u16()) == Some(404) && e.is_not_found() => false,
                Err(e) => panic!("HEAD of the photo: {e:?}"),
            },
            Unsafe::Attachments => !client
                .person("Farrell")
                .attachments()
                .list()
                .await
                .expect("the list")
                .is_empty(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Failure {
    Drop,
    Status(u16),
    Late,
}

impl Failure {
    fn fault(self) -> Fault {
        match self {
            Failure::Drop => Fault::drop_connection(),
            Failure::Status(status) => Fault::status(status),
            Failure::Late => Fault::delay(LATE),
        }
    }

    fn check(self, err: &Error) {
        match self {
            Failure::Drop => {
                assert!(
                    matches!(err.kind(), ErrorKind::Transport | ErrorKind::Connect),
                    "{err:?}"
                );
                assert_eq!(err.status(), None);
            }
            Failure::Status(status) => {
                assert_eq!(err.kind(), ErrorKind::Server, "{err:?}");
                assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            }
            Failure::Late => assert!(err.is_timeout(), "{err:?}"),
        }
    }
}

/// POST and PATCH are not repeated after a failure that may follow the server acting on them:
/// a dropped connection, a 500, 502 or 504, a timeout. Exactly one request arrives, the error
/// says what happened, and for the faults that answer before the handler nothing was stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_server_may_have_acted_on_is_never_sent_twice() {
    bounded(async {
        let failures = [
            Failure::Drop,
            Failure::Status(500),
            Failure::Status(502),
            Failure::Status(504),
            Failure::Late,
        ];
        let writes = [
            Unsafe::Create,
            Unsafe::Patch,
            Unsafe::Photo,
            Unsafe::Attachments,
        ];
        for failure in failures {
            for write in writes {
                let (mock, client) = setup().await;
                let (method, path) = write.route();
                let fault = mock.inject(failure.fault().method(method).path(path));
                let Err(err) = write.run(&client).await else {
                    panic!("{write:?} succeeded under {failure:?}");
                };
                failure.check(&err);
                assert_eq!(
                    uses(&mock, fault),
                    1,
                    "{write:?} under {failure:?}: sent once"
                );
                match failure {
                    // The request was handed to the server and held by the delay; the SDK gave up
                    // and closed the connection, and the server cancels a request whose client
                    // has gone (hyper sees the end of the connection while the request is in
                    // flight), so it never reaches the handler and is never recorded.
                    Failure::Late => {
                        tokio::time::sleep(LATE + Duration::from_millis(500)).await;
                        assert_eq!(mock.request_count(method, path), 0, "{write:?}: cancelled");
                        assert_eq!(uses(&mock, fault), 1);
                    }
                    // Dropped connections and status faults are recorded, once.
                    _ => assert_eq!(mock.request_count(method, path), 1, "{write:?}"),
                }
                assert!(
                    !write.done(&mock, &client).await,
                    "{write:?} under {failure:?} stored something"
                );
            }
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------------------

/// How many requests of a call that rode out the fault `id` the journal records: the fault's
/// `times` failed attempts and the one that succeeded, except that an attempt held by a delay is
/// cancelled when the SDK gives up on it (the server sees the connection end while the request is
/// in flight) and never recorded.
fn recorded(mock: &PeopleMock, id: people_mock::FaultId, name: &str) -> usize {
    let times = mock
        .faults()
        .into_iter()
        .find(|f: &FaultInfo| f.id == id)
        .and_then(|f| f.times)
        .expect("a fault limited in times");
    let failed = if name == "late" { 0 } else { times };
    usize::try_from(failed).expect("a small count") + 1
}

/// Idempotent calls (GET, HEAD, PUT, DELETE) ride out one dropped connection, one 502 or 504,
/// one answer too slow for the timeout, and bursts of 503 and 429 with `Retry-After`.
/// The transient faults an idempotent call rides out, each used up after one or two answers.
fn transient_faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("drop", Fault::drop_connection().times(1)),
        ("502", Fault::status(502).times(1)),
        ("504", Fault::status(504).times(1)),
        ("late", Fault::delay(LATE).times(1)),
        (
            "503 burst",
            Fault::status(503).retry_after(Duration::ZERO).times(2),
        ),
        (
            "429 burst",
            Fault::status(429).retry_after(Duration::ZERO).times(2),
        ),
        (
            "429, Retry-After: 1",
            Fault::status(429)
                .retry_after(Duration::from_secs(1))
                .times(1),
        ),
    ]
}

/// The fault was used up, and every request the mock saw on the route is one it recorded
/// (the failed attempts and the one that succeeded, nothing more).
fn assert_ridden_out(
    mock: &PeopleMock,
    id: people_mock::FaultId,
    method: &str,
    path: &str,
    name: &str,
) {
    let what = format!("{method} under {name}");
    assert_used_up(mock, id, &what);
    assert_eq!(
        mock.request_count(method, path),
        recorded(mock, id, name),
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_succeeds_after_transient_faults() {
    bounded(async {
        for (name, fault) in transient_faults() {
            let (mock, client) = setup().await;
            let id = mock.inject(fault.method("GET").path(FARRELL));
            let person = client
                .person("Farrell")
                .get()
                .await
                .unwrap_or_else(|e| panic!("GET under {name}: {e:?}"));
            assert_eq!(person.value().fname.as_str(), "Doug");
            assert_ridden_out(&mock, id, "GET", FARRELL, name);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_put_succeeds_after_transient_faults_and_its_change_is_there() {
    bounded(async {
        for (name, fault) in transient_faults() {
            let (mock, client) = setup().await;
            let id = mock.inject(fault.method("PUT").path(FARRELL));
            client
                .person("Farrell")
                .update("Douglas")
                .await
                .unwrap_or_else(|e| panic!("PUT under {name}: {e:?}"));
            assert_eq!(
                mock.person("Farrell").map(|p| p.fname).as_deref(),
                Some("Douglas")
            );
            assert_ridden_out(&mock, id, "PUT", FARRELL, name);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_succeeds_after_transient_faults_and_the_person_is_gone() {
    bounded(async {
        for (name, fault) in transient_faults() {
            let (mock, client) = setup().await;
            let id = mock.inject(fault.method("DELETE").path(FARRELL));
            // A late first DELETE is cancelled when the SDK gives up on it, so the retry is the
            // one that deletes, and the caller sees success.
            client
                .person("Farrell")
                .delete()
                .await
                .unwrap_or_else(|e| panic!("DELETE under {name}: {e:?}"));
            assert!(mock.person("Farrell").is_none());
            assert_ridden_out(&mock, id, "DELETE", FARRELL, name);
        }
    })
    .await;
}

/// A download's headers (`HEAD` of a photo) ride out the same faults.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_head_succeeds_after_transient_faults() {
    bounded(async {
        for (name, fault) in transient_faults() {
            let (mock, client) = setup().await;
            client
                .person("Brockman")
                .photo()
                .upload(PhotoUpload::from_bytes(png()))
                .await
                .expect("an upload");
            let path = "/api/v1/people/Brockman/photo";
            let id = mock.inject(fault.method("HEAD").path(path));
            client
                .person("Brockman")
                .photo()
                .head()
                .await
                .unwrap_or_else(|e| panic!("HEAD under {name}: {e:?}"));
            assert_ridden_out(&mock, id, "HEAD", path, name);
        }
    })
    .await;
}

/// A create answered 503 or 429 was not acted on ("nothing done"), so it is retried, and the
/// person exists once.
#[tokio::test]
async fn a_create_refused_with_503_or_429_is_retried() {
    bounded(async {
        for status in [503, 429] {
            let (mock, client) = setup().await;
            let fault = Fault::status(status)
                .retry_after(Duration::ZERO)
                .method("POST")
                .path(PEOPLE)
                .times(2);
            mock.inject(fault);
            client
                .people()
                .create("Homer", "Simpson")
                .await
                .expect("the create goes through on the third attempt");
            assert_eq!(mock.request_count("POST", PEOPLE), 3);
            assert_eq!(
                mock.people()
                    .iter()
                    .filter(|p| p.lname == "Simpson")
                    .count(),
                1
            );
        }
    })
    .await;
}

/// Faults that do not pass: the SDK gives up after its attempts (3 by default), or at once
/// where retrying cannot help, with the error that says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_faults_end_in_typed_errors_after_bounded_attempts() {
    bounded(async {
        type Check = fn(&Error) -> bool;
        let cases: Vec<(&str, Fault, u32, Check)> = vec![
            (
                "503",
                Fault::status(503).retry_after(Duration::ZERO),
                3,
                |e| e.is_unavailable() && e.retry_after() == Some(Duration::ZERO),
            ),
            (
                "429",
                Fault::status(429).retry_after(Duration::ZERO),
                3,
                |e| e.is_rate_limited(),
            ),
            ("drop", Fault::drop_connection(), 3, |e| {
                matches!(e.kind(), ErrorKind::Transport | ErrorKind::Connect)
            }),
            ("504", Fault::status(504), 3, |e| {
                e.kind() == ErrorKind::Server && e.status().is_some_and(|s| s.as_u16() == 504)
            }),
            ("late", Fault::delay(LATE), 3, |e| e.is_timeout()),
            ("500", Fault::status(500), 1, |e| {
                e.kind() == ErrorKind::Server && e.error() == Some("internal_error")
            }),
            ("malformed", Fault::malformed_body(200), 1, |e| {
                e.is_decode()
            }),
            (
                "429 for two minutes",
                Fault::status(429).retry_after(Duration::from_secs(120)),
                1,
                |e| e.is_rate_limited() && e.retry_after() == Some(Duration::from_secs(120)),
            ),
            (
                "503 for two minutes",
                Fault::status(503).retry_after(Duration::from_secs(120)),
                1,
                |e| e.is_unavailable() && e.retry_after() == Some(Duration::from_secs(120)),
            ),
        ];
        for (name, fault, attempts, check) in cases {
            let (mock, client) = setup().await;
            let id = mock.inject(fault.method("GET").path(FARRELL));
            let err = client
                .person("Farrell")
                .get()
                .await
                .expect_err("the fault never passes");
            assert!(check(&err), "{name}: {err:?}");
            assert_eq!(uses(&mock, id), attempts, "{name}: attempts");
        }
    })
    .await;
}

/// Bursts of 503 and 429 on every route of a small workload: it completes, and the data is what
/// the workload wrote.
#[tokio::test]
async fn a_workload_rides_out_bursts_on_every_route() {
    bounded(async {
        let (mock, client) = setup().await;
        for (method, path) in [
            ("POST", PEOPLE),
            ("GET", PEOPLE),
            ("GET", "/api/v1/people/L%C3%A9vi-Strauss"),
            ("PUT", "/api/v1/people/L%C3%A9vi-Strauss"),
            ("PATCH", "/api/v1/people/L%C3%A9vi-Strauss"),
            ("POST", "/api/v1/people/L%C3%A9vi-Strauss/photo"),
            ("POST", "/api/v1/people/L%C3%A9vi-Strauss/attachments"),
            ("DELETE", FARRELL),
        ] {
            mock.inject(
                Fault::status(503)
                    .retry_after(Duration::ZERO)
                    .method(method)
                    .path(path)
                    .times(1),
            );
            mock.inject(
                Fault::status(429)
                    .retry_after(Duration::ZERO)
                    .method(method)
                    .path(path)
                    .times(1),
            );
        }
        let people = client.people();
        people
            .create("Claude", "Lévi-Strauss")
            .await
            .expect("create");
        let levi = client.person("Lévi-Strauss");
        let etag = levi
            .get()
            .await
            .expect("get")
            .etag()
            .cloned()
            .expect("an ETag");
        levi.update("Claude G.").if_match(etag).await.expect("put");
        let patch = PersonPatch {
            fname: Some("Claude Gustave".parse().expect("a valid fname")),
            ..PersonPatch::default()
        };
        levi.patch(patch).await.expect("patch");
        levi.photo()
            .upload(PhotoUpload::from_bytes(png()))
            .await
            .expect("photo");
        let stored = levi
            .attachments()
            .upload(AttachmentUpload::new().file(FilePart::from_bytes(&b"notes"[..])))
            .await
            .expect("attachments");
        assert_eq!(stored.len(), 1);
        client.person("Farrell").delete().await.expect("delete");
        let everyone = people.list().collect_all().await.expect("list");
        let names: Vec<(&str, &str)> = everyone
            .iter()
            .map(|p| (p.fname.as_str(), p.lname.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("Kent", "Brockman"),
                ("Bunny", "Easter"),
                ("Claude Gustave", "Lévi-Strauss")
            ]
        );
        assert!(
            mock.faults().iter().all(|f| !f.is_active()),
            "every burst was met"
        );
        assert_eq!(levi.attachments().list().await.expect("list").len(), 1);
    })
    .await;
}

/// The token endpoint failing once (503) or dropping the connection does not fail the first call.
#[tokio::test]
async fn a_token_endpoint_blip_is_ridden_out() {
    bounded(async {
        let mock = unlimited().start().await;
        let client = client(&mock);
        mock.inject(
            Fault::status(503)
                .retry_after(Duration::ZERO)
                .method("POST")
                .path("/api/v1/oauth/token")
                .times(1),
        );
        let person = client.person("Farrell").get().await.expect("a person");
        assert_eq!(person.value().lname.as_str(), "Farrell");
        assert_eq!(mock.request_count("POST", "/api/v1/oauth/token"), 2);
    })
    .await;
}
