//! An in-memory server for the People API v1, for tests and example scripts.
//!
//! Start one per test; it listens on `127.0.0.1` on a free port, starts in
//! about a millisecond, and stops when dropped:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::time::Duration;
//! use people_mock::{Expect, Fault, PeopleMock};
//!
//! let mock = PeopleMock::start().await;
//! assert_eq!(mock.base_url().as_str(), format!("{}/api/v1/", mock.uri()));
//! assert_eq!((mock.client_id(), mock.client_secret()), ("demo-client", "demo-secret"));
//! assert_eq!(mock.people().len(), 3); // Farrell, Brockman, Easter
//!
//! // The next two GETs of the list answer 503 with Retry-After: 1.
//! mock.inject(
//!     Fault::status(503)
//!         .retry_after(Duration::from_secs(1))
//!         .method("GET")
//!         .path("/api/v1/people")
//!         .times(2),
//! );
//! // ... exercise a client against mock.base_url() ...
//! assert!(mock.verify(&Expect::requests("POST", "/api/v1/oauth/token").never()).is_ok());
//! # }
//! ```
//!
//! Other settings go through [`PeopleMock::builder`]:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::time::Duration;
//! let mock = people_mock::PeopleMock::builder()
//!     .token_ttl(Duration::from_secs(2))
//!     .rate_limit(100, Duration::from_secs(1))
//!     .client("robot", "robot-secret", &["people:read"])
//!     .people(500)
//!     .start()
//!     .await;
//! assert_eq!(mock.people().len(), 503);
//! # }
//! ```
//!
//! A test that must see the same bytes on every run, or a token end without waiting, runs on a
//! manual [`Clock`] (and a token seed); its own people come from a [`Fixture`]:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::time::Duration;
//! use people_mock::{Clock, Fixture, PeopleMock};
//!
//! let fixture = Fixture::from_json(r#"{"people": [{"fname": "Ada", "lname": "Lovelace"}]}"#).unwrap();
//! let mock = PeopleMock::builder()
//!     .clock(Clock::manual("2030-01-01T00:00:00Z".parse().unwrap()))
//!     .token_seed(7)
//!     .data(fixture)
//!     .start()
//!     .await;
//! assert_eq!(mock.person("Lovelace").unwrap().timestamp.to_rfc3339(), "2030-01-01T00:00:00+00:00");
//! mock.advance(Duration::from_secs(3600)); // every token issued before has expired
//! let snapshot = mock.export();            // the fixture format, files in base64
//! assert_eq!(snapshot["people"][0]["lname"], "Lovelace");
//! # }
//! ```
//!
//! # Defaults
//!
//! | setting | default |
//! |---|---|
//! | address | `127.0.0.1:0` (a free port) |
//! | clients | `demo-client`/`demo-secret` with `people:read people:write`; `reader`/`reader-secret` with `people:read` |
//! | access token lifetime | 3600 s |
//! | refresh token lifetime | 24 h (refresh tokens rotate: each use retires the old one) |
//! | rate limit | 600 requests per 60 s, per client; only requests with a valid token count |
//! | JSON body limit | 64 KiB |
//! | photo limit | 5 MiB |
//! | attachment limits | 20 MiB a file, 50 MiB a request |
//! | seed data | Doug Farrell, Kent Brockman, Bunny Easter (plus [`people`](PeopleMockBuilder::people) generated ones), or a [`Fixture`]'s people |
//! | journal | the last 1000 requests, at most 8 MiB; credential headers and parameters redacted, each header value and query cut at 4 KiB, no bodies |
//! | header read timeout | 10 s (a client slower to send its request head is cut off) |
//! | body deadline | 60 s for a whole request body; 30 s without a byte |
//! | live tokens | 1000 grants (access and refresh token) per client; the oldest go first |
//! | connections | 1024 at once; one more gets a JSON 503 |
//! | clock | the system clock; [`Clock::manual`] stands still until moved ([`PeopleMock::advance`], `POST /__mock/clock`) |
//! | tokens | random; [`token_seed`](PeopleMockBuilder::token_seed) makes them the same on every run |
//! | state | in memory; [`state`](PeopleMockBuilder::state) keeps it in a directory |
//! | `Host` | loopback names (`localhost`, `*.localhost`), IP literals and [`allowed_host`](PeopleMockBuilder::allowed_host) names; others get a 421 |
//! | CORS | loopback origins, plus [`cors_origin`](PeopleMockBuilder::cors_origin) ones, on `/api/v1` only |
//!
//! # What it serves
//!
//! - The People API v1 under `/api/v1`: the token endpoint `POST /api/v1/oauth/token`,
//!   `/people`, `/people/{lname}`, its photo and attachments, with the status codes,
//!   headers and JSON error bodies of the contract.
//! - Its OpenAPI description at `/api/v1/openapi.yaml` and `/api/v1/openapi.json`,
//!   interactive docs (Swagger UI, embedded) at `/api/v1/ui/` (`/api/v1/docs` redirects
//!   there) and a demo page at `/`.
//! - An admin surface under `/__mock/` (JSON in and out; no cross-site requests; an admin
//!   token when [`admin_token`](PeopleMockBuilder::admin_token) sets one): `POST
//!   /__mock/reset`, `POST /__mock/expire-tokens`, `POST /__mock/revoke`,
//!   `GET|POST|DELETE /__mock/faults`, `GET|DELETE /__mock/faults/{id}`,
//!   `GET|DELETE /__mock/journal`, `GET /__mock/config`, `GET /__mock/people`,
//!   `GET|PUT /__mock/state` (the whole store in the [`Fixture`] format) and
//!   `GET|POST /__mock/clock` (see [`Clock`]).
//!
//! # Without a socket
//!
//! [`PeopleMockBuilder::into_parts`] gives the axum [`Router`](axum::Router) and
//! its [`MockState`]; drive the router with `tower::ServiceExt::oneshot`. A request takes the
//! path it takes over a socket (head limits, the admin surface's guard, CORS), except the
//! `Host` check: a request built in process may leave `Host` out or name any host.
//!
//! # Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `cli` | yes | the `people-mock` program and its own dependencies (clap, tracing-subscriber, tokio's signal handling) |
//! | `ui` | yes | the demo page at `/` and the interactive docs (Swagger UI, embedded, without its source maps) at `/api/v1/ui/` |
//!
//! A test suite that uses only the library can leave both out:
//! `people-mock = { version = "0.1", default-features = false }`. Without `ui`, `/`,
//! `/assets/…`, `/api/v1/ui…` and `/api/v1/docs` answer the API's JSON `404`
//! (`route_not_found`) like any unknown path; the API, its spec and the admin surface are the
//! same either way.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod admin;
mod admin_clock;
mod admin_guard;
mod admin_state;
#[cfg(feature = "ui")]
mod api_index;
mod app;
mod attachments;
mod auth;
mod body;
mod body_timeout;
mod builder;
mod changes;
mod clock;
mod config;
mod config_check;
mod conn_limit;
mod cors;
mod entry;
mod errors;
mod etag;
mod fault;
mod fault_json;
mod files;
mod fixture;
mod fixture_error;
mod fixture_files;
mod fixture_place;
mod forever;
mod gate;
mod host_guard;
mod journal;
mod journal_cap;
mod journal_entry;
mod journal_ring;
mod journal_stream;
mod json_form;
mod linger;
mod media_type;
mod names;
mod negotiation;
mod net_config;
mod observe;
mod page_cache;
mod paging;
mod people;
mod photo;
mod quiet_panic;
mod rate_limit;
mod rate_order;
mod redacted;
mod redaction;
mod request_limits;
mod respond;
mod routes;
mod security_headers;
mod seeds;
mod server;
mod snapshot;
mod spec;
mod spent_tokens;
mod state;
mod state_dir;
mod state_export;
mod state_records;
mod state_writer;
mod store;
mod sync;
mod time_text;
mod token_endpoint;
mod token_ledger;
mod token_text;
#[cfg(feature = "ui")]
mod ui;
mod upload;
mod wire_errors;
mod write_through;

pub use auth::{SCOPE_READ, SCOPE_WRITE};
pub use builder::PeopleMockBuilder;
pub use clock::{Clock, ClockError};
pub use config::{
    DEFAULT_JOURNAL_BYTES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, READER_CLIENT_ID,
    READER_CLIENT_SECRET,
};
pub use config_check::{ConfigError, MAX_GENERATED_PEOPLE};
pub use fault::{DEFAULT_PRIORITY, Fault, FaultId, FaultInfo, FaultKind};
pub use fixture::Fixture;
pub use fixture_error::FixtureError;
pub use forever::FOREVER;
pub use journal::Expect;
pub use journal_cap::MAX_VALUE_BYTES as MAX_JOURNAL_VALUE_BYTES;
pub use journal_entry::{JournalEntry, REDACTED};
pub use routes::{API_BASE, encode_segment};
pub use server::PeopleMock;
pub use spec::{OPENAPI_YAML, openapi_json};
pub use state::{MockState, PersonSnapshot};
pub use state_dir::{STATE_FILE, StateError};
pub use token_ledger::DEFAULT_MAX_TOKENS_PER_CLIENT;
