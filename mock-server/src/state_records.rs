//! How people, photos and attachments are laid out in the state file: the tables and the
//! encoding of one record.
//!
//! | table | key | value |
//! |---|---|---|
//! | `meta` | `"format"` | [`FORMAT`], written with the first data: a file without it is not ours |
//! | `meta` | `"attachment_ids"` | the highest attachment number given out, so that none is given twice, even after a delete |
//! | `people` | lname | JSON: the person's fname and timestamp (to the microsecond: the ETag is made from them), or that it is gone |
//! | `photos` | lname | a framed record: JSON head (type, SHA-256, caption), then the bytes |
//! | `attachments` | (lname, id) | a framed record: JSON head (order, name, type, SHA-256, time, note), then the bytes |
//!
//! A framed record is the head's length as 4 little-endian bytes, the head, then the file's
//! bytes, so a blob is stored in the same transaction as what refers to it and is never seen
//! without it.
//!
//! redb checks its pages' checksums only when it recovers from a crash, not on every read, so
//! each record checks itself: a person's JSON and a file's head end with the first
//! [`CHECK_BYTES`] bytes of their SHA-256, and a file's bytes are checked against the SHA-256 in
//! its head. A record changed on disk is refused on load, never taken for another value.

use chrono::{DateTime, Utc};
use redb::TableDefinition;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::changes::PersonValues;
use crate::files::{Attachment, Blob, Photo};

/// How many bytes of a record's SHA-256 end it.
const CHECK_BYTES: usize = 8;

/// `bytes` followed by the first bytes of their SHA-256.
fn seal(mut bytes: Vec<u8>) -> Vec<u8> {
    let check = Sha256::digest(&bytes);
    bytes.extend_from_slice(&check[..CHECK_BYTES]);
    bytes
}

/// The bytes [`seal`] was given, if the check at their end still matches them.
fn unseal(sealed: &[u8]) -> Result<&[u8], String> {
    let body_len = sealed
        .len()
        .checked_sub(CHECK_BYTES)
        .ok_or("the record is cut short")?;
    let (body, check) = sealed.split_at(body_len);
    if Sha256::digest(body)[..CHECK_BYTES] != *check {
        return Err("the record's checksum does not match it".into());
    }
    Ok(body)
}

/// The format marker: the name and version of this layout.
pub(crate) const FORMAT: &str = "people-mock-state/1";

pub(crate) const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
/// The `meta` key of the highest attachment number given out.
pub(crate) const ATTACHMENT_IDS: &str = "attachment_ids";

pub(crate) const PEOPLE: TableDefinition<&str, &[u8]> = TableDefinition::new("people");
pub(crate) const PHOTOS: TableDefinition<&str, &[u8]> = TableDefinition::new("photos");
pub(crate) const ATTACHMENTS: TableDefinition<(&str, &str), &[u8]> =
    TableDefinition::new("attachments");

/// A person as stored: live with its values, or gone.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum PersonDisk {
    Live {
        fname: String,
        timestamp: DateTime<Utc>,
    },
    Gone,
}

/// A person's record: `None` is a gone person.
pub(crate) fn encode_person(values: Option<&PersonValues>) -> Vec<u8> {
    let disk = match values {
        Some(v) => PersonDisk::Live {
            fname: v.fname.clone(),
            timestamp: v.timestamp,
        },
        None => PersonDisk::Gone,
    };
    seal(serde_json::to_vec(&disk).unwrap_or_default())
}

