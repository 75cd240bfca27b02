//! Photos and attachments against the mock: streamed uploads from disk, bytes and readers,
//! streamed downloads compared by SHA-256, progress, and the upload errors.

mod support;

use std::sync::{Arc, Mutex};

use people_sdk::{AttachmentUpload, ErrorKind, FilePart, PhotoUpload, Progress, mime};
use support::{client, mock, mock_builder, noise_file, png, sha256_file, sha256_hex, within};

#[tokio::test]
async fn photo_from_disk_streamed_back_to_disk() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("doug.png");
        std::fs::write(&src, png(3 * 1024 * 1024 + 17)).unwrap();

        let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
        let sink = seen.clone();
        let photo = client.person("Farrell").photo();
        let written = photo
            .upload(
                PhotoUpload::from_path(&src)
                    .caption("Doug, 3 MiB")
                    .on_progress(move |p| sink.lock().unwrap().push(p)),
            )
            .await
            .unwrap();
        assert_eq!(written.location(), Some("/api/v1/people/Farrell/photo"));
        let want = sha256_file(&src);
        assert_eq!(written.etag().unwrap().as_str(), format!("\"{want}\""));

        // Progress goes up to the exact body length, never backwards.
        let seen = seen.lock().unwrap().clone();
        let total = seen.last().unwrap().total.unwrap();
        assert!(total > 3 * 1024 * 1024);
        assert_eq!(seen.last().unwrap().transferred, total);
        assert!(
            seen.windows(2)
                .all(|w| w[0].transferred <= w[1].transferred)
        );
        assert!(seen.len() > 10, "streamed in chunks");

        let head = photo.head().await.unwrap();
        assert_eq!(head.content_length(), Some(3 * 1024 * 1024 + 17));
        assert_eq!(head.etag(), written.etag());

        let dst = dir.path().join("copy.png");
        let n = photo.download_to(&dst).await.unwrap();
        assert_eq!(n, 3 * 1024 * 1024 + 17);
        assert_eq!(sha256_file(&dst), want);

        let mut buf = Vec::new();
        photo.download_to_writer(&mut buf).await.unwrap();
        assert_eq!(sha256_hex(&buf), want);
    })
    .await;
}

#[tokio::test]
async fn photo_from_a_reader_and_its_errors() {
    within(async {
        let mock = mock_builder().photo_limit(64 * 1024).start().await;
        let client = client(&mock);
        let photo = client.person("Brockman").photo();

        let image = png(10_000);
        photo
            .upload(
                PhotoUpload::from_reader(std::io::Cursor::new(image.clone()), 10_000)
                    .with_content_type(mime::IMAGE_PNG),
            )
            .await
            .unwrap();
        assert_eq!(photo.bytes().await.unwrap(), image);

        // Not an image: 415.
        let err = photo
            .upload(PhotoUpload::from_bytes(&b"just text"[..]).with_file_name("a.png"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnsupportedMediaType, "{err:?}");
        assert_eq!(err.error(), Some("unsupported_image"));

        // Over the limit: 413, and the old photo stays.
        let err = photo
            .upload(PhotoUpload::from_bytes(png(100_000)))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PayloadTooLarge, "{err:?}");
        assert_eq!(photo.bytes().await.unwrap(), image);

        // Too long a caption is refused here.
        let err = photo
            .upload(PhotoUpload::from_bytes(png(100)).caption("x".repeat(1025)))
            .await
            .unwrap_err();
        assert!(err.is_invalid_request());

        // A missing file is a local I/O error.
        let err = photo
            .upload(PhotoUpload::from_path("/no/such/file.png"))
            .await
            .unwrap_err();
        assert!(err.is_io(), "{err:?}");

        // Conditional delete with the photo's ETag.
        let etag = photo.head().await.unwrap().etag().cloned().unwrap();
        let err = photo.delete().if_match("\"stale\"").await.unwrap_err();
        assert!(err.is_precondition_failed());
        photo.delete().if_match(etag).await.unwrap();
        let err = photo.bytes().await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.error(), Some("photo_not_found"));
        assert!(photo.delete().await.unwrap_err().is_not_found());
        assert!(
            client
                .person("Nobody")
                .photo()
                .bytes()
                .await
                .unwrap_err()
                .is_not_found()
        );
    })
    .await;
}

