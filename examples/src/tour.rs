//! `people tour`: a guided run through the API, printing each step and what came back.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use futures::TryStreamExt;
use people_sdk::{Error, ErrorKind, PhotoUpload, TokenSource};
use serde_json::json;

use crate::context::Context;
use crate::failure::Failure;
use crate::mock_probe;
use crate::output::{color_allowed, paint, render_table};
use crate::people_cmd::{PEOPLE_COLUMNS, person_json};
use crate::progress;

/// The key the tour creates and removes again.
const GUEST_LNAME: &str = "Lévi-Strauss";
/// The size of the generated photo: large enough for a progress bar.
const PHOTO_BYTES: usize = 3 * 1024 * 1024 / 2;

struct Narrator {
    color: bool,
    step: usize,
}

impl Narrator {
    fn step(&mut self, title: &str) {
        self.step += 1;
        println!();
        println!(
            "{}",
            paint(self.color, "1;36", &format!("{}. {title}", self.step))
        );
    }

    fn say(&self, text: &str) {
        println!("   {text}");
    }

    fn table(&self, records: &[serde_json::Value]) {
        for line in render_table(PEOPLE_COLUMNS, records, false, None).lines() {
            println!("   {line}");
        }
    }
}

/// What the tour changes on the server, said before it starts.
const CHANGES: &str = "creates and deletes the person Lévi-Strauss, uploads a photo of them, and \
                       on a people-mock injects one rate-limit fault";

/// Runs the tour against `ctx`'s server: the embedded mock, a people-mock, or with `yes` any
/// server (it writes, so it asks for `--yes` before writing to one that may hold real data).
pub async fn run(ctx: &Context, yes: bool) -> Result<(), Failure> {
    let is_mock = ctx.mock.is_some()
        || mock_probe::config(ctx.client.base_url(), ctx.timeout)
            .await
            .is_some();
    if !is_mock && !yes {
        return Err(Failure::Usage(format!(
            "{} does not look like a people-mock (no /__mock/config), and the tour {CHANGES}; \
             add --yes to run it there anyway",
            ctx.client.base_url()
        )));
    }
    let mut out = Narrator {
        color: color_allowed(std::io::stdout().is_terminal()),
        step: 0,
    };
    let client = &ctx.client;
    println!(
        "A tour of the People API at {}, as client '{}'.",
        client.base_url(),
        ctx.client_id
    );
    println!("It {CHANGES}.");

    out.step("Get a token (POST /oauth/token, client credentials)");
    let token = ctx.credentials.token().await?;
    out.say(&format!(
        "granted scopes '{}', valid for {} s; the SDK caches it and renews it ahead of expiry",
        token.scopes().join(" "),
        token.expires_in().map_or(0, |left| left.as_secs())
    ));

    out.step("List the first page (GET /people?per_page=5)");
    let page = client.people().list().per_page(5).send().await?;
    out.table(&page.items().iter().map(person_json).collect::<Vec<_>>());
    out.say(&format!(
        "page {} of {}, {} people in all",
        page.current_page(),
        page.total_pages(),
        page.total()
    ));

    out.step(&format!(
        "Create {GUEST_LNAME} (POST /people), then read it back"
    ));
    // A run before this one may have left the guest behind on a shared server.
    ignore_missing(client.person(GUEST_LNAME).delete().send().await)?;
    let created = client.people().create("Claude", GUEST_LNAME).await?;
    out.say(&format!(
        "201 Created, Location {}",
        created.location().unwrap_or("(none)")
    ));
    let fetched = client.person(GUEST_LNAME).get().await?;
    out.say(&format!(
        "GET answered {} {} with ETag {}",
        fetched.fname.as_str(),
        fetched.lname.as_str(),
        fetched.etag().map_or("(none)", |etag| etag.as_str())
    ));

    out.step("Page through everyone, two at a time (a stream over GET /people)");
    let mut pages = client.people().list().per_page(2).pages();
    let mut seen = 0;
    while let Some(page) = pages.try_next().await? {
        let names: Vec<&str> = page
            .items()
            .iter()
            .map(|person| person.lname.as_str())
            .collect();
        out.say(&format!(
            "page {}/{}: {}",
            page.current_page(),
            page.total_pages(),
            names.join(", ")
        ));
        seen += names.len();
    }
    out.say(&format!("{seen} people streamed"));

    out.step("Upload a photo, streamed from disk (POST /people/{lname}/photo)");
    let (size, sent_digest) = upload_photo(ctx).await?;
    let photo = client.person(GUEST_LNAME).photo().bytes().await?;
    out.say(&format!(
        "uploaded {size} bytes; downloaded {} bytes back, {}",
        photo.len(),
        if digest(&photo) == sent_digest {
            "identical"
        } else {
            "DIFFERENT"
        }
    ));

    out.step("Make a mistake on purpose: create Farrell, who exists");
    match client.people().create("Doug", "Farrell").await {
        Ok(_) => out.say("unexpectedly, the server accepted it"),
        Err(err) => explain(&out, &err),
    }
    match client.person("Nobody-Here").get().await {
        Ok(_) => out.say("unexpectedly, Nobody-Here exists"),
        Err(err) => explain(&out, &err),
    }

    out.step("Hit a rate limit: the server answers 429 with Retry-After: 1 once");
    if inject_rate_limit(ctx).await {
        let started = Instant::now();
        let farrell = client.person("Farrell").get().await?;
        out.say(&format!(
            "the SDK waited as told and retried: got {} {} after {:.1} s",
            farrell.fname.as_str(),
            farrell.lname.as_str(),
            started.elapsed().as_secs_f64()
        ));
        if let Some(mock) = &ctx.mock {
            let statuses = mock.statuses("GET", "/api/v1/people/Farrell");
            out.say(&format!("the server saw: {statuses:?}"));
        }
    } else {
        out.say("skipped: this server has no fault injection (it is not a people-mock)");
    }
    if let Some(limit) = client.last_rate_limit() {
        out.say(&format!(
            "rate limit now: {} of {} left in this window",
            limit.remaining, limit.limit
        ));
    }

    out.step(&format!(
        "Delete {GUEST_LNAME}; reading it again says 410 Gone"
    ));
    client.person(GUEST_LNAME).delete().send().await?;
    match client.person(GUEST_LNAME).get().await {
        Ok(_) => out.say("unexpectedly, it is still there"),
        Err(err) => explain(&out, &err),
    }

    println!();
    println!("Tour complete.");
    let _ = std::io::stdout().flush();
    Ok(())
}

