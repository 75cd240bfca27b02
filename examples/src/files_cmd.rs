//! `photo …`, `attach`, `attachments` and `attachment …`: streamed uploads and downloads.

use std::path::{Path, PathBuf};

use people_sdk::{Attachment, AttachmentUpload, Download, FilePart, PhotoUpload};
use serde_json::{Value, json};

use crate::context::Context;
use crate::failure::Failure;
use crate::progress;

/// The columns of an attachment table: (header, JSON field).
pub const ATTACHMENT_COLUMNS: &[(&str, &str)] = &[
    ("ID", "id"),
    ("FILENAME", "filename"),
    ("TYPE", "content_type"),
    ("SIZE", "size"),
    ("SHA256", "sha256"),
    ("UPLOADED", "uploaded_at"),
];

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
    ctx.printer.done(
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
        total += file_size(file)?;
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
    ctx.printer.done(
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

/// Streams a download to `output`, with a bar when it is large and stderr is a terminal.
async fn save(download: Download, output: &Path, label: &str) -> Result<u64, Failure> {
    let bar = progress::bar(download.content_length(), label);
    let result = download
        .on_progress(progress::callback(&bar))
        .save(output)
        .await;
    progress::finish(bar);
    Ok(result?)
}

fn print_attachments(ctx: &Context, list: &[Attachment]) {
    let records: Vec<Value> = list
        .iter()
        .map(|attachment| serde_json::to_value(attachment).unwrap_or(Value::Null))
        .collect();
    ctx.printer.records(ATTACHMENT_COLUMNS, &records);
}
