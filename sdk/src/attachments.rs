//! A person's attachments: [`Attachments`] and [`AttachmentUpload`].
//!
//! Any number of files of any type per person, several in one upload, with an optional note (at
//! most 1024 characters) stored with each. Limits (by default): 20 MiB a file, 50 MiB an upload;
//! over them the upload fails with `413` and nothing of it is stored.
//!
//! ```
//! use futures::TryStreamExt;
//! use people_sdk::{AttachmentUpload, FilePart};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = people_mock::PeopleMock::start().await;
//! # let client = people_sdk::Client::builder()
//! #     .base_url(mock.base_url())
//! #     .client_credentials(mock.client_id(), mock.client_secret())
//! #     .build()?;
//! # let dir = tempfile::tempdir()?;
//! # let report = dir.path().join("rapport.pdf");
//! # std::fs::write(&report, "%PDF-1.7")?;
//! # let copy = dir.path().join("rapport-copy.pdf");
//! let attachments = client.person("Farrell").attachments();
//! let stored = attachments
//!     .upload(
//!         AttachmentUpload::new()
//!             .file(FilePart::from_path(&report))
//!             .file(FilePart::from_bytes("tel: 555-0100").with_file_name("téléphone.txt"))
//!             .note("from the 2024 audit"),
//!     )
//!     .await?;
//! for a in attachments.list().await? {
//!     println!("{} {} ({} bytes, sha256 {})", a.id, a.filename, a.size, a.sha256.as_str());
//! }
//! attachments.download_to(&stored[0].id, &copy).await?;
//! attachments.delete(&stored[1].id).await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use http::Method;

use crate::download::Download;
use crate::error::Error;
use crate::multipart::{FilePart, Form, Progress, ProgressFn};
use crate::path::is_dot_segment;
use crate::people::{CallFuture, PersonRef, into_future};
use crate::response::ETag;
use crate::route;
use crate::transport::Call;
use crate::types::{self, Attachment, AttachmentList};

/// Files to upload as attachments, with an optional note.
#[derive(Clone, Default)]
#[must_use = "nothing is sent until it is given to `Attachments::upload`"]
pub struct AttachmentUpload {
    files: Vec<FilePart>,
    note: Option<String>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for AttachmentUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachmentUpload")
            .field("files", &self.files)
            .field("note", &self.note)
            .finish_non_exhaustive()
    }
}

impl AttachmentUpload {
    /// An upload with no file yet; add some with [`file`](Self::file).
    pub fn new() -> Self {
        AttachmentUpload::default()
    }

    /// An upload of one file from disk.
    pub fn from_path(path: impl AsRef<Path>) -> Self {
        AttachmentUpload::new().file(FilePart::from_path(path))
    }

    /// Adds a file; files are stored in the order added.
    pub fn file(mut self, file: FilePart) -> Self {
        self.files.push(file);
        self
    }

    /// Adds files.
    pub fn files(mut self, files: impl IntoIterator<Item = FilePart>) -> Self {
        self.files.extend(files);
        self
    }

    /// A note of at most 1024 characters, stored with each file.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Calls `callback` with the bytes sent so far and the total as the upload goes (from 0
    /// again if the upload is retried).
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    fn into_form(self) -> Result<Form, Error> {
        if self.files.is_empty() {
            return Err(Error::invalid_request(
                "an attachment upload needs at least one file",
            ));
        }
        let mut form = Form::new();
        for file in self.files {
            form = form.file("files", file)?;
        }
        if let Some(note) = self.note {
            types::AttachmentUploadNote::from_str(&note).map_err(|_| {
                Error::invalid_request("the note must be at most 1024 characters long")
            })?;
            form = form.text("note", note);
        }
        Ok(form.progress(self.progress))
    }
}

/// Checks an attachment id: 1 to 64 characters, and not `.` or `..` (which URLs resolve instead
/// of sending).
fn validate_id(id: &str) -> Result<(), Error> {
    let chars = id.chars().count();
    let problem = if !(1..=64).contains(&chars) {
        "it must be 1 to 64 characters long"
    } else if is_dot_segment(id) {
        "it must not be '.' or '..'"
    } else {
        return Ok(());
    };
    Err(Error::invalid_request(format!(
        "invalid attachment id {id:?}: {problem}"
    )))
}

// The entry point lives with the resource, so that `people` need not import this module:
// imports go one way, from a resource to its parent.
impl PersonRef {
    /// The person's attachments.
    pub fn attachments(&self) -> Attachments {
        Attachments::new(self.clone())
    }
}

