//! A person's photo: [`Photo`] and [`PhotoUpload`].
//!
//! One photo per person: PNG, JPEG, GIF or WebP (the server checks the bytes' signature), at most
//! 5 MiB by default, with an optional caption of at most 1024 characters. An upload replaces any
//! earlier photo.
//!
//! ```
//! use people_sdk::PhotoUpload;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = people_mock::PeopleMock::start().await;
//! # let client = people_sdk::Client::builder()
//! #     .base_url(mock.base_url())
//! #     .client_credentials(mock.client_id(), mock.client_secret())
//! #     .build()?;
//! # let dir = tempfile::tempdir()?;
//! # let doug = dir.path().join("doug.png");
//! # std::fs::write(&doug, b"\x89PNG\r\n\x1a\n0000IHDR")?;
//! # let copy = dir.path().join("copy-of-doug.png");
//! let photo = client.person("Farrell").photo();
//! let written = photo
//!     .upload(
//!         PhotoUpload::from_path(&doug)
//!             .caption("Doug at the beach")
//!             .on_progress(|p| eprintln!("{:.0}%", 100.0 * p.fraction().unwrap_or(0.0))),
//!     )
//!     .await?;
//! println!("stored, ETag {:?}", written.etag());
//!
//! let bytes = photo.bytes().await?;
//! photo.download_to(&copy).await?;
//! photo.delete().await?;
//! # let _ = bytes;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Method};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::download::Download;
use crate::error::Error;
use crate::multipart::{FilePart, Form, Progress, ProgressFn};
use crate::people::{CallFuture, PersonRef, into_future};
use crate::response::{ETag, Written};
use crate::route;
use crate::transport::Call;
use crate::types;

/// A photo to upload: the image and an optional caption.
#[derive(Clone)]
#[must_use = "nothing is sent until it is given to `Photo::upload`"]
pub struct PhotoUpload {
    file: FilePart,
    caption: Option<String>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for PhotoUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhotoUpload")
            .field("file", &self.file)
            .field("caption", &self.caption)
            .finish_non_exhaustive()
    }
}

impl PhotoUpload {
    /// A photo from any [`FilePart`].
    pub fn new(file: FilePart) -> Self {
        PhotoUpload {
            file,
            caption: None,
            progress: None,
        }
    }

    /// A photo from a file, streamed from disk; its type is guessed from its name.
    pub fn from_path(path: impl AsRef<Path>) -> Self {
        PhotoUpload::new(FilePart::from_path(path))
    }

    /// A photo in memory; its type is recognised from its first bytes unless set.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        PhotoUpload::new(FilePart::from_bytes(bytes))
    }

    /// A photo of exactly `len` bytes from a reader; set its [`with_content_type`](Self::with_content_type)
    /// (or a [`with_file_name`](Self::with_file_name) to guess it from). Such an upload is one-shot: it is
    /// not retried.
    pub fn from_reader(reader: impl AsyncRead + Send + 'static, len: u64) -> Self {
        PhotoUpload::new(FilePart::from_reader(reader, len))
    }

    /// A caption of at most 1024 characters.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// The file name to send.
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file = self.file.with_file_name(name);
        self
    }

    /// The image's media type (`image/png`, `image/jpeg`, `image/gif` or `image/webp`).
    pub fn with_content_type(mut self, content_type: mime::Mime) -> Self {
        self.file = self.file.with_content_type(content_type);
        self
    }

    /// Calls `callback` with the bytes sent so far and the total as the upload goes (from 0
    /// again if the upload is retried).
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    fn into_form(self) -> Result<Form, Error> {
        let mut form = Form::new().file("file", self.file)?;
        if let Some(caption) = self.caption {
            types::PhotoUploadCaption::from_str(&caption).map_err(|_| {
                Error::invalid_request("the caption must be at most 1024 characters long")
            })?;
            form = form.text("caption", caption);
        }
        Ok(form.progress(self.progress))
    }
}

// The entry point lives with the resource, so that `people` need not import this module:
// imports go one way, from a resource to its parent.
impl PersonRef {
    /// The person's photo.
    pub fn photo(&self) -> Photo {
        Photo::new(self.clone())
    }
}

/// A person's photo; from [`PersonRef::photo`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until one of its methods is called"]
pub struct Photo {
    person: PersonRef,
}

impl Photo {
    pub(crate) fn new(person: PersonRef) -> Self {
        Photo { person }
    }

    /// Uploads the photo (replacing any earlier one); returns its `ETag` and `Location`.
    ///
    /// A file that is not a PNG, JPEG, GIF or WebP image fails with `415`
    /// ([`ErrorKind::UnsupportedMediaType`](crate::ErrorKind::UnsupportedMediaType)), one over
    /// the size limit with `413`.
    pub async fn upload(&self, upload: PhotoUpload) -> Result<Written, Error> {
        let url = self.person.url(&["photo"])?;
        let call = Call::new("upload_photo", route::PHOTO, Method::POST, url)
            .accept_json()
            .multipart(upload.into_form()?);
        self.person.transport().write(call, None).await
    }

    /// Starts downloading the photo: see [`Download`]. No photo: `404`.
    pub async fn download(&self) -> Result<Download, Error> {
        let url = self.person.url(&["photo"])?;
        let call = Call::new("get_photo", route::PHOTO, Method::GET, url)
            .header(http::header::ACCEPT, HeaderValue::from_static("image/*"))
            .download();
        self.person.transport().download(call).await
    }

    /// Downloads the photo into a new file at `path`; returns the number of bytes.
    pub async fn download_to(&self, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.download().await?.save(path).await
    }

    /// Downloads the photo into `writer`; returns the number of bytes.
    pub async fn download_to_writer<W>(&self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        self.download().await?.write_to(writer).await
    }

    /// Downloads the photo into memory.
    pub async fn bytes(&self) -> Result<Bytes, Error> {
        self.download().await?.bytes().await
    }

    /// The photo's `ETag`, type and length without its bytes (`HEAD`), as a [`Download`] whose
    /// body is empty.
    pub async fn head(&self) -> Result<Download, Error> {
        let url = self.person.url(&["photo"])?;
        let call = Call::new("head_photo", route::PHOTO, Method::HEAD, url);
        self.person.transport().download(call).await
    }

    /// Deletes the photo. Send it with `.await` or [`DeletePhoto::send`]. No photo: `404`.
    pub fn delete(&self) -> DeletePhoto {
        DeletePhoto {
            person: self.person.clone(),
            if_match: None,
        }
    }
}

/// Deletes a photo; from [`Photo::delete`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until it is awaited or sent"]
pub struct DeletePhoto {
    person: PersonRef,
    if_match: Option<ETag>,
}

impl DeletePhoto {
    /// Only if the photo's current `ETag` is this one (else `412`, nothing deleted).
    pub fn if_match(mut self, etag: impl Into<ETag>) -> Self {
        self.if_match = Some(etag.into());
        self
    }

    /// Sends the delete.
    pub async fn send(self) -> Result<(), Error> {
        let call = Call::new(
            "delete_photo",
            route::PHOTO,
            Method::DELETE,
            self.person.url(&["photo"])?,
        )
        .accept_json();
        self.person
            .transport()
            .write(call, self.if_match.as_ref())
            .await
            .map(|_| ())
    }
}

into_future!(DeletePhoto, ());
