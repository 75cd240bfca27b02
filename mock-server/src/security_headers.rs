//! Headers that keep a browser from running what the server sends.
//!
//! Uploaded files are served with the type their uploader claimed: a "photo" or an attachment
//! could be HTML or script. [`download`] keeps a browser from sniffing another type and, should it
//! render the file anyway, runs it in a sandbox with nothing allowed. [`page`] lets the demo page
//! and the docs load their own files and call this server, and nothing else, and keeps other
//! sites from framing them.

use http::HeaderMap;
use http::header::{CONTENT_SECURITY_POLICY, HeaderValue, X_CONTENT_TYPE_OPTIONS};

/// The policy of an uploaded file: a sandbox with nothing allowed.
pub(crate) const DOWNLOAD_POLICY: &str = "sandbox; default-src 'none'";

/// The policy of the HTML pages. Swagger UI sets inline styles and shows data: and blob: images
/// (the demo page shows the photo as a blob); scripts come from this server only.
#[cfg(feature = "ui")]
pub(crate) const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Marks the answer carrying an uploaded file.
pub(crate) fn download(headers: &mut HeaderMap) {
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_POLICY),
    );
}

/// Marks the answer carrying an HTML page of this server.
#[cfg(feature = "ui")]
pub(crate) fn page(headers: &mut HeaderMap) {
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_POLICY),
    );
}