/// Writes a generated image (PNG signature, then filler) to a temporary file and uploads it.
async fn upload_photo(ctx: &Context) -> Result<(usize, [u8; 32]), Failure> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..PHOTO_BYTES - bytes.len()).map(|i| (i % 251) as u8));
    let mut file = tempfile::Builder::new()
        .prefix("people-tour-")
        .suffix(".png")
        .tempfile()
        .map_err(|err| Failure::Io(format!("cannot create a temporary file: {err}")))?;
    file.write_all(&bytes)
        .map_err(|err| Failure::Io(format!("cannot write a temporary file: {err}")))?;
    let bar = progress::bar(Some(bytes.len() as u64), "photo");
    let upload = PhotoUpload::from_path(file.path())
        .caption("Generated by the tour")
        .on_progress(progress::callback(&bar));
    let result = ctx.client.person(GUEST_LNAME).photo().upload(upload).await;
    progress::finish(bar);
    result?;
    Ok((bytes.len(), digest(&bytes)))
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Makes the server answer the next `GET /people/Farrell` with a 429: through the library when
/// the mock is embedded, through its admin surface when it is a `people-mock` binary.
async fn inject_rate_limit(ctx: &Context) -> bool {
    if let Some(mock) = &ctx.mock {
        mock.rate_limit_once("GET", "/api/v1/people/Farrell");
        return true;
    }
    let Ok(admin) = ctx.client.base_url().join("/__mock/faults") else {
        return false;
    };
    let body = json!({
        "kind": "status", "status": 429, "retry_after": 1,
        "method": "GET", "path": "/api/v1/people/Farrell", "times": 1,
    });
    match reqwest::Client::new().post(admin).json(&body).send().await {
        Ok(response) => response.status().is_success(),
        Err(_) => false,
    }
}

/// Prints what a typed error says.
fn explain(out: &Narrator, err: &Error) {
    out.say(&format!("the SDK returned an error: {err}"));
    out.say(&format!(
        "  kind {:?}, status {}, error {:?}, error_code {}",
        err.kind(),
        err.status()
            .map_or("-".to_owned(), |status| status.as_u16().to_string()),
        err.error().unwrap_or("-"),
        err.error_code()
            .map_or("-".to_owned(), |code| code.to_string())
    ));
    for detail in err.details() {
        out.say(&format!("  field {}: {}", detail.field, detail.message));
    }
    let advice = match err.kind() {
        ErrorKind::Conflict => "a 409 means the key is taken: pick another last name",
        ErrorKind::NotFound => "a 404 means the key was never created",
        ErrorKind::Gone => "a 410 means it existed and was deleted",
        _ => "see the error's kind for what to do",
    };
    out.say(&format!("  {advice}"));
}

fn ignore_missing(result: Result<(), Error>) -> Result<(), Error> {
    match result {
        Err(err) if err.is_not_found() || err.is_gone() => Ok(()),
        other => other,
    }
}
