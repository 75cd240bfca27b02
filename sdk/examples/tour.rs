//! A tour of the SDK against a local mock server: every feature once.
//!
//! Run with `cargo run -p people-sdk --example tour` (set `RUST_LOG=people_sdk=debug` to see the
//! spans and retries).

use std::time::Duration;

use futures::TryStreamExt;
use people_mock::{Fault, PeopleMock};
use people_sdk::types::{PersonPatch, SortBy, SortOrder};
use people_sdk::{AttachmentUpload, Client, ErrorKind, FilePart, PhotoUpload, RetryPolicy};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "people_sdk=info".into()),
        )
        .init();

    let mock = PeopleMock::builder().people(40).start().await;
    println!("mock server at {}", mock.base_url());

    // 1. A client with client credentials, a short timeout and patient retries.
    let client = Client::builder()
        .base_url(mock.base_url())
        .client_credentials(mock.client_id(), mock.client_secret())
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::default().with_max_attempts(4))
        .build()?;
    println!("client: {client:?}");

    // 2. Tokens: fetched on first use; only scopes and expiry are ever shown.
    let info = client.token_info().await?;
    println!(
        "token scopes {:?}, expires in {:?}",
        info.scopes, info.expires_in
    );

    // 3. Paging: one page, then everybody with read-ahead.
    let page = client.people().list().per_page(5).send().await?;
    println!(
        "page {} of {}: {} of {} people; next link {:?}",
        page.current_page(),
        page.total_pages(),
        page.items().len(),
        page.total(),
        page.links().next.as_ref().map(|u| u.as_str())
    );
    let everybody: Vec<_> = client
        .people()
        .list()
        .sortby(SortBy::Fname)
        .order(SortOrder::Desc)
        .per_page(10)
        .read_ahead(3)
        .stream()
        .try_collect()
        .await?;
    println!("streamed {} people", everybody.len());

    // 4. Create, read with ETag, conditional update and patch.
    client.people().create("Claude", "Lévi-Strauss").await?;
    let levi = client.person("Lévi-Strauss");
    let fetched = levi.get().await?;
    println!(
        "{} {} (ETag {:?})",
        fetched.fname.as_str(),
        fetched.lname.as_str(),
        fetched.etag()
    );
    let written = levi
        .update("Claude Gustave")
        .if_match(fetched.etag().unwrap())
        .await?;
    let patch = PersonPatch {
        fname: Some("Claude".parse()?),
        lname: None,
    };
    levi.patch(patch).if_match(written.etag().unwrap()).await?;
    // A stale ETag: nothing changes.
    let err = levi
        .update("Someone")
        .if_match(fetched.etag().unwrap())
        .await
        .unwrap_err();
    println!("stale write refused: {err}");

    // 5. A photo from disk with progress, and back to disk.
    let dir = tempfile::tempdir()?;
    let src = dir.path().join("claude.png");
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.resize(256 * 1024, 7);
    std::fs::write(&src, &png)?;
    levi.photo()
        .upload(
            PhotoUpload::from_path(&src)
                .caption("Claude in 1955")
                .on_progress(|p| {
                    if p.transferred == p.total.unwrap_or(0) {
                        println!("photo sent: {} bytes", p.transferred);
                    }
                }),
        )
        .await?;
    let n = levi
        .photo()
        .download_to(dir.path().join("copy.png"))
        .await?;
    println!("photo downloaded: {n} bytes");

    // 6. Attachments: several files in one upload, list, download, delete.
    let stored = levi
        .attachments()
        .upload(
            AttachmentUpload::new()
                .file(
                    FilePart::from_bytes("Tristes Tropiques").with_file_name("livre « 1955 ».txt"),
                )
                .file(FilePart::from_path(&src))
                .note("archives"),
        )
        .await?;
    for a in levi.attachments().list().await? {
        println!("attachment {} {:?} {} bytes", a.id, a.filename, a.size);
    }
    let text = levi
        .attachments()
        .download(&stored[0].id)
        .await?
        .bytes()
        .await?;
    println!("first attachment says {:?}", String::from_utf8_lossy(&text));
    levi.attachments().delete(&stored[1].id).await?;

    // 7. Errors are typed; 503s are retried (here twice, honouring Retry-After).
    mock.inject(
        Fault::status(503)
            .retry_after(Duration::from_secs(1))
            .method("GET")
            .times(2),
    );
    let farrell = client.person("Farrell").get().await?;
    println!("after two 503s: {}", farrell.fname.as_str());
    levi.delete().await?;
    match levi.get().await {
        Err(err) if err.kind() == ErrorKind::Gone => println!("deleted: {err}"),
        other => println!("unexpected: {other:?}"),
    }

    // 8. The rate limit of the last response.
    println!("rate limit: {:?}", client.last_rate_limit());
    Ok(())
}
