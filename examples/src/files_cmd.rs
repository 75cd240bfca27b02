//! `photo …`, `attach`, `attachments` and `attachment …`: streamed uploads and downloads.

use std::io::Write;
use std::path::{Path, PathBuf};

use people_sdk::{Attachment, AttachmentUpload, Download, FilePart, PhotoUpload};
use serde_json::{Value, json};

use crate::cli::Output;
use crate::context::Context;
use crate::failure::{Failure, mib};
use crate::progress;

/// The columns of an attachment table: (header, JSON field). The table shows sizes in KiB or
/// MiB and the first 12 hex digits of each SHA-256; JSON and NDJSON keep the full values.
pub const ATTACHMENT_COLUMNS: &[(&str, &str)] = &[
    ("ID", "id"),
    ("FILENAME", "filename"),
    ("TYPE", "content_type"),
    ("SIZE", "size"),
    ("SHA256", "sha256"),
    ("UPLOADED", "uploaded_at"),
    ("NOTE", "note"),
];

/// What `-O` takes to mean standard output.
const STDOUT: &str = "-";

fn file_size(path: &Path) -> Result<u64, Failure> {
    std::fs::metadata(path)
        .map(|meta| meta.len())
        .map_err(|err| Failure::Io(format!("cannot read {}: {err}", path.display())))
}

/// `people photo upload`.
pub async fn photo_upload(
    ctx: &Context,
    lname: &str,
    file: &Path,
    caption: Option<&str>,
) -> Result<(), Failure> {
    let size = file_size(file)?;
    check_size(ctx, "photo_bytes", "--photo-limit", file, size).await?;
    let bar = progress::bar(Some(size), "photo");
    let mut upload = PhotoUpload::from_path(file).on_progress(progress::callback(&bar));
    if let Some(caption) = caption {
        upload = upload.caption(caption);
    }
    let result = ctx.client.person(lname).photo().upload(upload).await;
    progress::finish(bar);
    let written = result?;
    let etag = written.etag().map(|etag| etag.as_str().to_owned());
    ctx.printer.done(
        &format!("Uploaded a photo of {lname} ({size} bytes)"),
        &json!({"lname": lname, "size": size, "etag": etag, "location": written.location()}),
    );
    Ok(())
}

/// `people photo get`.
pub async fn photo_get(ctx: &Context, lname: &str, output: &Path) -> Result<(), Failure> {
    let download = ctx.client.person(lname).photo().download().await?;
    let content_type = download.content_type().map(str::to_owned);
    let written = save(download, output, "photo").await?;
    saved(
        ctx,
        output,
        &format!(
            "Saved the photo of {lname} to {} ({written} bytes)",
            output.display()
        ),
        &json!({"lname": lname, "file": output, "size": written, "content_type": content_type}),
    );
    Ok(())
}

/// `people photo delete`.
pub async fn photo_delete(ctx: &Context, lname: &str) -> Result<(), Failure> {
    ctx.client.person(lname).photo().delete().send().await?;
    ctx.printer.done(
        &format!("Deleted the photo of {lname}"),
        &json!({"lname": lname, "deleted": true}),
    );
    Ok(())
}

/// `people attach`.
pub async fn attach(
    ctx: &Context,
    lname: &str,
    files: &[PathBuf],
    note: Option<&str>,
) -> Result<(), Failure> {
    let mut total = 0;
    for file in files {
        let size = file_size(file)?;
        check_size(
            ctx,
            "attachment_file_bytes",
            "--attachment-limit",
            file,
            size,
        )
        .await?;
        total += size;
    }
    let bar = progress::bar(Some(total), "attachments");
    let mut upload = AttachmentUpload::new()
        .files(files.iter().map(FilePart::from_path))
        .on_progress(progress::callback(&bar));
    if let Some(note) = note {
        upload = upload.note(note);
    }
    let result = ctx.client.person(lname).attachments().upload(upload).await;
    progress::finish(bar);
    print_attachments(ctx, &result?);
    Ok(())
}

/// `people attachments`.
pub async fn attachments(ctx: &Context, lname: &str) -> Result<(), Failure> {
    let list = ctx.client.person(lname).attachments().list().await?;
    print_attachments(ctx, &list);
    Ok(())
}

