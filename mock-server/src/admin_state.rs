//! `/__mock/state`: the whole store out (`GET`) and in (`PUT`), in the fixture format.
//!
//! `PUT` takes a document of at most [`MAX_STATE_BYTES`] with photos and attachments inline
//! (`data`, base64: a request names no file of the server's), checks all of it, then replaces
//! the store at once and answers `{"people": N, "gone": M}`, with a state directory once the
//! replacement is on disk. A refused document (`400` for one that is not JSON, `422` naming the
//! record and field otherwise) changes nothing.

use axum::extract::Request;
use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use crate::body::read_json_object_within;
use crate::errors::ApiError;
use crate::fixture::Fixture;
use crate::respond::json_response;
use crate::state::MockState;

/// The largest body `PUT /__mock/state` reads: 256 MiB (an export carries its files).
pub(crate) const MAX_STATE_BYTES: u64 = 256 << 20;

/// `GET /__mock/state`.
pub(crate) fn get(state: &MockState) -> Response {
    json_response(StatusCode::OK, &state.export())
}

/// `PUT /__mock/state`.
pub(crate) async fn put(state: &MockState, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let limit = (MAX_STATE_BYTES, "state_bytes");
    let value = Value::Object(read_json_object_within(limit, &parts.headers, body).await?);
    let fixture =
        Fixture::from_value(&value, "request body", None).map_err(|error| error.to_api_error())?;
    state.load_saved(&fixture).await?;
    let gone = value
        .get("gone")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Ok(json_response(
        StatusCode::OK,
        &json!({ "people": fixture.len(), "gone": gone }),
    ))
}
