//! Handlers of `/people/{lname}/attachments…`.

use axum::extract::Request;
use axum::response::Response;
use http::StatusCode;
use http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, ETAG, LOCATION};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::errors::ApiError;
use crate::etag::parse_if_match;
use crate::files::Attachment;
use crate::json_form::DataList;
use crate::negotiation::require_json_accept;
use crate::respond::{empty, json_response, set_header};
use crate::routes::person_path;
use crate::state::MockState;
use crate::upload::{FileRule, Rules, read_upload};

/// RFC 8187 `attr-char`s stay as they are; everything else is encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<encoded>`.
pub(crate) fn content_disposition(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(filename, ATTR_CHAR)
    )
}

/// `GET /people/{lname}/attachments` (and HEAD).
pub(crate) fn list(state: &MockState, lname: &str, req: &Request) -> Result<Response, ApiError> {
    require_json_accept(req.headers())?;
    let attachments = state.inner.store.attachments(lname)?;
    let list: DataList<_> = attachments.iter().map(|a| a.json()).collect();
    Ok(json_response(StatusCode::OK, &list))
}

/// `POST /people/{lname}/attachments`.
pub(crate) async fn upload(
    state: &MockState,
    lname: &str,
    req: Request,
) -> Result<Response, ApiError> {
    require_json_accept(req.headers())?;
    let (parts, body) = req.into_parts();
    let config = &state.inner.config;
    let rules = Rules {
        file_field: "files",
        text_field: "note",
        per_file: config.attachment_file_limit,
        per_file_name: "attachment_file_limit",
        files_total: config.attachment_request_limit,
        files_total_name: "attachment_request_limit",
        files: FileRule::Many,
    };
    let upload = read_upload(&parts.headers, body, &rules).await?;
    if upload.files.is_empty() {
        return Err(ApiError::missing_file("files"));
    }
    if !upload.problems.is_empty() {
        return Err(ApiError::validation(upload.problems));
    }
    let now = state.inner.config.clock.now();
    let store = &state.inner.store;
    let records = upload
        .files
        .into_iter()
        .enumerate()
        .map(|(i, file)| Attachment {
            id: store.next_attachment_id(),
            filename: file
                .filename
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| format!("file-{}", i + 1)),
            content_type: file.content_type,
            sha256: file.sha256,
            uploaded_at: now,
            note: upload.text.clone(),
            blob: file.blob,
        })
        .collect();
    let stored = store.add_attachments(lname, records).await?;
    let list: DataList<_> = stored.iter().map(|a| a.json()).collect();
    let mut response = json_response(StatusCode::CREATED, &list);
    set_header(
        &mut response,
        LOCATION,
        &format!("{}/attachments", person_path(lname)),
    );
    Ok(response)
}

/// `GET /people/{lname}/attachments/{id}` (and HEAD).
pub(crate) fn download(state: &MockState, lname: &str, id: &str) -> Result<Response, ApiError> {
    let attachment = state.inner.store.attachment(lname, id)?;
    let mut response = Response::new(attachment.blob.body());
    set_header(&mut response, CONTENT_TYPE, &attachment.content_type);
    set_header(
        &mut response,
        CONTENT_LENGTH,
        &attachment.blob.len().to_string(),
    );
    set_header(&mut response, ETAG, &attachment.etag());
    set_header(
        &mut response,
        CONTENT_DISPOSITION,
        &content_disposition(&attachment.filename),
    );
    crate::security_headers::download(response.headers_mut());
    Ok(response)
}

/// `DELETE /people/{lname}/attachments/{id}`.
pub(crate) async fn delete(
    state: &MockState,
    lname: &str,
    id: &str,
    headers: &http::HeaderMap,
) -> Result<Response, ApiError> {
    let if_match = parse_if_match(headers)?;
    state
        .inner
        .store
        .delete_attachment(lname, id, if_match.as_ref())
        .await?;
    Ok(empty(StatusCode::NO_CONTENT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_has_fallback_and_extended_name() {
        assert_eq!(
            content_disposition("李 \"x\".txt"),
            "attachment; filename=\"_ _x_.txt\"; filename*=UTF-8''%E6%9D%8E%20%22x%22.txt"
        );
        assert_eq!(
            content_disposition("a.txt"),
            "attachment; filename=\"a.txt\"; filename*=UTF-8''a.txt"
        );
    }
}
