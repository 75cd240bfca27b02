//! Fixtures in, snapshots out: a fixture file seeds people with their timestamps, photos and
//! attachments; `GET /__mock/state` exports the store in that format and `PUT /__mock/state`
//! replaces it; an export fed back gives the same answers; a bad fixture is one error naming
//! the file, the record and the field, and loads nothing.

mod support;

use std::path::PathBuf;
use std::process::Command;

use axum::body::Body;
use http::{Method, Request};
use people_mock::{Clock, Fixture, FixtureError, PeopleMock};
use serde_json::{Value, json};
use support::*;

/// A folder of its own under the system's temporary folder, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "people-mock-fixtures-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("files")).unwrap();
        Self(path)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture_text() -> Value {
    json!({
        "people": [
            {"fname": "Ada", "lname": "Lovelace", "timestamp": "1843-07-01T12:00:00.5Z",
             "photo": {"file": "files/ada.png", "caption": "portrait"},
             "attachments": [
                 {"file": "files/notes.txt", "content_type": "text/plain", "note": "Note G",
                  "uploaded_at": "1843-09-01T00:00:00Z"},
                 {"data": "aGVsbG8=", "filename": "hello.bin", "id": "att_00000010"}
             ]},
            {"fname": "Charles", "lname": "Babbage"}
        ],
        "gone": ["Farrell"]
    })
}

fn write_fixture(folder: &Folder) -> PathBuf {
    folder.write("files/ada.png", PNG);
    folder.write("files/notes.txt", b"the engine weaves algebraic patterns");
    folder.write(
        "people.json",
        serde_json::to_string_pretty(&fixture_text())
            .unwrap()
            .as_bytes(),
    )
}

fn start() -> chrono::DateTime<chrono::Utc> {
    "2030-01-01T00:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn a_fixture_file_seeds_people_with_their_own_times_and_files() {
    let folder = Folder::new("seed");
    let fixture = Fixture::from_file(write_fixture(&folder)).unwrap();
    let app = App::with(
        PeopleMock::builder()
            .clock(Clock::manual(start()))
            .data(fixture),
    );
    let token = app.token().await;
    let ada = app.get(&token, &person_uri("Lovelace")).await.json();
    assert_eq!(
        ada,
        json!({"fname": "Ada", "lname": "Lovelace", "timestamp": "1843-07-01T12:00:00.500000Z"})
    );
    // Without a timestamp: the clock's time when loaded.
    let babbage = app.get(&token, &person_uri("Babbage")).await.json();
    assert_eq!(babbage["timestamp"], "2030-01-01T00:00:00.000001Z");
    assert_eq!(app.get(&token, &person_uri("Farrell")).await.status, 410);
    assert_eq!(app.get(&token, &person_uri("Easter")).await.status, 404);

    let photo = app
        .get(&token, &format!("{}/photo", person_uri("Lovelace")))
        .await;
    assert_eq!(photo.status, 200);
    assert_eq!(photo.header("content-type"), Some("image/png"));
    assert_eq!(&photo.body[..], PNG);

    let list = app
        .get(&token, &format!("{}/attachments", person_uri("Lovelace")))
        .await
        .json();
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["id"], "att_00000011", "after the highest id given");
    assert_eq!(data[0]["filename"], "notes.txt");
    assert_eq!(data[0]["note"], "Note G");
    assert_eq!(data[0]["uploaded_at"], "1843-09-01T00:00:00.000000Z");
    assert_eq!(data[1]["id"], "att_00000010");
    assert_eq!(data[1]["content_type"], "application/octet-stream");
    assert_eq!(data[1]["uploaded_at"], "1843-07-01T12:00:00.500000Z");
    let hello = app
        .get(
            &token,
            &format!("{}/attachments/att_00000010", person_uri("Lovelace")),
        )
        .await;
    assert_eq!(&hello.body[..], b"hello");

    // A reset goes back to the fixture, not to the seeds.
    let created = app.create(&token, "Grace", "Hopper").await;
    assert_eq!(created.status, 201);
    app.state.reset();
    let names: Vec<String> = app.state.people().into_iter().map(|p| p.lname).collect();
    assert_eq!(names, ["Babbage", "Lovelace"]);
    // New uploads continue the ids after the fixture's.
    let token = app.token().await;
    let uploaded = app
        .upload(
            &token,
            &format!("{}/attachments", person_uri("Babbage")),
            &[Part::file("files", "plan.txt", b"difference engine")],
        )
        .await;
    assert_eq!(uploaded.json()["data"][0]["id"], "att_00000012");
}

