//! The JSON form of each resource, written by serde and nowhere else.
//!
//! The members are declared in sorted order, the order a `serde_json::Value` holds them in, so
//! the bytes are those the server has always sent; the tests hold each form to the `Value` it
//! stands for.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::files::Attachment;
use crate::time_text::TimeText;

/// A person: `{"fname","lname","timestamp"}`.
#[derive(Debug, Serialize)]
pub(crate) struct PersonJson<'a> {
    fname: &'a str,
    lname: &'a str,
    timestamp: TimeText,
}

impl<'a> PersonJson<'a> {
    /// The form of a person with these fields.
    pub(crate) fn new(fname: &'a str, lname: &'a str, timestamp: &DateTime<Utc>) -> Self {
        Self {
            fname,
            lname,
            timestamp: TimeText::new(timestamp),
        }
    }
}

/// A page of people: `{"data":[person…],"meta":{"pagination":{…}}}`.
#[derive(Debug, Serialize)]
pub(crate) struct PeoplePage<'a> {
    data: &'a [PersonJson<'a>],
    meta: PageMeta<'a>,
}

#[derive(Debug, Serialize)]
struct PageMeta<'a> {
    pagination: &'a Value,
}

impl<'a> PeoplePage<'a> {
    /// The page of `data` with its `pagination` member.
    pub(crate) fn new(data: &'a [PersonJson<'a>], pagination: &'a Value) -> Self {
        Self {
            data,
            meta: PageMeta { pagination },
        }
    }

    /// The page's JSON text, written into a buffer sized for it up front (a page of 100 would
    /// otherwise grow its buffer a dozen times).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512 + 128 * self.data.len());
        // Writing to a `Vec` cannot fail, and these types always serialise.
        let _ = serde_json::to_writer(&mut out, self);
        out
    }
}

/// A list without paging: `{"data":[…]}`.
#[derive(Debug, Serialize)]
pub(crate) struct DataList<T> {
    data: Vec<T>,
}

impl<T: Serialize> FromIterator<T> for DataList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Self {
            data: items.into_iter().collect(),
        }
    }
}

/// An attachment's metadata; `note` only when it has one.
#[derive(Debug, Serialize)]
pub(crate) struct AttachmentJson<'a> {
    content_type: &'a str,
    filename: &'a str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    sha256: &'a str,
    size: u64,
    uploaded_at: TimeText,
}

impl Attachment {
    /// The attachment's JSON form.
    pub(crate) fn json(&self) -> AttachmentJson<'_> {
        AttachmentJson {
            content_type: &self.content_type,
            filename: &self.filename,
            id: &self.id,
            note: self.note.as_deref(),
            sha256: &self.sha256,
            size: self.blob.len(),
            uploaded_at: TimeText::new(&self.uploaded_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::files::Blob;
    use crate::time_text::format_time;

    fn bytes(value: &impl Serialize) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn a_person_is_the_value_it_stands_for() {
        let at = Utc::now();
        for (fname, lname) in [("Doug", "Farrell"), ("Zoë \"Q\"", "Lévi-Strauss\u{7}")] {
            let value = json!({"fname": fname, "lname": lname, "timestamp": format_time(&at)});
            assert_eq!(bytes(&PersonJson::new(fname, lname, &at)), bytes(&value));
        }
    }

    #[test]
    fn a_page_is_the_value_it_stands_for() {
        let at = Utc::now();
        let people = [
            PersonJson::new("Doug", "Farrell", &at),
            PersonJson::new("Zoë \"Q\"", "Lévi-Strauss", &at),
        ];
        let meta = json!({"total": 2, "count": 2, "links": {"next": "http://h/x?a=1&b=2"}});
        for count in 0..=people.len() {
            let data: Vec<Value> = people[..count]
                .iter()
                .map(|p| serde_json::to_value(p).unwrap())
                .collect();
            let value = json!({ "data": data, "meta": { "pagination": meta } });
            let page = PeoplePage::new(&people[..count], &meta);
            assert_eq!(bytes(&page), bytes(&value));
            assert_eq!(page.to_bytes(), bytes(&value).into_bytes());
        }
    }

    #[test]
    fn an_attachment_is_the_value_it_stands_for() {
        for note in [None, Some("signed \"copy\"")] {
            let attachment = Attachment {
                id: "att_00000001".into(),
                filename: "cv.pdf".into(),
                content_type: "application/pdf".into(),
                sha256: "ab".repeat(32),
                uploaded_at: Utc::now(),
                note: note.map(str::to_string),
                blob: Blob::new(vec![bytes::Bytes::from_static(b"%PDF")]),
            };
            let mut value = json!({
                "id": attachment.id,
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": 4,
                "sha256": attachment.sha256,
                "uploaded_at": format_time(&attachment.uploaded_at),
            });
            if let Some(note) = note {
                value["note"] = json!(note);
            }
            assert_eq!(bytes(&attachment.json()), bytes(&value));
        }
    }
}
