//! [`MockState`]: the shared state of one server and the controls a test uses.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::auth::TokenStore;
use crate::clock::Clock;
use crate::config::{Config, DEMO_CLIENT_ID};
use crate::fault::{Fault, FaultId, FaultInfo, FaultSet};
use crate::journal::{Expect, Journal};
use crate::journal_entry::JournalEntry;
use crate::page_cache::PageCache;
use crate::rate_limit::RateLimiter;
use crate::state_dir::{Loaded, StateError};
use crate::state_writer::StateWriter;
use crate::store::Store;
use crate::write_through::{Ack, WriteThrough};

/// A person as stored, for assertions in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSnapshot {
    /// First name.
    pub fname: String,
    /// Last name, the key.
    pub lname: String,
    /// Time of creation or of the last change.
    pub timestamp: DateTime<Utc>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) store: Store,
    pub(crate) tokens: TokenStore,
    pub(crate) rate: RateLimiter,
    pub(crate) faults: FaultSet,
    pub(crate) journal: Journal,
    /// Rendered list pages, answered again until the people change.
    pub(crate) pages: PageCache,
    /// `host:port` used for absolute links when a request has no usable `Host`.
    pub(crate) host: OnceLock<String>,
}

/// A cheap, cloneable handle to a server's in-memory state, with the controls
/// a test needs: reset, token expiry and revocation, fault injection and the
/// request journal. [`PeopleMock`](crate::PeopleMock) offers the same methods.
#[derive(Clone)]
pub struct MockState {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for MockState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockState")
            .field("people", &self.people().len())
            .field("faults", &self.faults().len())
            .finish_non_exhaustive()
    }
}

/// Fills `store` with the people a server starts from: the fixture's, or the seeds and the
/// generated ones. The returned [`Ack`] completes when they are on disk.
fn starting_people(store: &Store, config: &Config) -> Ack {
    match &config.data {
        Some(fixture) => store.replace_all(fixture.snapshot(config.clock.now())),
        None => store.seed(config.people),
    }
}