/// Every answer a reader can get about the store, as text.
async fn answers(app: &App) -> String {
    let token = app.token().await;
    let mut seen = String::new();
    let people = app.get(&token, "/api/v1/people?per_page=100").await;
    seen.push_str(&String::from_utf8_lossy(&people.body));
    let mut lnames: Vec<String> = people.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["lname"].as_str().unwrap().to_string())
        .collect();
    lnames.extend(["Farrell".to_string(), "Nobody".to_string()]);
    for lname in lnames {
        let base = person_uri(&lname);
        for uri in [
            base.clone(),
            format!("{base}/photo"),
            format!("{base}/attachments"),
        ] {
            let resp = app.get(&token, &uri).await;
            seen.push_str(&format!(
                "\n{uri} {} {:?} {:?} {}",
                resp.status,
                resp.header("etag"),
                resp.header("content-type"),
                String::from_utf8_lossy(&resp.body)
            ));
            if uri.ends_with("/attachments") && resp.status == 200 {
                for attachment in resp.json()["data"].as_array().unwrap() {
                    let id = attachment["id"].as_str().unwrap();
                    let file = app.get(&token, &format!("{uri}/{id}")).await;
                    seen.push_str(&format!(
                        "\n{id} {:?} {:?} {:?}",
                        file.header("etag"),
                        file.header("content-disposition"),
                        file.body
                    ));
                }
            }
        }
    }
    seen
}

#[tokio::test]
async fn an_export_fed_back_gives_the_same_answers() {
    let app = App::with(PeopleMock::builder().people(3));
    let token = app.token().await;
    assert_eq!(app.create(&token, "Zoë", "Lévi-Strauss").await.status, 201);
    assert_eq!(
        app.send(photo_request("Lévi-Strauss", &token)).await.status,
        201
    );
    let files = [
        Part::file("files", "a b.txt", b"first"),
        Part::file("files", "李.pdf", b"%PDF-1.4").with_content_type("application/pdf"),
        Part::text("note", "two files".as_bytes()),
    ];
    let uploaded = app
        .upload(
            &token,
            &format!("{}/attachments", person_uri("Easter")),
            &files,
        )
        .await;
    assert_eq!(uploaded.status, 201);
    let delete = authed(Method::DELETE, &person_uri("Brockman"), &token)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(delete).await.status, 204);
    let before = answers(&app).await;

    let export = app
        .send(admin_request(Method::GET, "/__mock/state", None))
        .await;
    assert_eq!(export.status, 200);
    let document = export.json();
    assert_eq!(document["gone"], json!(["Brockman"]));

    // Into a new server through a fixture file, as `--data` reads it.
    let folder = Folder::new("round-trip");
    let path = folder.write("export.json", &export.body);
    let fresh = App::with(PeopleMock::builder().data(Fixture::from_file(&path).unwrap()));
    assert_eq!(answers(&fresh).await, before);
    let again = fresh
        .send(admin_request(Method::GET, "/__mock/state", None))
        .await;
    assert_eq!(
        again.json(),
        document,
        "the export of the import is the export"
    );

    // And back into a server that holds something else, through PUT.
    let other = App::new();
    let put = other
        .send(admin_request(
            Method::PUT,
            "/__mock/state",
            Some(String::from_utf8_lossy(&export.body).into_owned()),
        ))
        .await;
    assert_eq!(put.status, 200, "{:?}", put.body);
    assert_eq!(put.json(), json!({"people": 6, "gone": 1}));
    assert_eq!(answers(&other).await, before);
}

/// A fixture's problem, with the file, record and field it names.
fn refusal(error: &FixtureError) -> (String, Option<String>, Option<String>) {
    (
        error.file().to_string(),
        error.record().map(str::to_string),
        error.field().map(str::to_string),
    )
}

/// A bad fixture: its text, a part of the problem, the record, the field and the lname named.
type Case = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

