//! The changes of the people, photos and attachments, as they leave memory for a state file
//! (see [`write_through`](crate::write_through)).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::files::{Attachment, Photo};
use crate::snapshot::StoreSnapshot;

/// What a state file keeps of a person besides the key and the files: the values the store
/// holds, the timestamp to the microsecond (the person's ETag is made from these and the key,
/// so it survives a restart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonValues {
    pub(crate) fname: String,
    pub(crate) timestamp: DateTime<Utc>,
}

/// One change, as the state writer applies it.
#[derive(Debug)]
pub(crate) enum Change {
    /// A person created or changed.
    PutPerson { lname: String, values: PersonValues },
    /// A person deleted, with its photo and attachments; the key stays as gone.
    DeletePerson { lname: String },
    /// A person's photo set.
    PutPhoto { lname: String, photo: Arc<Photo> },
    /// A person's photo removed.
    DeletePhoto { lname: String },
    /// Attachments appended to a person's, in order.
    PutAttachments {
        lname: String,
        added: Vec<Arc<Attachment>>,
    },
    /// One attachment removed.
    DeleteAttachment { lname: String, id: String },
    /// Everything replaced.
    ReplaceAll(StoreSnapshot),
}
