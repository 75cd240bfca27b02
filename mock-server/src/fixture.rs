//! [`Fixture`]: people (with photos and attachments) to start from, read from a file or text,
//! in the format `GET /__mock/state` writes; the format is in the type's docs.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::files::{Attachment, Photo};
use crate::fixture_error::FixtureError;
use crate::fixture_files::{FileRecord, read_attachment, read_bounded, read_photo};
use crate::fixture_place::Place;
use crate::names::name_problems;
use crate::snapshot::{PersonRecord, StoreSnapshot, attachment_number};

/// People to load, as read and checked, in the format of `GET /__mock/state`:
///
/// ```json
/// {"people": [{"fname": "Ada", "lname": "Lovelace", "timestamp": "2024-05-01T09:00:00Z",
///              "photo": {"file": "ada.png"},
///              "attachments": [{"file": "notes/cv.pdf", "content_type": "application/pdf"}]}],
///  "gone": ["Babbage"]}
/// ```
///
/// | member | rule | default |
/// |---|---|---|
/// | `people` | a list of people, each `lname` once | none |
/// | `gone` | lnames of deleted people (they answer `410`), none of them in `people` | none |
/// | `fname`, `lname` | the API's name rules | required |
/// | `timestamp` | RFC 3339, year 1 to 9999; kept to the microsecond | the load time, a microsecond apart in list order |
/// | `photo` | `file` or `data`; `content_type` among the photo types, matching the bytes; `caption` | no photo |
/// | `attachments` | each `file` or `data`; `filename`, `content_type`, `note`, `id`, `uploaded_at` | no attachments |
/// | attachment `id` | the key rules, unique in the fixture | `att_` and 8 hex digits after the highest such id |
/// | attachment `filename` | a string | the file's name, or `file-N` |
/// | attachment `content_type` | a string | `application/octet-stream` |
/// | attachment `uploaded_at` | as `timestamp` | the person's timestamp |
/// | `sha256`, `size` | when given, must match the bytes (an export carries them) | not checked |
///
/// `file` is a path relative to the fixture file, read when the fixture is loaded (only from
/// [`Fixture::from_file`]); `data` is the bytes in base64 (standard alphabet, padded), as an
/// export writes them. Unknown members are refused, so a misspelt one does not pass unseen.
/// Any problem refuses the whole fixture with one [`FixtureError`] naming the file, the record
/// and the field.
///
/// Cheap to clone (the records are shared). Given to
/// [`PeopleMockBuilder::data`](crate::PeopleMockBuilder::data), it replaces the seed people on
/// start and on every reset.
///
/// ```
/// let fixture = people_mock::Fixture::from_json(
///     r#"{"people": [{"fname": "Ada", "lname": "Lovelace", "timestamp": "2024-05-01T09:00:00Z"}]}"#,
/// )
/// .unwrap();
/// assert_eq!(fixture.len(), 1);
/// ```
#[derive(Clone)]
pub struct Fixture {
    records: Arc<Records>,
}

#[derive(Debug, Default)]
struct Records {
    people: Vec<Entry>,
    gone: Vec<String>,
}

/// A person as read: the times left out are given when the fixture is loaded.
#[derive(Debug)]
struct Entry {
    fname: String,
    lname: String,
    timestamp: Option<DateTime<Utc>>,
    photo: Option<Arc<Photo>>,
    attachments: Vec<FileRecord>,
}

impl std::fmt::Debug for Fixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fixture")
            .field("people", &self.records.people.len())
            .field("gone", &self.records.gone.len())
            .finish()
    }
}

impl Fixture {
    /// Reads a fixture file: JSON, or YAML when its name ends in `.yaml` or `.yml`. Files it
    /// names are read now, relative to its folder.
    ///
    /// ```
    /// let error = people_mock::Fixture::from_file("no/such/fixture.json").unwrap_err();
    /// assert_eq!(error.file(), "no/such/fixture.json");
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, FixtureError> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let bytes = read_bounded(path).map_err(|problem| FixtureError::whole(&source, problem))?;
        let yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        let value: Value = if yaml {
            serde_yaml_ng::from_slice(&bytes)
                .map_err(|e| FixtureError::whole(&source, format!("not valid YAML: {e}")))?
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|e| FixtureError::whole(&source, format!("not valid JSON: {e}")))?
        };
        let base = path.parent().unwrap_or(Path::new(""));
        Self::from_value(&value, &source, Some(base))
    }

    /// A fixture given as JSON text. Its photos and attachments must be inline (`data`): with
    /// no file, there is nothing for a `file` path to be relative to.
    ///
    /// ```
    /// let error = people_mock::Fixture::from_json(r#"{"people": 3}"#).unwrap_err();
    /// assert_eq!(error.field(), Some("people"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FixtureError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| FixtureError::whole("fixture", format!("not valid JSON: {e}")))?;
        Self::from_value(&value, "fixture", None)
    }

    /// How many people it holds.
    ///
    /// ```
    /// assert_eq!(people_mock::Fixture::from_json("{}").unwrap().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.records.people.len()
    }

    /// Whether it holds nobody.
    ///
    /// ```
    /// assert!(people_mock::Fixture::from_json(r#"{"gone": ["Farrell"]}"#).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.records.people.is_empty()
    }

    /// Reads a parsed document; `base` is the folder `file` paths are relative to (none: no
    /// `file` allowed).
    pub(crate) fn from_value(
        value: &Value,
        source: &str,
        base: Option<&Path>,
    ) -> Result<Self, FixtureError> {
        let top = Place::top(source);
        let Value::Object(map) = value else {
            return Err(top.error(None, "must be a JSON object with `people` and `gone`"));
        };
        top.only(map, &["people", "gone"])?;
        let mut records = Records::default();
        for (i, item) in top.list(map, "people")?.iter().enumerate() {
            let place = Place::record(source, format!("people[{i}]"));
            records.people.push(read_person(&place, item, base)?);
        }
        for (i, item) in top.list(map, "gone")?.iter().enumerate() {
            let place = Place::record(source, format!("gone[{i}]"));
            let Value::String(lname) = item else {
                return Err(place.error(None, "must be an lname (a string)"));
            };
            if let Some(problem) = name_problems(lname, true).first() {
                return Err(place.error(None, *problem));
            }
            records.gone.push(lname.clone());
        }
        check_unique(source, &records)?;
        number_attachments(&mut records);
        Ok(Self {
            records: Arc::new(records),
        })
    }

    /// The store's content, with the times left out set from `now`.
    pub(crate) fn snapshot(&self, now: DateTime<Utc>) -> StoreSnapshot {
        let people = self
            .records
            .people
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let step = chrono::Duration::microseconds(i64::try_from(i).unwrap_or(i64::MAX));
                let timestamp = entry
                    .timestamp
                    .unwrap_or_else(|| now.checked_add_signed(step).unwrap_or(now));
                PersonRecord {
                    fname: entry.fname.clone(),
                    lname: entry.lname.clone(),
                    timestamp,
                    photo: entry.photo.clone(),
                    attachments: entry
                        .attachments
                        .iter()
                        .map(|a| Arc::new(a.attachment(timestamp)))
                        .collect(),
                }
            })
            .collect();
        StoreSnapshot {
            people,
            gone: self.records.gone.clone(),
        }
    }
}

