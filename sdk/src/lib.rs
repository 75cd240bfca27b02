//! Typed async client for the People API v1.
//!
//! ```
//! use futures::TryStreamExt;
//! use people_mock::PeopleMock;
//! use people_sdk::Client;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A throw-away server on a free port (in your code: the real API's URL).
//! let mock = PeopleMock::start().await;
//!
//! let client = Client::builder()
//!     .base_url(mock.base_url())
//!     .client_credentials(mock.client_id(), mock.client_secret())
//!     .build()?;
//!
//! // Every person, following the pages.
//! let people: Vec<_> = client.people().list().per_page(2).stream().try_collect().await?;
//! let names: Vec<&str> = people.iter().map(|p| p.lname.as_str()).collect();
//! assert_eq!(names, ["Brockman", "Easter", "Farrell"]);
//!
//! // Create, read, update conditionally, delete.
//! client.people().create("Claude", "Lévi-Strauss").await?;
//! let levi = client.person("Lévi-Strauss");
//! let fetched = levi.get().await?;
//! let etag = fetched.etag().cloned().expect("the server sends an ETag");
//! levi.update("Claude Gustave").if_match(etag).await?;
//! levi.delete().await?;
//! assert!(levi.get().await.unwrap_err().is_gone());
//! # Ok(())
//! # }
//! ```
//!
//! # What it does for you
//!
//! * **Tokens** ([`auth`]): OAuth 2.0 client credentials fetched lazily, cached, renewed ahead of
//!   expiry with the rotating refresh token, single-flight under any concurrency, and one
//!   transparent replay of a call whose token the server rejected. Secrets never appear in
//!   `Debug` output or logs.
//! * **Paging** ([`paging`]): one page, or a `Stream` of pages or of people over all pages, with
//!   optional ordered read-ahead.
//! * **Errors** ([`error`]): one [`Error`] type with an [`ErrorKind`] per status class and per
//!   transport failure, the API's error body, `Retry-After` and rate limits.
//! * **Retries** ([`retry`]): `429` and `503` for every method, `502`, `504` and connection
//!   failures for idempotent ones, exponential backoff with jitter, `Retry-After` honoured.
//! * **Uploads and downloads** ([`multipart`], [`download`], [`photo`], [`attachments`]):
//!   streamed from and to disk or any async reader or writer, with progress callbacks.
//! * **Conditional writes** ([`response`]): reads give the `ETag`, writes take `if_match`.
//! * **Observability**: one `tracing` span per call (`people_sdk.call`, with `operation` and
//!   OpenTelemetry's `http.request.method`, `http.route` (the route template, such as
//!   `/people/{lname}`), `http.response.status_code` and `error.type`, then `attempt` and
//!   `latency_ms`), one per token request (`people_sdk.token`), a debug event per retry, and the
//!   rate limit of the last response ([`Client::last_rate_limit`]). No span or event holds a
//!   person's name, a query string or a secret: the path a call was sent to is not recorded.
//!
//! # Entry points
//!
//! | call | what |
//! |---|---|
//! | [`Client::builder`] | configure and build a [`Client`] ([`client`] lists every default) |
//! | `client.people().list()` | [`ListPeople`]: `.await` or `.send()` for a page, `.pages()`, `.stream()`, `.collect_all()` |
//! | `client.person(lname).get()` | a [`Fetched`]`<`[`Person`]`>` with its [`ETag`] |
//! | `client.people().create(fname, lname)` | a [`Written`] with the new `ETag` and `Location` |
//! | `client.person(lname).update(fname)` / `.patch(patch)` / `.delete()` | writes, each with `.if_match(etag)` |
//! | `client.person(lname).photo()` | [`Photo`]: `.upload(..)`, `.download()`, `.download_to(..)`, `.bytes()`, `.delete()` |
//! | `client.person(lname).attachments()` | [`Attachments`]: `.upload(..)`, `.list()`, `.download(id)`, `.delete(id)` |
//! | `client.token_info()` | the current token's scopes and expiry (never the token) |
//!
//! The API's data types, generated from its OpenAPI document, are in [`types`].
//!
//! # Features
//!
//! The features choose how HTTPS is done; plain `http://` works under any of them, and under
//! none (`default-features = false`).
//!
//! | feature | default | TLS by |
//! |---|---|---|
//! | `rustls` | yes | rustls with the aws-lc-rs crypto provider (built from C by `aws-lc-sys`) and the platform's certificate verifier |
//! | `rustls-no-provider` | no | rustls with no crypto provider compiled in: the program installs one (ring, aws-lc-rs, a FIPS build, ...) with `rustls::crypto::CryptoProvider::install_default` before building a client; without one, `build()` fails with [`ErrorKind::Config`] |
//! | `native-tls` | no | the platform's library: OpenSSL on Linux (building needs its headers and `pkg-config`), Security.framework on macOS, SChannel on Windows |
//!
//! These enable reqwest's features of the same names; when `native-tls` is enabled with a rustls
//! feature, reqwest uses native-tls by default. For settings beyond these (proxies, custom root
//! certificates, client certificates), build a `reqwest::Client` from the re-exported
//! [`reqwest`] and pass it to [`ClientBuilder::http_client`].
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

/// The API's data types, generated from `spec/people.yaml` by `cargo xtask codegen`; public as
/// [`types`].
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::all)]
#[rustfmt::skip]
mod generated;

/// The API's data types, generated from `spec/people.yaml`, with the hand-written name types:
/// [`Lname`](types::Lname) and [`Fname`](types::Fname) for what a client sends (checked),
/// [`ReceivedName`](types::ReceivedName) for what it receives (as sent).
pub mod types {
    pub use crate::generated::types::*;
    pub use crate::names::{Fname, Lname};
    pub use crate::received::ReceivedName;
}

mod header_trace;
mod name_parsing;
mod names;
mod path;
#[cfg(test)]
mod proptest_seed;
mod received;

pub mod attachments;
pub mod auth;
pub mod client;
pub mod download;
pub mod error;
pub mod multipart;
pub mod paging;
pub mod people;
pub mod photo;
pub mod rate_limit;
pub mod response;
pub mod retry;
mod route;
mod tls;
mod token;
mod transport;

pub use attachments::{AttachmentUpload, Attachments, DeleteAttachment};
pub use auth::{
    AccessToken, ClientAuth, ClientCredentials, ClientCredentialsBuilder, StaticToken, TokenInfo,
    TokenSource,
};
pub use client::{Client, ClientBuilder};
pub use download::Download;
pub use error::{Error, ErrorKind, TokenEndpointError};
pub use multipart::{FilePart, Progress};
pub use paging::{ListPeople, Page, PageLinks};
pub use people::{CallFuture, DeletePerson, PatchPerson, People, PersonRef, UpdatePerson};
pub use photo::{DeletePhoto, Photo, PhotoUpload};
pub use rate_limit::RateLimit;
pub use response::{ETag, Fetched, Written};
pub use retry::RetryPolicy;

/// The API's error body (`message`, `error`, `error_code`, `details`), as carried by
/// [`Error::api_error`].
pub use types::Error as ApiError;
pub use types::{Attachment, Person, PersonPatch, SortBy, SortOrder};

/// The `mime` crate, for [`FilePart::with_content_type`].
pub use mime;

/// The `reqwest` crate the SDK is built on, for [`ClientBuilder::http_client`] and
/// [`ClientCredentialsBuilder::http_client`]: a client built from this re-export is always of the
/// version the SDK takes, whatever version the rest of a program uses.
pub use reqwest;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
