//! Photos and attachments: streaming multipart, limits, signatures, file names and downloads.

mod support;

use axum::body::Body;
use http::Method;
use people_mock::PeopleMock;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::*;

#[tokio::test]
async fn photo_lifecycle() {
    let app = App::new();
    let token = app.token().await;
    let resp = app.send(photo_request("Farrell", &token)).await;
    assert_eq!(resp.status, 201);
    assert!(resp.body.is_empty());
    assert_eq!(
        resp.header("location"),
        Some("/api/v1/people/Farrell/photo")
    );
    let sha = hex::encode(Sha256::digest(PNG));
    assert_eq!(resp.header("etag"), Some(format!("\"{sha}\"").as_str()));

    let got = app.get(&token, "/api/v1/people/Farrell/photo").await;
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(
        got.header("content-length"),
        Some(PNG.len().to_string().as_str())
    );
    assert_eq!(&got.body[..], PNG);

    let head = app
        .send(
            authed(Method::HEAD, "/api/v1/people/Farrell/photo", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(PNG.len().to_string().as_str())
    );

    // Replace with a GIF and a caption.
    let body = multipart(&[
        Part::text("caption", "Me, 李".as_bytes()),
        Part::text("other", b"ignored"),
        Part::file("file", "a.gif", b"GIF89a\x01\x00").with_content_type("image/gif"),
    ]);
    assert_eq!(
        app.send(multipart_request(
            "/api/v1/people/Farrell/photo",
            &token,
            body
        ))
        .await
        .status,
        201
    );
    let got = app.get(&token, "/api/v1/people/Farrell/photo").await;
    assert_eq!(got.header("content-type"), Some("image/gif"));

    let stale = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Farrell/photo", &token)
                .header("if-match", "\"x\"")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    stale.assert_error(412, "precondition_failed", 412_001);
    let deleted = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Farrell/photo", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(deleted.status, 204);
    app.get(&token, "/api/v1/people/Farrell/photo")
        .await
        .assert_error(404, "photo_not_found", 404_002);
    let again = app
        .send(
            authed(Method::DELETE, "/api/v1/people/Farrell/photo", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    again.assert_error(404, "photo_not_found", 404_002);
}

#[tokio::test]
async fn every_image_signature() {
    let app = App::new();
    let token = app.token().await;
    let images: [(&str, &[u8]); 4] = [
        ("image/png", PNG),
        ("image/jpeg", b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
        ("image/gif", b"GIF87a\x01\0\x01\0"),
        ("image/webp", b"RIFF\x24\0\0\0WEBPVP8 "),
    ];
    for (ct, data) in images {
        let resp = app
            .upload(
                &token,
                "/api/v1/people/Easter/photo",
                &[Part::file("file", "x", data).with_content_type(ct)],
            )
            .await;
        assert_eq!(resp.status, 201, "{ct}");
    }
    // A JPEG that claims to be a PNG.
    app.upload(
        &token,
        "/api/v1/people/Easter/photo",
        &[Part::file("file", "x", b"\xFF\xD8\xFF\xE0").with_content_type("image/png")],
    )
    .await
    .assert_error(415, "unsupported_image", 415_002);
}

#[tokio::test]
async fn photo_validation() {
    let app = App::new();
    let token = app.token().await;
    let two = multipart(&[
        Part::file("file", "a", PNG).with_content_type("image/png"),
        Part::file("file", "b", PNG).with_content_type("image/png"),
    ]);
    app.send(multipart_request(
        "/api/v1/people/Farrell/photo",
        &token,
        two,
    ))
    .await
    .assert_error(422, "validation_failed", 422_001);
    let long = "c".repeat(1025);
    let resp = app
        .upload(
            &token,
            "/api/v1/people/Farrell/photo",
            &[
                Part::file("file", "a", PNG).with_content_type("image/png"),
                Part::text("caption", long.as_bytes()),
            ],
        )
        .await;
    resp.assert_error(422, "validation_failed", 422_001);
    assert_eq!(resp.json()["details"][0]["field"], "caption");
    app.get(&token, "/api/v1/people/Farrell/photo")
        .await
        .assert_error(404, "photo_not_found", 404_002);
    // Truncated multipart.
    let mut truncated = multipart(&[Part::file("file", "a", PNG).with_content_type("image/png")]);
    truncated.truncate(truncated.len() - 10);
    app.send(multipart_request(
        "/api/v1/people/Farrell/photo",
        &token,
        truncated,
    ))
    .await
    .assert_error(400, "invalid_multipart", 400_003);
    // No boundary.
    let resp = app
        .send(
            authed(Method::POST, "/api/v1/people/Farrell/photo", &token)
                .header("content-type", "multipart/form-data")
                .body(Body::from("x"))
                .unwrap(),
        )
        .await;
    resp.assert_error(400, "invalid_multipart", 400_003);
    // Upload to a person that never existed: 404 after the body is read.
    app.send(photo_request("Nobody", &token))
        .await
        .assert_error(404, "person_not_found", 404_001);
}

/// Uploads the three attachments the scenarios below start from and returns their metadata.
async fn upload_three(app: &App, token: &str) -> (Vec<Value>, Resp) {
    let resp = app
        .upload(
            token,
            "/api/v1/people/Brockman/attachments",
            &[
                Part::file("files", "rapport.pdf", b"%PDF-1.7 one")
                    .with_content_type("application/pdf"),
                Part::text("note", b"Signed copy"),
                Part::file("files", "李 %22q%22.txt", b"two"),
                Part::text("files", b"three").with_content_type("text/plain"),
            ],
        )
        .await;
    assert_eq!(resp.status, 201, "{:?}", resp.body);
    let data = resp.json()["data"].as_array().unwrap().clone();
    (data, resp)
}

#[tokio::test]
async fn an_upload_answers_the_stored_metadata() {
    let app = App::new();
    let token = app.token().await;
    let (data, resp) = upload_three(&app, &token).await;
    assert_eq!(
        resp.header("location"),
        Some("/api/v1/people/Brockman/attachments")
    );
    assert_eq!(data.len(), 3);
    assert_eq!(data[0]["filename"], "rapport.pdf");
    assert_eq!(data[0]["content_type"], "application/pdf");
    assert_eq!(data[0]["size"], 12);
    assert_eq!(
        data[0]["sha256"],
        hex::encode(Sha256::digest(b"%PDF-1.7 one"))
    );
    assert_eq!(data[0]["note"], "Signed copy");
    assert_eq!(data[1]["filename"], "李 \"q\".txt");
    assert_eq!(data[1]["content_type"], "application/octet-stream");
    assert_eq!(data[2]["filename"], "file-3");
    assert!(data[0]["uploaded_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn the_list_and_the_download_serve_what_was_stored() {
    let app = App::new();
    let token = app.token().await;
    let (data, _) = upload_three(&app, &token).await;
    let list = app
        .get(&token, "/api/v1/people/Brockman/attachments")
        .await
        .json();
    assert_eq!(list["data"].as_array().unwrap().len(), 3);
    assert_eq!(list["data"][1]["id"], data[1]["id"]);

    let id = data[1]["id"].as_str().unwrap();
    let file = app
        .get(&token, &format!("/api/v1/people/Brockman/attachments/{id}"))
        .await;
    assert_eq!(file.status, 200);
    assert_eq!(&file.body[..], b"two");
    assert_eq!(
        file.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(file.header("content-length"), Some("3"));
    assert_eq!(
        file.header("etag"),
        Some(format!("\"{}\"", hex::encode(Sha256::digest(b"two"))).as_str())
    );
    assert_eq!(
        file.header("content-disposition"),
        Some("attachment; filename=\"_ _q_.txt\"; filename*=UTF-8''%E6%9D%8E%20%22q%22.txt")
    );
}

#[tokio::test]
async fn attachments_go_one_by_one_and_with_their_person() {
    let app = App::new();
    let token = app.token().await;
    let (data, _) = upload_three(&app, &token).await;
    let id = data[1]["id"].as_str().unwrap();
    let deleted = app
        .send(
            authed(
                Method::DELETE,
                &format!("/api/v1/people/Brockman/attachments/{id}"),
                &token,
            )
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    assert_eq!(deleted.status, 204);
    app.get(&token, &format!("/api/v1/people/Brockman/attachments/{id}"))
        .await
        .assert_error(404, "attachment_not_found", 404_003);
    assert_eq!(
        app.get(&token, "/api/v1/people/Brockman/attachments")
            .await
            .json()["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Deleting the person removes its attachments.
    app.send(
        authed(Method::DELETE, "/api/v1/people/Brockman", &token)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    app.create(&token, "Kent", "Brockman").await;
    assert_eq!(
        app.get(&token, "/api/v1/people/Brockman/attachments")
            .await
            .json()["data"],
        json!([])
    );
}

/// File names as browsers, curl and the SDK send them (the HTML standard's encoding: `"`, CR
/// and LF as `%22`, `%0D`, `%0A`), and the names they stand for.
const SENT_FILE_NAMES: [(&str, &str); 10] = [
    ("100%.txt", "100%.txt"),
    ("100%25.txt", "100%25.txt"),
    ("a%22b.txt", "a\"b.txt"),
    ("李.png", "李.png"),
    ("new%0Aline.txt", "new\nline.txt"),
    ("cr%0d%0alf.txt", "cr\r\nlf.txt"),
    ("semi;colon.txt", "semi;colon.txt"),
    ("back\\slash.txt", "back\\slash.txt"),
    ("%E6%9D%8E.txt", "%E6%9D%8E.txt"),
    ("tab\there.txt", "tab\there.txt"),
];

#[tokio::test]
async fn file_names_are_read_as_browsers_send_them() {
    let app = App::new();
    let token = app.token().await;
    let parts: Vec<Part<'_>> = SENT_FILE_NAMES
        .iter()
        .map(|(sent, _)| Part::file("files", sent, b"x"))
        .collect();
    let resp = app
        .upload(&token, "/api/v1/people/Brockman/attachments", &parts)
        .await;
    assert_eq!(resp.status, 201, "{:?}", resp.body);
    let stored: Vec<String> = app
        .get(&token, "/api/v1/people/Brockman/attachments")
        .await
        .json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["filename"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<&str> = SENT_FILE_NAMES.iter().map(|(_, name)| *name).collect();
    assert_eq!(stored, expected);
}

#[tokio::test]
async fn attachment_limits_and_missing_files() {
    let app = App::with(PeopleMock::builder().attachment_limits(10, 15));
    let token = app.token().await;
    app.upload(
        &token,
        "/api/v1/people/Easter/attachments",
        &[Part::text("note", b"n")],
    )
    .await
    .assert_error(422, "missing_file", 422_002);
    let resp = app
        .upload(
            &token,
            "/api/v1/people/Easter/attachments",
            &[Part::file("files", "a", &[0; 11])],
        )
        .await;
    resp.assert_error(413, "payload_too_large", 413_001);
    assert_eq!(resp.json()["details"][0]["field"], "attachment_file_limit");
    let resp = app
        .upload(
            &token,
            "/api/v1/people/Easter/attachments",
            &[
                Part::file("files", "a", &[0; 10]),
                Part::file("files", "b", &[0; 6]),
            ],
        )
        .await;
    resp.assert_error(413, "payload_too_large", 413_001);
    assert_eq!(
        resp.json()["details"][0]["field"],
        "attachment_request_limit"
    );
    assert_eq!(
        app.get(&token, "/api/v1/people/Easter/attachments")
            .await
            .json()["data"],
        json!([])
    );
    // Exactly at the limits is fine.
    let body = multipart(&[
        Part::file("files", "a", &[0; 10]),
        Part::file("files", "b", &[0; 5]),
    ]);
    assert_eq!(
        app.send(multipart_request(
            "/api/v1/people/Easter/attachments",
            &token,
            body
        ))
        .await
        .status,
        201
    );
}

#[tokio::test]
async fn large_attachment_round_trips_byte_for_byte() {
    let app = App::new();
    let token = app.token().await;
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let resp = app
        .upload(
            &token,
            "/api/v1/people/Farrell/attachments",
            &[Part::file("files", "big.bin", &data)],
        )
        .await;
    assert_eq!(resp.status, 201);
    let meta = resp.json()["data"][0].clone();
    assert_eq!(meta["size"], 3_000_000);
    assert_eq!(meta["sha256"], hex::encode(Sha256::digest(&data)));
    let got = app
        .get(
            &token,
            &format!(
                "/api/v1/people/Farrell/attachments/{}",
                meta["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(got.body.len(), data.len());
    assert!(got.body[..] == data[..]);
}
