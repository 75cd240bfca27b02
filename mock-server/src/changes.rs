//! The changes of the people, photos and attachments, as they leave memory for a state file
//! (see [`write_through`](crate::write_through)).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::files::{Attachment, Photo};

/// What is kept of a person besides the key: the values the store holds, timestamps included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonRecord {
    pub(crate) fname: String,
    pub(crate) timestamp: DateTime<Utc>,
    /// The version the person's ETag is made from; kept so ETags survive a restart.
    pub(crate) version: u64,
}

/// One person with everything attached, for a whole-store replacement; `record` is `None` for
/// a deleted one (whose key reads as gone).
#[derive(Debug, Clone)]
pub(crate) struct PersonState {
    pub(crate) lname: String,
    pub(crate) record: Option<PersonRecord>,
    pub(crate) photo: Option<Arc<Photo>>,
    pub(crate) attachments: Vec<Arc<Attachment>>,
}

/// One change, as the state writer applies it.
#[derive(Debug)]
pub(crate) enum Change {
    /// A person created or changed.
    PutPerson { lname: String, record: PersonRecord },
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
    ReplaceAll(Vec<PersonState>),
}
