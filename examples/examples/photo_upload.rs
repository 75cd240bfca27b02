//! A photo streamed from disk with a progress callback, and streamed back to a file.
//!
//! `cargo run -p people-examples --example photo_upload`

use std::io::Write;

use people_mock::PeopleMock;
use people_sdk::{Client, PhotoUpload};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = PeopleMock::start().await;
    let client = Client::builder()
        .base_url(mock.base_url().as_str())
        .client_credentials(mock.client_id(), mock.client_secret())
        .build()?;

    // A 4 MiB file that starts with the PNG signature (the server checks it).
    let mut file = tempfile::Builder::new().suffix(".png").tempfile()?;
    file.write_all(b"\x89PNG\r\n\x1a\n")?;
    file.write_all(&vec![0u8; 4 * 1024 * 1024 - 8])?;

    // The file is read in chunks as the request goes out: memory stays flat for any size.
    let upload = PhotoUpload::from_path(file.path())
        .caption("Doug at the beach")
        .on_progress(|progress| {
            // Called for every chunk; print each quarter.
            let quarter = progress.total.map(|total| total / 4).unwrap_or(u64::MAX);
            if quarter > 0 && progress.transferred % quarter < 64 * 1024 {
                println!(
                    "sent {} of {:?} bytes",
                    progress.transferred, progress.total
                );
            }
        });
    let written = client.person("Farrell").photo().upload(upload).await?;
    println!("stored at {}", written.location().unwrap_or("?"));

    // Streamed to disk as it arrives.
    let copy = tempfile::NamedTempFile::new()?;
    let bytes = client
        .person("Farrell")
        .photo()
        .download_to(copy.path())
        .await?;
    println!("downloaded {bytes} bytes to {}", copy.path().display());
    Ok(())
}
