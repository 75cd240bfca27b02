//! The one way a change of the people, photos and attachments leaves memory: every mutation of
//! the [`Store`](crate::store::Store) goes through a [`WriteThrough`], under the store's write
//! lock, so changes reach the disk in the order memory saw them.
//!
//! By default (no state directory) nothing is written and every [`Ack`] is ready at once; with
//! [`state`](crate::PeopleMockBuilder::state) each change goes to the
//! [state writer](crate::state_writer), and its `Ack` completes once the change is on disk.

use std::sync::Arc;

use tokio::sync::oneshot;

use crate::changes::{Change, PersonValues};
use crate::errors::ApiError;
use crate::files::{Attachment, Photo};
use crate::snapshot::StoreSnapshot;
use crate::state_writer::StateWriter;

/// Where the store's changes go: nowhere (memory only, the default) or a state directory.
#[derive(Debug, Default)]
pub(crate) struct WriteThrough {
    writer: Option<StateWriter>,
}

impl WriteThrough {
    /// Changes go to `writer`, each acknowledged once on disk.
    pub(crate) fn to_disk(writer: StateWriter) -> Self {
        Self {
            writer: Some(writer),
        }
    }

    fn send(&self, change: Change) -> Ack {
        match &self.writer {
            None => Ack(None),
            Some(writer) => Ack(Some(writer.submit(change))),
        }
    }

    /// A person created over a free or gone key.
    pub(crate) fn insert_person(&self, lname: &str, values: PersonValues) -> Ack {
        self.replace_person(lname, values)
    }

    /// A live person's new values.
    pub(crate) fn replace_person(&self, lname: &str, values: PersonValues) -> Ack {
        self.send(Change::PutPerson {
            lname: lname.to_string(),
            values,
        })
    }

    /// A person deleted with its photo and attachments.
    pub(crate) fn delete_person(&self, lname: &str) -> Ack {
        self.send(Change::DeletePerson {
            lname: lname.to_string(),
        })
    }

    /// A person's photo set (replacing any).
    pub(crate) fn put_photo(&self, lname: &str, photo: Arc<Photo>) -> Ack {
        self.send(Change::PutPhoto {
            lname: lname.to_string(),
            photo,
        })
    }

    /// A person's photo removed.
    pub(crate) fn delete_photo(&self, lname: &str) -> Ack {
        self.send(Change::DeletePhoto {
            lname: lname.to_string(),
        })
    }

    /// Attachments appended to a person's.
    pub(crate) fn put_attachments(&self, lname: &str, added: Vec<Arc<Attachment>>) -> Ack {
        self.send(Change::PutAttachments {
            lname: lname.to_string(),
            added,
        })
    }

    /// One attachment of a person removed.
    pub(crate) fn delete_attachment(&self, lname: &str, id: &str) -> Ack {
        self.send(Change::DeleteAttachment {
            lname: lname.to_string(),
            id: id.to_string(),
        })
    }

    /// The whole store replaced by `snapshot`.
    pub(crate) fn replace_all(&self, snapshot: StoreSnapshot) -> Ack {
        self.send(Change::ReplaceAll(snapshot))
    }

    /// Whether changes go to disk.
    pub(crate) fn is_durable(&self) -> bool {
        self.writer.is_some()
    }
}

/// The promise that one change is on disk: ready at once in memory; otherwise completed by the
/// state writer after its commit, with the error text if the commit failed.
#[derive(Debug)]
#[must_use = "a write is durable only once its Ack completes"]
pub(crate) struct Ack(Option<oneshot::Receiver<Result<(), String>>>);

impl Ack {
    /// An Ack for a change that needs no write (or a store in memory).
    pub(crate) fn ready() -> Self {
        Self(None)
    }

    /// Waits until the change is on disk; a failed write is a 503 naming the cause.
    pub(crate) async fn done(self) -> Result<(), ApiError> {
        let Some(receiver) = self.0 else {
            return Ok(());
        };
        match receiver.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(problem)) => Err(ApiError::service_unavailable(&format!(
                "the change could not be saved: {problem}"
            ))),
            Err(_) => Err(ApiError::service_unavailable(
                "the change could not be saved: the state writer has stopped",
            )),
        }
    }
}