/// One person of `people`.
fn read_person(place: &Place, item: &Value, base: Option<&Path>) -> Result<Entry, FixtureError> {
    let Value::Object(map) = item else {
        return Err(place.error(None, "must be an object with fname and lname"));
    };
    place.only(
        map,
        &["fname", "lname", "timestamp", "photo", "attachments"],
    )?;
    let lname = name(place, map, "lname", true)?;
    let place = place.with_lname(&lname);
    let fname = name(&place, map, "fname", false)?;
    let timestamp = match map.get("timestamp") {
        None | Some(Value::Null) => None,
        Some(value) => Some(place.time(value, "timestamp")?),
    };
    let photo = match map.get("photo") {
        None | Some(Value::Null) => None,
        Some(value) => Some(Arc::new(read_photo(&place, value, base)?)),
    };
    let attachments = place
        .list(map, "attachments")?
        .iter()
        .enumerate()
        .map(|(i, value)| read_attachment(&place, i, value, base))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Entry {
        fname,
        lname,
        timestamp,
        photo,
        attachments,
    })
}

/// A required name member, checked by the API's rules.
fn name(
    place: &Place,
    map: &Map<String, Value>,
    field: &str,
    is_key: bool,
) -> Result<String, FixtureError> {
    match map.get(field) {
        None | Some(Value::Null) => Err(place.error(Some(field), "is required")),
        Some(Value::String(text)) => match name_problems(text, is_key).first() {
            Some(problem) => Err(place.error(Some(field), *problem)),
            None => Ok(text.clone()),
        },
        Some(_) => Err(place.error(Some(field), "must be a string")),
    }
}

/// Each lname once, among the people and the gone; each attachment id once.
fn check_unique(source: &str, records: &Records) -> Result<(), FixtureError> {
    let mut lnames = std::collections::HashSet::new();
    let mut ids = std::collections::HashSet::new();
    for (i, entry) in records.people.iter().enumerate() {
        let place = Place::record(source, format!("people[{i}]")).with_lname(&entry.lname);
        if !lnames.insert(entry.lname.as_str()) {
            return Err(place.error(Some("lname"), "is given to an earlier person too"));
        }
        for (j, attachment) in entry.attachments.iter().enumerate() {
            if let Some(id) = &attachment.id
                && !ids.insert(id.as_str())
            {
                let field = format!("attachments[{j}].id");
                return Err(place.error(Some(&field), "is given to an earlier attachment too"));
            }
        }
    }
    for (i, lname) in records.gone.iter().enumerate() {
        if !lnames.insert(lname.as_str()) {
            let place = Place::record(source, format!("gone[{i}]")).with_lname(lname);
            return Err(place.error(None, "is in `people` or earlier in `gone` too"));
        }
    }
    Ok(())
}

/// Gives the attachments without an id the ids the server would, after the highest given.
fn number_attachments(records: &mut Records) {
    let mut next = records
        .people
        .iter()
        .flat_map(|p| &p.attachments)
        .filter_map(|a| a.id.as_deref().and_then(attachment_number))
        .max()
        .unwrap_or(0);
    for attachment in records.people.iter_mut().flat_map(|p| &mut p.attachments) {
        if attachment.id.is_none() {
            next += 1;
            attachment.id = Some(format!("att_{next:08x}"));
        }
    }
}

impl FileRecord {
    /// The stored attachment; without its own time it was uploaded at `person_time`.
    fn attachment(&self, person_time: DateTime<Utc>) -> Attachment {
        Attachment {
            id: self.id.clone().unwrap_or_default(),
            filename: self.filename.clone(),
            content_type: self.content_type.clone(),
            sha256: self.sha256.clone(),
            uploaded_at: self.uploaded_at.unwrap_or(person_time),
            note: self.note.clone(),
            blob: self.blob.clone(),
        }
    }
}