#[tokio::test]
async fn several_attachments_from_disk_and_memory() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        let dir = tempfile::tempdir().unwrap();
        let big = noise_file(dir.path(), "rapport.bin", 4 * 1024 * 1024 + 3, 7);
        let pdf = noise_file(dir.path(), "contrat signé.pdf", 70_000, 8);

        let attachments = client.person("Easter").attachments();
        let stored = attachments
            .upload(
                AttachmentUpload::new()
                    .file(FilePart::from_path(&big))
                    .file(FilePart::from_path(&pdf))
                    .file(FilePart::from_bytes("a,b\n1,2\n").with_file_name("tabelle \"Q1\".csv"))
                    .file(
                        FilePart::from_bytes(vec![1u8, 2, 3])
                            .with_file_name("100%\r\n.dat")
                            .with_content_type("application/x-custom".parse().unwrap()),
                    )
                    .file(FilePart::from_reader(&b"from a reader"[..], 13).with_file_name("李.txt"))
                    .note("Eingang 2024"),
            )
            .await
            .unwrap();
        let names: Vec<&str> = stored.iter().map(|a| a.filename.as_str()).collect();
        assert_eq!(
            names,
            [
                "rapport.bin",
                "contrat signé.pdf",
                "tabelle \"Q1\".csv",
                "100%\r\n.dat",
                "李.txt"
            ]
        );
        let types: Vec<&str> = stored.iter().map(|a| a.content_type.as_str()).collect();
        assert_eq!(
            types,
            [
                "application/octet-stream",
                "application/pdf",
                "text/csv",
                "application/x-custom",
                "text/plain"
            ]
        );
        assert_eq!(stored[0].size, 4 * 1024 * 1024 + 3);
        assert_eq!(stored[0].sha256.as_str(), sha256_file(&big));
        assert!(
            stored
                .iter()
                .all(|a| a.note.as_deref() == Some("Eingang 2024"))
        );

        let listed = attachments.list().await.unwrap();
        assert_eq!(listed.len(), 5);

        // Streamed download of the big one, to disk.
        let download = attachments.download(&stored[0].id).await.unwrap();
        assert_eq!(download.file_name(), Some("rapport.bin"));
        assert_eq!(download.content_length(), Some(4 * 1024 * 1024 + 3));
        let received = Arc::new(Mutex::new(0u64));
        let sink = received.clone();
        let copy = dir.path().join("copy.bin");
        download
            .on_progress(move |p| *sink.lock().unwrap() = p.transferred)
            .save(&copy)
            .await
            .unwrap();
        assert_eq!(sha256_file(&copy), sha256_file(&big));
        assert_eq!(*received.lock().unwrap(), 4 * 1024 * 1024 + 3);

        let n = attachments
            .download_to(&stored[1].id, dir.path().join("c.pdf"))
            .await
            .unwrap();
        assert_eq!(n, 70_000);

        // Delete, conditionally and not; unknown ids are 404.
        let err = attachments
            .delete(&stored[2].id)
            .if_match("\"0000\"")
            .await
            .unwrap_err();
        assert!(err.is_precondition_failed(), "{err:?}");
        attachments
            .delete(&stored[2].id)
            .if_match(format!("\"{}\"", stored[2].sha256.as_str()))
            .await
            .unwrap();
        attachments.delete(&stored[3].id).await.unwrap();
        assert_eq!(attachments.list().await.unwrap().len(), 3);
        let err = attachments.download(&stored[3].id).await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.error(), Some("attachment_not_found"));
        assert!(
            attachments
                .delete("att_nope")
                .await
                .unwrap_err()
                .is_not_found()
        );

        // An empty upload is refused here.
        assert!(
            attachments
                .upload(AttachmentUpload::new())
                .await
                .unwrap_err()
                .is_invalid_request()
        );
    })
    .await;
}

#[tokio::test]
async fn attachment_limits_store_nothing() {
    within(async {
        let mock = mock_builder()
            .attachment_limits(50_000, 80_000)
            .start()
            .await;
        let client = client(&mock);
        let attachments = client.person("Farrell").attachments();
        let err = attachments
            .upload(AttachmentUpload::new().file(FilePart::from_bytes(vec![0u8; 60_000])))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PayloadTooLarge, "{err:?}");
        let err = attachments
            .upload(
                AttachmentUpload::new()
                    .file(FilePart::from_bytes(vec![0u8; 45_000]))
                    .file(FilePart::from_bytes(vec![0u8; 45_000])),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PayloadTooLarge);
        assert!(attachments.list().await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn file_names_round_trip_as_browsers_send_them() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        let names = [
            "100%.txt",
            "100%25.txt",
            "a\"b.txt",
            "李.png",
            "new\nline.txt",
            "semi;colon.txt",
            "back\\slash.txt",
            "Lévi \"CV\" 100%.pdf",
        ];
        let upload = AttachmentUpload::new().files(
            names
                .iter()
                .map(|name| FilePart::from_bytes(name.as_bytes().to_vec()).with_file_name(*name)),
        );
        let attachments = client.person("Farrell").attachments();
        let stored = attachments.upload(upload).await.unwrap();
        let stored_names: Vec<&str> = stored.iter().map(|a| a.filename.as_str()).collect();
        assert_eq!(stored_names, names);
        let listed = attachments.list().await.unwrap();
        let listed_names: Vec<&str> = listed.iter().map(|a| a.filename.as_str()).collect();
        assert_eq!(listed_names, names);

        // A name with a control character the encoding cannot carry is refused before sending.
        let err = attachments
            .upload(
                AttachmentUpload::new()
                    .file(FilePart::from_bytes("x").with_file_name("bell\u{7}.txt")),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err:?}");
        assert_eq!(
            mock.request_count("POST", "/api/v1/people/Farrell/attachments"),
            1
        );
    })
    .await;
}
