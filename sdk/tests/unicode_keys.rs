//! The contract's Unicode keys through every route: create, get, update, patch, photo,
//! attachments, delete and the `410` after it.

mod support;

use people_sdk::types::PersonPatch;
use people_sdk::{AttachmentUpload, FilePart, PhotoUpload};
use support::{UNICODE_KEYS, client, mock, png, sha256_hex, within};

#[tokio::test]
async fn every_route_round_trips_every_key() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        for key in UNICODE_KEYS {
            let created = client.people().create("Test", key).await.unwrap();
            let location = created.location().unwrap().to_owned();
            assert!(location.starts_with("/api/v1/people/"), "{location}");
            assert_eq!(mock.person(key).unwrap().lname, key);

            let person = client.person(key);
            let fetched = person.get().await.unwrap();
            assert_eq!(fetched.lname.as_str(), key);
            let listed = client.people().list().lname(key).send().await.unwrap();
            assert_eq!(listed.items().len(), 1, "{key}");
            assert_eq!(listed.items()[0].lname.as_str(), key);

            let etag = fetched.etag().unwrap().clone();
            let updated = person.update("Updated").if_match(etag).await.unwrap();
            let patch = PersonPatch {
                fname: Some("Patched".parse().unwrap()),
                lname: Some(key.parse().unwrap()),
            };
            person
                .patch(patch)
                .if_match(updated.etag().unwrap())
                .await
                .unwrap();
            assert_eq!(mock.person(key).unwrap().fname, "Patched");

            let image = png(2048);
            let written = person
                .photo()
                .upload(PhotoUpload::from_bytes(image.clone()).caption(key))
                .await
                .unwrap();
            assert!(written.location().unwrap().ends_with("/photo"));
            let download = person.photo().download().await.unwrap();
            assert_eq!(download.content_type(), Some("image/png"));
            assert_eq!(
                download.etag().unwrap().as_str(),
                format!("\"{}\"", sha256_hex(&image))
            );
            assert_eq!(download.bytes().await.unwrap(), image);

            let file_name = format!("{key} notes.txt");
            let stored = person
                .attachments()
                .upload(
                    AttachmentUpload::new()
                        .file(
                            FilePart::from_bytes(key.as_bytes().to_vec())
                                .with_file_name(&file_name),
                        )
                        .note(key),
                )
                .await
                .unwrap();
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0].filename, file_name);
            assert_eq!(stored[0].note.as_deref(), Some(key));
            let listed = person.attachments().list().await.unwrap();
            assert_eq!(listed[0].id, stored[0].id);
            let download = person.attachments().download(&stored[0].id).await.unwrap();
            assert_eq!(download.file_name(), Some(file_name.as_str()));
            assert_eq!(download.bytes().await.unwrap(), key.as_bytes());
            person.attachments().delete(&stored[0].id).await.unwrap();
            person.photo().delete().await.unwrap();

            person.delete().await.unwrap();
            assert!(person.get().await.unwrap_err().is_gone(), "{key}");
            assert!(person.photo().bytes().await.unwrap_err().is_gone(), "{key}");
            assert!(
                person.attachments().list().await.unwrap_err().is_gone(),
                "{key}"
            );
        }
        // Every key went out percent-encoded as one path segment (every byte but the unreserved
        // characters, as the mock's own Location headers do).
        let paths: Vec<String> = mock.journal().into_iter().map(|e| e.path).collect();
        for encoded in [
            "O%27Brien",
            "L%C3%A9vi-Strauss",
            "van%20der%20Berg",
            "100%25",
            "%E6%9D%8E",
        ] {
            let want = format!("/api/v1/people/{encoded}");
            assert!(paths.contains(&want), "{want} not in {paths:?}");
        }
    })
    .await;
}
