//! The photos and attachments of a fixture: their bytes from a file (relative to the fixture)
//! or inline in base64, and their metadata checked as an upload's would be.

use std::io::Read;
use std::path::Path;

use base64::Engine;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::files::{Blob, Photo};
use crate::fixture_error::FixtureError;
use crate::fixture_place::Place;
use crate::names::name_problems;
use crate::upload::{IMAGE_TYPES, signature_matches};

/// The largest fixture file read, and the largest file it names: 1 GiB.
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 30;

/// An attachment as read; its id and time are settled when the fixture is loaded.
#[derive(Debug)]
pub(crate) struct FileRecord {
    pub(crate) id: Option<String>,
    pub(crate) filename: String,
    pub(crate) content_type: String,
    pub(crate) note: Option<String>,
    pub(crate) uploaded_at: Option<DateTime<Utc>>,
    pub(crate) sha256: String,
    pub(crate) blob: Blob,
}

/// Reads a whole regular file of at most [`MAX_FILE_BYTES`]; the error says why not.
pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    let too_large = || format!("{shown} is larger than {MAX_FILE_BYTES} bytes");
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The bytes of a photo or attachment: its `file` or its `data`, exactly one; and the name of
/// the file, if it came from one.
fn content(
    place: &Place,
    map: &Map<String, Value>,
    base: Option<&Path>,
) -> Result<(Vec<u8>, Option<String>), FixtureError> {
    match (place.text(map, "file")?, place.text(map, "data")?) {
        (Some(_), Some(_)) => Err(place.error(Some("file"), "give file or data, not both")),
        (None, None) => Err(place.error(
            Some("data"),
            "is required: give file (a path) or data (the bytes in base64)",
        )),
        (Some(file), None) => {
            let Some(base) = base else {
                return Err(place.error(
                    Some("file"),
                    "is read only from a fixture file; send the bytes in base64 as data",
                ));
            };
            let bytes =
                read_bounded(&base.join(file)).map_err(|why| place.error(Some("file"), why))?;
            let name = Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            Ok((bytes, name))
        }
        (None, Some(data)) => base64::engine::general_purpose::STANDARD
            .decode(data)
            .map(|bytes| (bytes, None))
            .map_err(|e| {
                place.error(
                    Some("data"),
                    format!("is not base64 (standard, padded): {e}"),
                )
            }),
    }
}

/// The SHA-256 of `bytes`, checked against the `sha256` and `size` members when given.
fn checked_digest(
    place: &Place,
    map: &Map<String, Value>,
    bytes: &[u8],
) -> Result<String, FixtureError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    if let Some(given) = place.text(map, "sha256")?
        && !given.eq_ignore_ascii_case(&sha256)
    {
        return Err(place.error(
            Some("sha256"),
            format!("does not match the bytes ({sha256})"),
        ));
    }
    match map.get("size") {
        None | Some(Value::Null) => {}
        Some(size) if size.as_u64() == Some(bytes.len() as u64) => {}
        Some(Value::Number(_)) => {
            return Err(place.error(
                Some("size"),
                format!("does not match the bytes ({} bytes)", bytes.len()),
            ));
        }
        Some(_) => return Err(place.error(Some("size"), "must be a number")),
    }
    Ok(sha256)
}

fn blob(bytes: Vec<u8>) -> Blob {
    Blob::new(vec![Bytes::from(bytes)])
}

/// The `photo` of a person: an image of a photo type whose bytes carry its signature.
pub(crate) fn read_photo(
    person: &Place,
    value: &Value,
    base: Option<&Path>,
) -> Result<Photo, FixtureError> {
    let place = person.under("photo");
    let Value::Object(map) = value else {
        return Err(place.error(None, "must be an object with file or data"));
    };
    place.only(
        map,
        &["file", "data", "content_type", "caption", "sha256", "size"],
    )?;
    let (bytes, _) = content(&place, map, base)?;
    let content_type = match place.text(map, "content_type")? {
        Some(given) if !IMAGE_TYPES.contains(&given) => {
            return Err(place.error(
                Some("content_type"),
                format!("must be one of {}", IMAGE_TYPES.join(", ")),
            ));
        }
        Some(given) if !signature_matches(given, &bytes) => {
            return Err(place.error(
                Some("content_type"),
                format!("does not match the bytes, which do not start as {given} does"),
            ));
        }
        Some(given) => given.to_string(),
        None => IMAGE_TYPES
            .iter()
            .find(|t| signature_matches(t, &bytes))
            .map(|t| t.to_string())
            .ok_or_else(|| {
                let field = if map.contains_key("file") {
                    "file"
                } else {
                    "data"
                };
                place.error(Some(field), "is not a PNG, JPEG, GIF or WebP image")
            })?,
    };
    let caption = place.text(map, "caption")?.map(str::to_string);
    let sha256 = checked_digest(&place, map, &bytes)?;
    Ok(Photo {
        content_type,
        blob: blob(bytes),
        sha256,
        caption,
    })
}

/// The attachment `attachments[index]` of a person.
pub(crate) fn read_attachment(
    person: &Place,
    index: usize,
    value: &Value,
    base: Option<&Path>,
) -> Result<FileRecord, FixtureError> {
    let place = person.under(&format!("attachments[{index}]"));
    let Value::Object(map) = value else {
        return Err(place.error(None, "must be an object with file or data"));
    };
    place.only(
        map,
        &[
            "id",
            "file",
            "data",
            "filename",
            "content_type",
            "note",
            "uploaded_at",
            "sha256",
            "size",
        ],
    )?;
    let id = match place.text(map, "id")? {
        Some(id) => match name_problems(id, true).first() {
            Some(problem) => return Err(place.error(Some("id"), *problem)),
            None => Some(id.to_string()),
        },
        None => None,
    };
    let (bytes, file_name) = content(&place, map, base)?;
    let filename = match place.text(map, "filename")? {
        Some("") => return Err(place.error(Some("filename"), "must not be empty")),
        Some(name) => name.to_string(),
        None => file_name.unwrap_or_else(|| format!("file-{}", index + 1)),
    };
    let content_type = match place.text(map, "content_type")? {
        Some(text) if text.parse::<mime::Mime>().is_err() => {
            return Err(place.error(Some("content_type"), "is not a media type (type/subtype)"));
        }
        Some(text) => text.to_string(),
        None => "application/octet-stream".to_string(),
    };
    let uploaded_at = match map.get("uploaded_at") {
        None | Some(Value::Null) => None,
        Some(value) => Some(place.time(value, "uploaded_at")?),
    };
    let note = place.text(map, "note")?.map(str::to_string);
    let sha256 = checked_digest(&place, map, &bytes)?;
    Ok(FileRecord {
        id,
        filename,
        content_type,
        note,
        uploaded_at,
        sha256,
        blob: blob(bytes),
    })
}
