//! Handlers of `/people/{lname}/photo`.

use axum::extract::Request;
use axum::response::Response;
use http::StatusCode;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, LOCATION};

use crate::errors::ApiError;
use crate::etag::parse_if_match;
use crate::files::Photo;
use crate::respond::{empty, set_header};
use crate::routes::person_path;
use crate::state::MockState;
use crate::upload::{FileRule, Rules, read_upload};

/// `POST /people/{lname}/photo`.
pub(crate) async fn upload(
    state: &MockState,
    lname: &str,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let limit = state.inner.config.photo_limit;
    let rules = Rules {
        file_field: "file",
        text_field: "caption",
        per_file: limit,
        per_file_name: "photo_limit",
        files_total: limit,
        files_total_name: "photo_limit",
        files: FileRule::OneImage,
    };
    let mut upload = read_upload(&parts.headers, body, &rules).await?;
    let Some(file) = upload.files.pop() else {
        return Err(ApiError::missing_file("file"));
    };
    if !upload.problems.is_empty() {
        return Err(ApiError::validation(upload.problems));
    }
    let etag = state
        .inner
        .store
        .set_photo(
            lname,
            Photo {
                content_type: file.content_type,
                blob: file.blob,
                sha256: file.sha256,
                caption: upload.text,
            },
        )
        .await?;
    let mut response = empty(StatusCode::CREATED);
    set_header(
        &mut response,
        LOCATION,
        &format!("{}/photo", person_path(lname)),
    );
    set_header(&mut response, ETAG, &etag);
    Ok(response)
}

/// `GET /people/{lname}/photo` (and HEAD).
pub(crate) fn get(state: &MockState, lname: &str) -> Result<Response, ApiError> {
    let photo = state.inner.store.photo(lname)?;
    let mut response = Response::new(photo.blob.body());
    set_header(&mut response, CONTENT_TYPE, &photo.content_type);
    set_header(&mut response, CONTENT_LENGTH, &photo.blob.len().to_string());
    set_header(&mut response, ETAG, &photo.etag());
    crate::security_headers::download(response.headers_mut());
    Ok(response)
}

/// `DELETE /people/{lname}/photo`.
pub(crate) async fn delete(
    state: &MockState,
    lname: &str,
    headers: &http::HeaderMap,
) -> Result<Response, ApiError> {
    let if_match = parse_if_match(headers)?;
    state
        .inner
        .store
        .delete_photo(lname, if_match.as_ref())
        .await?;
    Ok(empty(StatusCode::NO_CONTENT))
}
