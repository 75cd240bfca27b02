//! No personal data in the SDK's spans and events: they record the route template of a call
//! (`/people/{lname}`), never the path or query it was sent with, which hold a person's name.
//!
//! A test binary of its own: it installs a global subscriber for the SDK's output at TRACE level
//! (tracing caches per call site whether it is enabled, for the whole process), and spans are
//! written both when they open and when they close, with every field recorded.

mod support;

use people_sdk::{AttachmentUpload, FilePart, PhotoUpload};
use support::{LogCapture, client, mock, png, within};

/// A name that shows in any encoding of it: raw, percent-encoded in a path (`Horv%C3%A1th`) or
/// form-encoded in a query (`von+Horv%C3%A1th`).
const LNAME: &str = "Ödön von Horváth";
const LNAME_MARK: &str = "Horv";
const FNAME: &str = "Wenzeslaus";

#[tokio::test]
async fn spans_record_route_templates_and_no_names() {
    let logs = LogCapture::install_filtered("people_sdk=trace");
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        let person = client.person(LNAME);

        client.people().create(FNAME, LNAME).await.unwrap();
        let conflict = client.people().create(FNAME, LNAME).await.unwrap_err();
        assert!(conflict.is_conflict(), "{conflict:?}");
        person.get().await.unwrap();
        let page = client.people().list().lname(LNAME).send().await.unwrap();
        assert_eq!(page.items().len(), 1);
        person.update(FNAME).await.unwrap();

        person
            .photo()
            .upload(PhotoUpload::from_bytes(png(256)).caption(format!("{FNAME} {LNAME}")))
            .await
            .unwrap();
        person.photo().bytes().await.unwrap();

        let stored = person
            .attachments()
            .upload(
                AttachmentUpload::new()
                    .file(FilePart::from_bytes("a letter").with_file_name(format!("{LNAME}.txt")))
                    .note(FNAME),
            )
            .await
            .unwrap();
        person.attachments().list().await.unwrap();
        let id = &stored[0].id;
        person
            .attachments()
            .download(id)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        person.attachments().delete(id).send().await.unwrap();

        let missing = client
            .person(format!("{LNAME} Jr."))
            .get()
            .await
            .unwrap_err();
        assert!(missing.is_not_found(), "{missing:?}");
        person.delete().send().await.unwrap();
        let gone = person.get().await.unwrap_err();
        assert!(gone.is_gone(), "{gone:?}");
    })
    .await;

    let text = logs.text();
    for personal in [LNAME_MARK, FNAME] {
        assert!(
            !text.contains(personal),
            "{personal:?} is in the SDK's tracing output:\n{text}"
        );
    }
    assert!(!text.contains("demo-secret"), "{text}");
    for expected in [
        "people_sdk.call",
        "people_sdk.token",
        "http.route=\"/people\"",
        "http.route=\"/people/{lname}\"",
        "http.route=\"/people/{lname}/photo\"",
        "http.route=\"/people/{lname}/attachments\"",
        "http.route=\"/people/{lname}/attachments/{id}\"",
        "http.route=\"/oauth/token\"",
        "http.request.method=GET",
        "http.request.method=POST",
        "http.request.method=PUT",
        "http.request.method=DELETE",
        "http.response.status_code=200",
        "http.response.status_code=201",
        "http.response.status_code=409",
        "http.response.status_code=404",
        "http.response.status_code=410",
        "error.type=Conflict",
        "api.error=\"person_exists\"",
        "operation=\"get_attachment\"",
        "attempt=1",
        "latency_ms=",
    ] {
        assert!(
            text.contains(expected),
            "{expected} is not in the SDK's tracing output:\n{text}"
        );
    }
}