/// A person's attachments; from [`PersonRef::attachments`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until one of its methods is called"]
pub struct Attachments {
    person: PersonRef,
}

impl Attachments {
    pub(crate) fn new(person: PersonRef) -> Self {
        Attachments { person }
    }

    /// Uploads the files in one request; returns what was stored, in upload order.
    pub async fn upload(&self, upload: AttachmentUpload) -> Result<Vec<Attachment>, Error> {
        let form = upload.into_form()?;
        let url = self.person.url(&["attachments"])?;
        let call = Call::new("upload_attachments", route::ATTACHMENTS, Method::POST, url)
            .accept_json()
            .multipart(form);
        self.send_list(call).await
    }

    /// Lists the attachments, in upload order.
    pub async fn list(&self) -> Result<Vec<Attachment>, Error> {
        let url = self.person.url(&["attachments"])?;
        let call =
            Call::new("list_attachments", route::ATTACHMENTS, Method::GET, url).accept_json();
        self.send_list(call).await
    }

    /// Sends a call answered by an attachment list.
    async fn send_list(&self, call: Call) -> Result<Vec<Attachment>, Error> {
        let list: AttachmentList = self
            .person
            .transport()
            .json(call, "attachment list")
            .await?;
        Ok(list.data)
    }

    /// Starts downloading one attachment: see [`Download`] (its
    /// [`file_name`](Download::file_name) is the stored name). Unknown id: `404`.
    pub async fn download(&self, id: &str) -> Result<Download, Error> {
        validate_id(id)?;
        let url = self.person.url(&["attachments", id])?;
        let call = Call::new("get_attachment", route::ATTACHMENT, Method::GET, url).download();
        self.person.transport().download(call).await
    }

    /// Downloads one attachment into a new file at `path`; returns the number of bytes.
    pub async fn download_to(&self, id: &str, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.download(id).await?.save(path).await
    }

    /// Deletes one attachment. Send it with `.await` or [`DeleteAttachment::send`].
    pub fn delete(&self, id: impl Into<String>) -> DeleteAttachment {
        DeleteAttachment {
            person: self.person.clone(),
            id: id.into(),
            if_match: None,
        }
    }
}

/// Deletes an attachment; from [`Attachments::delete`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until it is awaited or sent"]
pub struct DeleteAttachment {
    person: PersonRef,
    id: String,
    if_match: Option<ETag>,
}

impl DeleteAttachment {
    /// Only if the attachment's `ETag` (its quoted SHA-256) is this one (else `412`).
    pub fn if_match(mut self, etag: impl Into<ETag>) -> Self {
        self.if_match = Some(etag.into());
        self
    }

    /// Sends the delete.
    pub async fn send(self) -> Result<(), Error> {
        validate_id(&self.id)?;
        let url = self.person.url(&["attachments", &self.id])?;
        let call =
            Call::new("delete_attachment", route::ATTACHMENT, Method::DELETE, url).accept_json();
        self.person
            .transport()
            .write(call, self.if_match.as_ref())
            .await
            .map(|_| ())
    }
}

into_future!(DeleteAttachment, ());

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_adds_every_file_in_order() {
        let form = AttachmentUpload::new()
            .file(FilePart::from_bytes("body one").with_file_name("one.txt"))
            .files([
                FilePart::from_bytes("body two").with_file_name("two.txt"),
                FilePart::from_bytes("body three").with_file_name("three.txt"),
            ])
            .files(Vec::new())
            .into_form()
            .unwrap();
        let (body, _) = form.to_bytes().await.unwrap();
        let text = String::from_utf8(body).unwrap();
        assert_eq!(text.matches("name=\"files\"").count(), 3, "{text}");
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        assert!(at("one.txt") < at("body one"));
        assert!(at("body one") < at("two.txt"));
        assert!(at("two.txt") < at("body two"));
        assert!(at("body two") < at("three.txt"));
        assert!(at("three.txt") < at("body three"));

        let only_files = AttachmentUpload::new()
            .files([FilePart::from_bytes("x").with_file_name("x.txt")])
            .into_form()
            .unwrap();
        let (body, _) = only_files.to_bytes().await.unwrap();
        assert!(
            String::from_utf8(body)
                .unwrap()
                .contains("filename=\"x.txt\"")
        );
        let none = AttachmentUpload::new().files(Vec::new()).into_form();
        assert!(none.err().is_some_and(|e| e.is_invalid_request()));
    }
}
