//! The whole of the store as values: what a fixture loads, what `GET /__mock/state` writes and
//! `PUT /__mock/state` replaces (see [`Store::replace_all`](crate::store::Store::replace_all)).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::files::{Attachment, Photo};

/// Every live person with their files, and the keys of deleted people (which answer `410`).
#[derive(Debug, Clone, Default)]
pub(crate) struct StoreSnapshot {
    /// By lname, each once.
    pub(crate) people: Vec<PersonRecord>,
    /// Keys of deleted people, none of them live.
    pub(crate) gone: Vec<String>,
}

/// A live person as stored.
#[derive(Debug, Clone)]
pub(crate) struct PersonRecord {
    pub(crate) fname: String,
    pub(crate) lname: String,
    pub(crate) timestamp: DateTime<Utc>,
    pub(crate) photo: Option<Arc<Photo>>,
    /// In upload order.
    pub(crate) attachments: Vec<Arc<Attachment>>,
}

/// The number in an attachment id the server hands out (`att_0000002a`: 42), if it is one.
pub(crate) fn attachment_number(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("att_")?;
    if !(8..=16).contains(&digits.len()) {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_numbers() {
        assert_eq!(attachment_number("att_0000002a"), Some(42));
        assert_eq!(attachment_number("att_2a"), None);
        assert_eq!(attachment_number("cv"), None);
        assert_eq!(attachment_number("att_0000002g"), None);
    }
}