impl MockState {
    pub(crate) fn new(config: Config) -> Result<Self, StateError> {
        let store = match &config.state {
            None => {
                let store = Store::new(config.clock.clone(), WriteThrough::default());
                // In memory: ready at once.
                let _ = starting_people(&store, &config);
                store
            }
            Some(dir) => open_store(dir, &config)?,
        };
        let inner = Inner {
            rate: RateLimiter::new(config.rate_limit, config.rate_window, config.clock.clone()),
            journal: Journal::new(config.journal, config.journal_bytes),
            store,
            tokens: TokenStore::new(
                config.max_tokens_per_client,
                config.clock.clone(),
                config.token_seed.map(|seed| seed.0),
            ),
            faults: FaultSet::default(),
            pages: PageCache::default(),
            host: OnceLock::new(),
            config,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Id of the default client (`demo-client`), or of the first configured
    /// client when the defaults are off (empty when there is none).
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert_eq!(state.client_id(), "demo-client");
    /// ```
    pub fn client_id(&self) -> &str {
        self.default_client().map_or("", |c| c.id.as_str())
    }

    /// Secret of the client of [`client_id`](Self::client_id).
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert_eq!(state.client_secret(), "demo-secret");
    /// ```
    pub fn client_secret(&self) -> &str {
        self.default_client().map_or("", |c| c.secret.as_str())
    }

    fn default_client(&self) -> Option<&crate::auth::Client> {
        let clients = &self.inner.config.clients;
        clients
            .iter()
            .find(|c| c.id == DEMO_CLIENT_ID)
            .or_else(|| clients.first())
    }

    /// Expires every access and refresh token; returns how many were live.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert_eq!(state.expire_tokens(), 0);
    /// ```
    pub fn expire_tokens(&self) -> usize {
        self.inner.tokens.expire_all()
    }

    /// Revokes one access or refresh token; false if it is unknown.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert!(!state.revoke("rt_unknown"));
    /// ```
    pub fn revoke(&self, token: &str) -> bool {
        self.inner.tokens.revoke(token)
    }

    /// Restores the seed data, puts a manual clock back at its start, and forgets tokens,
    /// faults, the journal and rate counters.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(500));
    /// state.reset();
    /// assert!(state.faults().is_empty());
    /// ```
    pub fn reset(&self) {
        // With a state directory the starting people are queued for the disk behind every
        // earlier change and written before the server's state file is closed.
        let _ = self.restart();
        self.clear_session();
    }

    /// `reset`, returning once the starting people are on disk (for `POST /__mock/reset`).
    pub(crate) async fn reset_saved(&self) -> Result<(), crate::errors::ApiError> {
        let saved = self.restart();
        self.clear_session();
        saved.done().await
    }

    /// Puts a manual clock back at its start and the people the server started from back.
    fn restart(&self) -> Ack {
        self.inner.config.clock.rewind();
        starting_people(&self.inner.store, &self.inner.config)
    }

    fn clear_session(&self) {
        self.inner.tokens.clear();
        self.inner.faults.clear();
        self.inner.journal.clear();
        self.inner.rate.clear();
    }

    /// The whole store (people, photos, attachments, deleted keys) as a fixture document, the
    /// files inline in base64: what `GET /__mock/state` answers. Fed back to
    /// [`load`](Self::load) or `--data`, it gives the same answers.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// let export = state.export();
    /// assert_eq!(export["people"][0]["lname"], "Brockman");
    /// let again = people_mock::Fixture::from_json(&export.to_string()).unwrap();
    /// state.load(&again);
    /// assert_eq!(state.export(), export);
    /// ```
    pub fn export(&self) -> serde_json::Value {
        crate::state_export::export_json(&self.inner.store.export())
    }

    /// Replaces every person, photo, attachment and deleted key with the fixture's, at once
    /// (tokens, faults, the journal and the clock stay): what `PUT /__mock/state` does. A
    /// [`reset`](Self::reset) still goes back to what the server started from.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.load(&people_mock::Fixture::from_json(r#"{"people": [{"fname": "Ada", "lname": "Lovelace"}]}"#).unwrap());
    /// assert_eq!(state.people().len(), 1);
    /// ```
    pub fn load(&self, fixture: &crate::Fixture) {
        // With a state directory the replacement is queued for the disk behind every earlier
        // change and written before the server's state file is closed.
        let _ = self.replace_with(fixture);
    }

    /// `load`, returning once the replacement is on disk (for `PUT /__mock/state`).
    pub(crate) async fn load_saved(
        &self,
        fixture: &crate::Fixture,
    ) -> Result<(), crate::errors::ApiError> {
        self.replace_with(fixture).done().await
    }

    fn replace_with(&self, fixture: &crate::Fixture) -> Ack {
        let now = self.inner.config.clock.now();
        self.inner.store.replace_all(fixture.snapshot(now))
    }

    /// Every live person, ordered by lname.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert_eq!(state.people()[0].lname, "Brockman");
    /// ```
    pub fn people(&self) -> Vec<PersonSnapshot> {
        self.inner
            .store
            .snapshot()
            .into_iter()
            .map(|p| PersonSnapshot {
                fname: p.fname,
                lname: p.lname,
                timestamp: p.timestamp,
            })
            .collect()
    }

    /// One live person.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert_eq!(state.person("Easter").unwrap().fname, "Bunny");
    /// ```
    pub fn person(&self, lname: &str) -> Option<PersonSnapshot> {
        self.inner.store.get(lname).ok().map(|p| PersonSnapshot {
            fname: p.fname,
            lname: p.lname,
            timestamp: p.timestamp,
        })
    }

    /// Adds a fault; it applies to matching requests until used up or removed.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// let id = state.inject(people_mock::Fault::drop_connection());
    /// assert_eq!(state.faults()[0].id, id);
    /// ```
    pub fn inject(&self, fault: Fault) -> FaultId {
        self.inner.faults.add(fault)
    }

    /// Every injected fault with its use count, oldest first.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert!(state.faults().is_empty());
    /// ```
    pub fn faults(&self) -> Vec<FaultInfo> {
        self.inner.faults.list()
    }

    /// Removes one fault; false if it is unknown.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// let id = state.inject(people_mock::Fault::status(500));
    /// assert!(state.remove_fault(id));
    /// ```
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.inner.faults.remove(id)
    }

    /// Removes every fault.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.inject(people_mock::Fault::status(500));
    /// state.clear_faults();
    /// assert!(state.faults().is_empty());
    /// ```
    pub fn clear_faults(&self) {
        self.inner.faults.clear();
    }

    /// The recorded requests, oldest first (at most the journal's capacity).
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert!(state.journal().is_empty());
    /// ```
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.inner.journal.entries()
    }

    /// Same as [`journal`](Self::journal), in wiremock's words.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert_eq!(state.received_requests(), state.journal());
    /// ```
    pub fn received_requests(&self) -> Vec<JournalEntry> {
        self.journal()
    }

    /// Empties the journal.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// state.clear_journal();
    /// assert!(state.journal().is_empty());
    /// ```
    pub fn clear_journal(&self) {
        self.inner.journal.clear();
    }

    /// How many recorded requests have this method and path (exact, or a prefix
    /// ending with `*`). Counts only what the journal still holds.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert_eq!(state.request_count("GET", "/api/v1/*"), 0);
    /// ```
    pub fn request_count(&self, method: &str, path: &str) -> usize {
        self.inner.journal.count(method, path)
    }