/// `people attachment get`.
pub async fn attachment_get(
    ctx: &Context,
    lname: &str,
    id: &str,
    output: &Path,
) -> Result<(), Failure> {
    let download = ctx.client.person(lname).attachments().download(id).await?;
    let file_name = download.file_name().map(str::to_owned);
    let written = save(download, output, "attachment").await?;
    saved(
        ctx,
        output,
        &format!(
            "Saved attachment {id} to {} ({written} bytes)",
            output.display()
        ),
        &json!({"lname": lname, "id": id, "file": output, "size": written, "filename": file_name}),
    );
    Ok(())
}

/// `people attachment delete`.
pub async fn attachment_delete(ctx: &Context, lname: &str, id: &str) -> Result<(), Failure> {
    ctx.client
        .person(lname)
        .attachments()
        .delete(id)
        .send()
        .await?;
    ctx.printer.done(
        &format!("Deleted attachment {id} of {lname}"),
        &json!({"lname": lname, "id": id, "deleted": true}),
    );
    Ok(())
}

/// Streams a download to `output`, or to stdout when it is `-`, with a bar when it is large and
/// stderr is a terminal.
async fn save(download: Download, output: &Path, label: &str) -> Result<u64, Failure> {
    let bar = progress::bar(download.content_length(), label);
    let download = download.on_progress(progress::callback(&bar));
    let result = if output.as_os_str() == STDOUT {
        to_stdout(download).await
    } else {
        download.save(output).await.map_err(Failure::from)
    };
    progress::finish(bar);
    result
}

/// Writes a download's bytes to stdout as they arrive.
async fn to_stdout(download: Download) -> Result<u64, Failure> {
    use futures::TryStreamExt;
    let mut stream = download.into_stream();
    let mut stdout = std::io::stdout().lock();
    let mut written = 0u64;
    while let Some(chunk) = stream.try_next().await? {
        stdout
            .write_all(&chunk)
            .map_err(|err| Failure::Io(format!("cannot write to stdout: {err}")))?;
        written += chunk.len() as u64;
    }
    stdout
        .flush()
        .map_err(|err| Failure::Io(format!("cannot write to stdout: {err}")))?;
    Ok(written)
}

/// Says where a download went: on stdout, unless the bytes themselves went there, in which
/// case the sentence goes to stderr (and `--quiet` drops it).
fn saved(ctx: &Context, output: &Path, sentence: &str, record: &Value) {
    if output.as_os_str() != STDOUT {
        ctx.printer.done(sentence, record);
    } else if !ctx.quiet {
        eprintln!("{}", sentence.replace("to - (", "to stdout ("));
    }
}

/// Refuses, before sending anything, a file larger than the server's limit for it.
///
/// The limit comes from a people-mock's `/__mock/config` (`limit` names its field there); a
/// server without one gets the file, and says `413` itself if it is too large.
async fn check_size(
    ctx: &Context,
    limit: &str,
    flag: &str,
    file: &Path,
    size: u64,
) -> Result<(), Failure> {
    let Some(max) = ctx.mock_limit(limit).await else {
        return Ok(());
    };
    if size <= max {
        return Ok(());
    }
    Err(Failure::TooLarge(format!(
        "{} is {}, more than the server's limit of {} (hint: a people-mock raises it with {flag} \
         BYTES); nothing was sent",
        file.display(),
        mib(size),
        mib(max)
    )))
}

fn print_attachments(ctx: &Context, list: &[Attachment]) {
    let records: Vec<Value> = list
        .iter()
        .map(|attachment| serde_json::to_value(attachment).unwrap_or(Value::Null))
        .collect();
    if ctx.printer.format() != Output::Table {
        ctx.printer.records(ATTACHMENT_COLUMNS, &records);
        return;
    }
    let shown: Vec<Value> = records
        .into_iter()
        .map(|mut record| {
            if let Some(size) = record["size"].as_u64() {
                record["size"] = json!(human_size(size));
            }
            if let Some(digest) = record["sha256"].as_str() {
                let short: String = digest.chars().take(12).collect();
                record["sha256"] = json!(format!("{short}…"));
            }
            record
        })
        .collect();
    ctx.printer.records(ATTACHMENT_COLUMNS, &shown);
}

/// A size as people read it: bytes under 1 KiB, then KiB or MiB with one decimal.
pub fn human_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let value = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if value < KIB * KIB {
        format!("{:.1} KiB", value / KIB)
    } else if value < KIB * KIB * KIB {
        format!("{:.1} MiB", value / (KIB * KIB))
    } else {
        format!("{:.1} GiB", value / (KIB * KIB * KIB))
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(7), "7 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(2 * 1024 * 1024 + 8), "2.0 MiB");
    }
}