#[test]
fn bad_fixtures_are_one_error_naming_the_file_the_record_and_the_field() {
    let folder = Folder::new("bad");
    folder.write("files/ada.png", PNG);
    folder.write("files/not-an-image.png", b"plain text");
    let cases: [Case; 22] = [
        ("{", "not valid JSON", None, None, ""),
        ("[]", "must be a JSON object", None, None, ""),
        (
            r#"{"poeple": []}"#,
            "not a known member",
            None,
            Some("poeple"),
            "",
        ),
        (
            r#"{"people": {}}"#,
            "must be a list",
            None,
            Some("people"),
            "",
        ),
        (
            r#"{"people": [7]}"#,
            "must be an object",
            Some("people[0]"),
            None,
            "",
        ),
        (
            r#"{"people": [{"fname": "Ada"}]}"#,
            "is required",
            Some("people[0]"),
            Some("lname"),
            "",
        ),
        (
            r#"{"people": [{"fname": "Ada", "lname": "a/b"}]}"#,
            "'/'",
            Some("people[0]"),
            Some("lname"),
            "",
        ),
        (
            r#"{"people": [{"fname": " Ada", "lname": "Lovelace"}]}"#,
            "white space",
            Some("people[0]"),
            Some("fname"),
            "Lovelace",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L"}, {"fname": "B", "lname": "L"}]}"#,
            "earlier person",
            Some("people[1]"),
            Some("lname"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "timestamp": "yesterday"}]}"#,
            "RFC 3339",
            Some("people[0]"),
            Some("timestamp"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "timestamp": 5}]}"#,
            "RFC 3339",
            Some("people[0]"),
            Some("timestamp"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "photo": {"file": "files/missing.png"}}]}"#,
            "missing.png",
            Some("people[0]"),
            Some("photo.file"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "photo": {"file": "files"}}]}"#,
            "not a regular file",
            Some("people[0]"),
            Some("photo.file"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "photo": {"file": "files/not-an-image.png"}}]}"#,
            "not a PNG",
            Some("people[0]"),
            Some("photo.file"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "photo": {"file": "files/ada.png", "content_type": "image/gif"}}]}"#,
            "does not match",
            Some("people[0]"),
            Some("photo.content_type"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "photo": {"data": "!!"}}]}"#,
            "not base64",
            Some("people[0]"),
            Some("photo.data"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "photo": {}}]}"#,
            "is required",
            Some("people[0]"),
            Some("photo.data"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "attachments": [{"data": "aGk=", "sha256": "00"}]}]}"#,
            "does not match",
            Some("people[0]"),
            Some("attachments[0].sha256"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "attachments": [{"data": "aGk="}, {"data": "aGk=", "content_type": "text"}]}]}"#,
            "media type",
            Some("people[0]"),
            Some("attachments[1].content_type"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "attachments": [{"data": "aGk=", "id": "x"}, {"data": "aGk=", "id": "x"}]}]}"#,
            "earlier attachment",
            Some("people[0]"),
            Some("attachments[1].id"),
            "L",
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L"}], "gone": ["L"]}"#,
            "in `people`",
            Some("gone[0]"),
            None,
            "L",
        ),
        (
            r#"{"gone": [""]}"#,
            "must not be empty",
            Some("gone[0]"),
            None,
            "",
        ),
    ];
    for (i, (text, problem, record, field, lname)) in cases.iter().enumerate() {
        let path = folder.write(&format!("bad-{i}.json"), text.as_bytes());
        let error = Fixture::from_file(&path).unwrap_err();
        let shown = error.to_string();
        assert_eq!(
            refusal(&error),
            (
                path.display().to_string(),
                record.map(str::to_string),
                field.map(str::to_string)
            ),
            "{text}: {shown}"
        );
        assert!(error.problem().contains(problem), "{text}: {shown}");
        assert!(shown.starts_with(&path.display().to_string()), "{shown}");
        if !lname.is_empty() {
            assert_eq!(error.lname(), Some(*lname), "{shown}");
        }
    }
    // A file that is not there, and YAML by its extension.
    let missing = Fixture::from_file(folder.0.join("nothing.json")).unwrap_err();
    assert!(missing.problem().contains("cannot read"), "{missing}");
    let yaml = folder.write(
        "people.yaml",
        b"people:\n  - fname: Ada\n    lname: Lovelace\n    photo: {file: files/ada.png}\n",
    );
    assert_eq!(Fixture::from_file(&yaml).unwrap().len(), 1);
    let bad_yaml = folder.write("bad.yml", b"people: [\n");
    assert!(
        Fixture::from_file(&bad_yaml)
            .unwrap_err()
            .problem()
            .contains("YAML")
    );
}

