//! `GET /__mock/journal` as a stream: `{"capacity": n, "data": [entry, …]}` written one entry at
//! a time, so answering never builds the whole document in memory. The entries are those the
//! journal held when the request came (shared with it, not copied).

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

use crate::journal_entry::JournalEntry;

/// One entry's JSON text, after a comma unless it is the first.
fn entry_chunk(index: usize, entry: &JournalEntry) -> Bytes {
    let mut text = if index == 0 { Vec::new() } else { vec![b','] };
    // Serializing a `Value` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut text, &entry.to_json());
    Bytes::from(text)
}

/// The streamed answer listing `entries`, oldest first.
pub(crate) fn response(capacity: usize, entries: Vec<Arc<JournalEntry>>) -> Response {
    let head = Bytes::from(format!("{{\"capacity\":{capacity},\"data\":["));
    let chunks = std::iter::once(head)
        .chain(
            entries
                .into_iter()
                .enumerate()
                .map(|(index, entry)| entry_chunk(index, &entry)),
        )
        .chain(std::iter::once(Bytes::from_static(b"]}")))
        .map(Ok::<_, Infallible>);
    let mut response = Response::new(Body::from_stream(futures::stream::iter(chunks)));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use http::HeaderMap;

    use super::*;

    async fn text(entries: Vec<Arc<JournalEntry>>) -> serde_json::Value {
        let body = response(7, entries).into_body();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn streams_a_json_document() {
        assert_eq!(
            text(Vec::new()).await,
            serde_json::json!({"capacity": 7, "data": []})
        );
        let entries: Vec<_> = ["/a", "/b"]
            .iter()
            .map(|p| {
                Arc::new(JournalEntry::new(
                    "GET",
                    p,
                    None,
                    &HeaderMap::new(),
                    Utc::now(),
                ))
            })
            .collect();
        let doc = text(entries.clone()).await;
        assert_eq!(doc["data"].as_array().unwrap().len(), 2);
        assert_eq!(doc["data"][1], entries[1].to_json());
    }
}
