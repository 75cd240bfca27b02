//! The settings of a server, as the builder collects them and the server reads them.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::auth::Client;
use crate::clock::Clock;
use crate::net_config::NetConfig;

/// Id of the default read-write client.
pub const DEMO_CLIENT_ID: &str = "demo-client";
/// Secret of the default read-write client.
pub const DEMO_CLIENT_SECRET: &str = "demo-secret";
/// Id of the default read-only client.
pub const READER_CLIENT_ID: &str = "reader";
/// Secret of the default read-only client.
pub const READER_CLIENT_SECRET: &str = "reader-secret";

/// Default bound on the bytes the request journal holds.
pub const DEFAULT_JOURNAL_BYTES: usize = 8 * 1024 * 1024;

/// The settings of a server.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) token_ttl: Duration,
    pub(crate) refresh_ttl: Duration,
    pub(crate) rate_limit: u32,
    pub(crate) rate_window: Duration,
    pub(crate) photo_limit: u64,
    pub(crate) attachment_file_limit: u64,
    pub(crate) attachment_request_limit: u64,
    pub(crate) json_limit: u64,
    pub(crate) clients: Vec<Client>,
    pub(crate) people: usize,
    pub(crate) journal: usize,
    pub(crate) journal_bytes: usize,
    pub(crate) max_tokens_per_client: usize,
    pub(crate) addr: SocketAddr,
    pub(crate) header_read_timeout: Duration,
    pub(crate) body_read_timeout: Duration,
    pub(crate) net: NetConfig,
    /// The time the protocol runs on.
    pub(crate) clock: Clock,
    /// Makes tokens the same on every run.
    pub(crate) token_seed: Option<crate::redacted::Redacted<u64>>,
    /// The people to start from instead of the seeds.
    pub(crate) data: Option<crate::fixture::Fixture>,
    /// The state directory; `None` keeps everything in memory.
    pub(crate) state: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(24 * 3600),
            rate_limit: 600,
            rate_window: Duration::from_secs(60),
            photo_limit: 5 * 1024 * 1024,
            attachment_file_limit: 20 * 1024 * 1024,
            attachment_request_limit: 50 * 1024 * 1024,
            json_limit: 64 * 1024,
            clients: Vec::new(),
            people: 0,
            journal: 1000,
            journal_bytes: DEFAULT_JOURNAL_BYTES,
            max_tokens_per_client: crate::DEFAULT_MAX_TOKENS_PER_CLIENT,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            net: NetConfig::default(),
            clock: Clock::system(),
            token_seed: None,
            data: None,
            state: None,
        }
    }
}