    /// Checks an expectation against the journal; the error says what was seen.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// let never = people_mock::Expect::requests("GET", "/api/v1/people").never();
    /// assert!(state.verify(&never).is_ok());
    /// ```
    pub fn verify(&self, expect: &Expect) -> Result<(), String> {
        expect.check(&self.inner.journal)
    }

    /// The server's clock.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// assert!(!state.clock().is_manual());
    /// ```
    pub fn clock(&self) -> &Clock {
        &self.inner.config.clock
    }

    /// Moves the server's manual clock forward by `by` and returns the new time: tokens whose
    /// lifetime has passed are refused, rate-limit windows that have passed start again, and
    /// what is created or changed from now on carries the new time.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let start = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let state = people_mock::PeopleMock::builder()
    ///     .clock(people_mock::Clock::manual(start))
    ///     .into_parts()
    ///     .1;
    /// let later = state.advance(Duration::from_secs(3600));
    /// assert_eq!(later.to_rfc3339(), "2030-01-01T01:00:00+00:00");
    /// ```
    ///
    /// # Panics
    /// If the server runs on the system clock, or the time would pass
    /// [`Clock::LATEST`]; [`Clock::advance`] on [`clock`](Self::clock) says so as an error.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        match self.clock().advance(by) {
            Ok(now) => now,
            Err(error) => panic!("cannot advance the clock: {error}"),
        }
    }

    /// Access token lifetime.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let state = people_mock::PeopleMock::builder()
    ///     .token_ttl(Duration::from_secs(9))
    ///     .into_parts()
    ///     .1;
    /// assert_eq!(state.token_ttl(), Duration::from_secs(9));
    /// ```
    pub fn token_ttl(&self) -> Duration {
        self.inner.config.token_ttl
    }

    /// The configuration as JSON, without secrets.
    ///
    /// ```
    /// let state = people_mock::PeopleMock::builder().into_parts().1;
    /// let config = state.config_json();
    /// assert_eq!(config["limits"]["json_bytes"], 64 * 1024);
    /// assert!(config.to_string().find("demo-secret").is_none(), "no secret");
    /// ```
    pub fn config_json(&self) -> serde_json::Value {
        let c = &self.inner.config;
        serde_json::json!({
            "server": "people-mock",
            "version": env!("CARGO_PKG_VERSION"),
            "token_ttl_secs": c.token_ttl.as_secs(),
            "refresh_ttl_secs": c.refresh_ttl.as_secs(),
            "rate_limit": { "requests": c.rate_limit, "window_secs": c.rate_window.as_secs_f64() },
            "limits": {
                "json_bytes": c.json_limit,
                "photo_bytes": c.photo_limit,
                "attachment_file_bytes": c.attachment_file_limit,
                "attachment_request_bytes": c.attachment_request_limit,
            },
            "clients": c.clients.iter().map(|cl| serde_json::json!({
                "client_id": cl.id,
                "scopes": cl.scopes,
            })).collect::<Vec<_>>(),
            "generated_people": c.people,
            "state_dir": c.state.as_ref().map(|dir| dir.display().to_string()),
            "journal_capacity": c.journal,
            "journal_bytes": c.journal_bytes,
            "max_tokens_per_client": c.max_tokens_per_client,
            "header_read_timeout_secs": c.header_read_timeout.as_secs_f64(),
            "body_read_timeout_secs": c.body_read_timeout.as_secs_f64(),
            "network": c.net.to_json(),
            "clock": if c.clock.is_manual() { "manual" } else { "system" },
            "token_seed": c.token_seed.is_some(),
            "data_people": c.data.as_ref().map(crate::Fixture::len),
        })
    }
}

/// A store kept in the state directory `dir`: what it holds is loaded; a new one gets the people
/// a server starts from (the fixture's, or the seeds and the generated ones), written to it.
fn open_store(dir: &std::path::Path, config: &Config) -> Result<Store, StateError> {
    let opened = crate::state_dir::open(dir)?;
    let next_order = opened.loaded.as_ref().map_or(0, Loaded::next_order);
    let writer = StateWriter::start(opened.db, next_order)
        .map_err(|e| StateError::new(dir, format!("cannot start its writer thread: {e}")))?;
    let store = Store::new(config.clock.clone(), WriteThrough::to_disk(writer));
    match opened.loaded {
        Some(loaded) => {
            let attachment_ids = loaded.attachment_ids;
            store.load(loaded.into_snapshot(), attachment_ids);
        }
        None => {
            // Queued first, so the writer commits it before any request's change.
            let _ = starting_people(&store, config);
        }
    }
    Ok(store)
}
