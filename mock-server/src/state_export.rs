//! `GET /__mock/state`: the whole store in the format a [`Fixture`](crate::Fixture) reads,
//! files inline in base64, so that the export fed back (`--data`, `PUT /__mock/state`) gives
//! the same answers.

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::files::{Attachment, Photo};
use crate::snapshot::StoreSnapshot;
use crate::time_text::format_time;

fn data(blob: &crate::files::Blob) -> String {
    base64::engine::general_purpose::STANDARD.encode(blob.to_vec())
}

fn photo_json(photo: &Photo) -> Value {
    let mut map = Map::new();
    map.insert("content_type".into(), json!(photo.content_type));
    if let Some(caption) = &photo.caption {
        map.insert("caption".into(), json!(caption));
    }
    map.insert("sha256".into(), json!(photo.sha256));
    map.insert("size".into(), json!(photo.blob.len()));
    map.insert("data".into(), json!(data(&photo.blob)));
    Value::Object(map)
}

fn attachment_json(attachment: &Attachment) -> Value {
    let mut value = serde_json::to_value(attachment.json()).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        map.insert("data".into(), json!(data(&attachment.blob)));
    }
    value
}

/// The document of `snapshot`: people by lname (photo and attachments only when they have
/// some), then the keys of deleted people.
pub(crate) fn export_json(snapshot: &StoreSnapshot) -> Value {
    let people: Vec<Value> = snapshot
        .people
        .iter()
        .map(|person| {
            let mut map = Map::new();
            map.insert("fname".into(), json!(person.fname));
            map.insert("lname".into(), json!(person.lname));
            map.insert("timestamp".into(), json!(format_time(&person.timestamp)));
            if let Some(photo) = &person.photo {
                map.insert("photo".into(), photo_json(photo));
            }
            if !person.attachments.is_empty() {
                let list: Vec<Value> = person
                    .attachments
                    .iter()
                    .map(|a| attachment_json(a))
                    .collect();
                map.insert("attachments".into(), Value::Array(list));
            }
            Value::Object(map)
        })
        .collect();
    json!({ "people": people, "gone": snapshot.gone })
}
