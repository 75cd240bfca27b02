//! Stored files: a person's photo and attachments, kept as the chunks they arrived in.
//!
//! Uploaded bytes are kept as shared `Bytes`, so an upload is stored once and served without
//! copying.

use std::convert::Infallible;

use axum::body::Body;
use bytes::Bytes;
use chrono::{DateTime, Utc};

/// Stored bytes: the chunks an upload arrived in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Blob {
    chunks: Vec<Bytes>,
    len: u64,
}

impl Blob {
    /// The bytes of `chunks`, in order.
    pub(crate) fn new(chunks: Vec<Bytes>) -> Self {
        let len = chunks.iter().map(|c| c.len() as u64).sum();
        Self { chunks, len }
    }

    /// How many bytes are stored.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The bytes in one piece (a copy), for an export.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        self.chunks.concat()
    }

    /// The chunks, in order.
    pub(crate) fn chunks(&self) -> &[Bytes] {
        &self.chunks
    }

    /// A response body streaming the stored chunks (no copy).
    pub(crate) fn body(&self) -> Body {
        let chunks = self.chunks.clone();
        Body::from_stream(futures::stream::iter(
            chunks.into_iter().map(Ok::<Bytes, Infallible>),
        ))
    }
}

/// A person's photo.
#[derive(Debug)]
pub(crate) struct Photo {
    pub(crate) content_type: String,
    pub(crate) blob: Blob,
    pub(crate) sha256: String,
    pub(crate) caption: Option<String>,
}

impl Photo {
    /// The photo's ETag, from its SHA-256.
    pub(crate) fn etag(&self) -> String {
        crate::etag::of_sha256(&self.sha256)
    }
}

/// A stored attachment.
#[derive(Debug)]
pub(crate) struct Attachment {
    pub(crate) id: String,
    pub(crate) filename: String,
    pub(crate) content_type: String,
    pub(crate) sha256: String,
    pub(crate) uploaded_at: DateTime<Utc>,
    pub(crate) note: Option<String>,
    pub(crate) blob: Blob,
}

impl Attachment {
    /// The attachment's ETag, from its SHA-256.
    pub(crate) fn etag(&self) -> String {
        crate::etag::of_sha256(&self.sha256)
    }
}