/// Reads a person's record back; `Ok(None)` is a gone person.
pub(crate) fn decode_person(bytes: &[u8]) -> Result<Option<PersonValues>, String> {
    match serde_json::from_slice(unseal(bytes)?).map_err(|e| e.to_string())? {
        PersonDisk::Live { fname, timestamp } => Ok(Some(PersonValues { fname, timestamp })),
        PersonDisk::Gone => Ok(None),
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct PhotoHead {
    content_type: String,
    sha256: String,
    caption: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct AttachmentHead {
    order: u64,
    id: String,
    filename: String,
    content_type: String,
    sha256: String,
    uploaded_at: DateTime<Utc>,
    note: Option<String>,
}

fn frame(head: &impl Serialize, blob: &Blob) -> Vec<u8> {
    let head = seal(serde_json::to_vec(head).unwrap_or_default());
    let len = u32::try_from(head.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(4 + head.len() + blob.len() as usize);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&head);
    for chunk in blob.chunks() {
        out.extend_from_slice(chunk);
    }
    out
}

/// Splits a framed record into its head and its bytes, checking the bytes' SHA-256.
fn unframe<H: for<'de> Deserialize<'de>>(
    bytes: &[u8],
    sha256: impl Fn(&H) -> &str,
) -> Result<(H, Blob), String> {
    let (len, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or("the record is cut short")?;
    let len = u32::from_le_bytes(*len) as usize;
    if rest.len() < len {
        return Err("the record is cut short".into());
    }
    let (head, body) = rest.split_at(len);
    let head: H = serde_json::from_slice(unseal(head)?).map_err(|e| e.to_string())?;
    let actual = hex::encode(Sha256::digest(body));
    if actual != sha256(&head) {
        return Err(format!(
            "the bytes' SHA-256 is {actual}, not the {} recorded",
            sha256(&head)
        ));
    }
    Ok((head, Blob::new(vec![bytes::Bytes::copy_from_slice(body)])))
}

/// A photo's record.
pub(crate) fn encode_photo(photo: &Photo) -> Vec<u8> {
    let head = PhotoHead {
        content_type: photo.content_type.clone(),
        sha256: photo.sha256.clone(),
        caption: photo.caption.clone(),
    };
    frame(&head, &photo.blob)
}

/// Reads a photo back.
pub(crate) fn decode_photo(bytes: &[u8]) -> Result<Photo, String> {
    let (head, blob) = unframe(bytes, |h: &PhotoHead| &h.sha256)?;
    Ok(Photo {
        content_type: head.content_type,
        blob,
        sha256: head.sha256,
        caption: head.caption,
    })
}

/// An attachment's record; `order` places it among its person's attachments.
pub(crate) fn encode_attachment(order: u64, attachment: &Attachment) -> Vec<u8> {
    let head = AttachmentHead {
        order,
        id: attachment.id.clone(),
        filename: attachment.filename.clone(),
        content_type: attachment.content_type.clone(),
        sha256: attachment.sha256.clone(),
        uploaded_at: attachment.uploaded_at,
        note: attachment.note.clone(),
    };
    frame(&head, &attachment.blob)
}

/// Reads an attachment back, with its order.
pub(crate) fn decode_attachment(bytes: &[u8]) -> Result<(u64, Attachment), String> {
    let (head, blob) = unframe(bytes, |h: &AttachmentHead| &h.sha256)?;
    Ok((
        head.order,
        Attachment {
            id: head.id,
            filename: head.filename,
            content_type: head.content_type,
            sha256: head.sha256,
            uploaded_at: head.uploaded_at,
            note: head.note,
            blob,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_and_a_gone_one_read_back_as_written() {
        let record = PersonValues {
            fname: "Ada".into(),
            timestamp: Utc::now(),
        };
        let bytes = encode_person(Some(&record));
        assert_eq!(decode_person(&bytes), Ok(Some(record)));
        assert_eq!(decode_person(&encode_person(None)), Ok(None));
        assert!(decode_person(b"{").is_err());
        let mut changed = bytes.clone();
        changed[12] ^= 1;
        assert!(decode_person(&changed).is_err_and(|e| e.contains("checksum")));
    }

    #[test]
    fn a_photo_whose_bytes_changed_is_refused() {
        let body = bytes::Bytes::from_static(b"\x89PNG....");
        let photo = Photo {
            content_type: "image/png".into(),
            blob: Blob::new(vec![body.clone()]),
            sha256: hex::encode(Sha256::digest(&body)),
            caption: Some("me".into()),
        };
        let mut bytes = encode_photo(&photo);
        let back = decode_photo(&bytes).map(|p| (p.sha256, p.caption, p.blob.len()));
        assert_eq!(back, Ok((photo.sha256.clone(), Some("me".into()), 8)));
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(decode_photo(&bytes).is_err_and(|e| e.contains("SHA-256")));
        assert!(decode_photo(&bytes[..2]).is_err());
    }
}