/// Every cut and every one-byte change of a valid fixture is loaded or refused, never a panic;
/// a refusal always names where.
#[test]
fn no_fixture_text_panics() {
    let text = serde_json::to_string(&json!({
        "people": [
            {"fname": "Ada", "lname": "Lovelace", "timestamp": "1843-07-01T12:00:00Z",
             "photo": {"data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB", "caption": "c"},
             "attachments": [{"data": "aGk=", "id": "att_00000001", "size": 2,
                              "uploaded_at": "2030-01-01T00:00:00Z", "note": "n"}]}
        ],
        "gone": ["Farrell"]
    }))
    .unwrap();
    assert!(Fixture::from_json(&text).is_ok());
    let bytes = text.as_bytes();
    let replacements = [b'"', b'0', b'{', b']', b'-', b'/', b' ', 0xff];
    for i in 0..bytes.len() {
        let mut variants = vec![bytes[..i].to_vec()];
        for r in replacements {
            let mut changed = bytes.to_vec();
            changed[i] = r;
            variants.push(changed);
        }
        for variant in variants {
            let Ok(variant) = String::from_utf8(variant) else {
                continue;
            };
            if let Err(error) = Fixture::from_json(&variant) {
                assert!(!error.problem().is_empty(), "{variant}");
                assert_eq!(error.file(), "fixture");
            }
        }
    }
}

#[tokio::test]
async fn a_refused_put_changes_nothing() {
    let app = App::new();
    let before = app.state.export();
    for (body, status, field) in [
        ("not json", 400, None),
        ("[]", 400, None),
        (
            r#"{"people": [{"fname": "A", "lname": "L", "photo": {"file": "/etc/passwd"}}]}"#,
            422,
            Some("people[0].photo.file"),
        ),
        (
            r#"{"people": [{"fname": "A", "lname": "L"}, {"fname": "B"}]}"#,
            422,
            Some("people[1].lname"),
        ),
        (r#"{"gone": [3]}"#, 422, Some("gone[0]")),
    ] {
        let resp = app
            .send(admin_request(
                Method::PUT,
                "/__mock/state",
                Some(body.to_string()),
            ))
            .await;
        assert_eq!(resp.status, status, "{body}: {:?}", resp.body);
        if let Some(field) = field {
            resp.assert_error(422, "validation_failed", 422_001);
            assert_eq!(resp.json()["details"][0]["field"], field, "{body}");
        }
        assert_eq!(app.state.export(), before, "{body}: nothing loaded");
    }
    let plain = Request::builder()
        .method(Method::PUT)
        .uri("/__mock/state")
        .header("content-type", "text/plain")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(app.send(plain).await.status, 415);
}

fn program() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_people-mock"));
    command.args(["--addr", "127.0.0.1:0", "--log-format", "off"]);
    command
}

#[test]
fn the_program_refuses_a_bad_fixture_with_one_line() {
    let folder = Folder::new("program-bad");
    let path = folder.write(
        "people.json",
        br#"{"people": [{"fname": "Ada", "lname": "Lovelace", "photo": {"file": "gone.png"}}]}"#,
    );
    let out = program().arg("--data").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for part in [
        &path.display().to_string(),
        "people[0] (Lovelace)",
        "photo.file",
        "gone.png",
    ] {
        assert!(stderr.contains(part), "{part} in {stderr}");
    }
    let out = program()
        .args(["--data", "/nowhere/people.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nowhere/people.json"));
}

#[tokio::test]
async fn the_program_serves_a_fixture() {
    let folder = Folder::new("program");
    let path = write_fixture(&folder);
    let mut command = program();
    command.arg("--data").arg(&path);
    let program = support::program::Program::spawn(command).await;
    let token = program.demo_token().await;
    let resp = program.get(&token, "people/Lovelace").await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["timestamp"], "1843-07-01T12:00:00.500000Z");
    assert_eq!(program.get(&token, "people/Farrell").await.status(), 410);
    assert_eq!(program.config().await["data_people"], 2);
}
