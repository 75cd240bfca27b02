//! The settings that decide who may reach the server and how much of it they may hold: allowed
//! `Host` names, the admin token, CORS origins, the body deadline and the connection cap.

use std::net::SocketAddr;
use std::time::Duration;

use crate::builder::{DEMO_CLIENT_SECRET, PeopleMockBuilder, READER_CLIENT_SECRET};

/// Network-facing settings of a server.
#[derive(Debug, Clone)]
pub(crate) struct NetConfig {
    /// Extra `Host` names accepted besides loopback names and IP literals, lower-case.
    pub(crate) allowed_hosts: Vec<String>,
    /// The bearer token the admin surface requires, if any.
    pub(crate) admin_token: Option<String>,
    /// Origins allowed to call the API from a browser, besides loopback origins.
    pub(crate) cors_origins: Vec<String>,
    /// Whether every origin may call the API from a browser (`*`).
    pub(crate) cors_any: bool,
    /// Longest time a request body may take in total; zero: no limit.
    pub(crate) body_deadline: Duration,
    /// Most connections served at once; further ones get a 503 and are closed.
    pub(crate) max_connections: usize,
    /// Whether the public demo clients may be served on a non-loopback address.
    pub(crate) allow_demo_clients: bool,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            allowed_hosts: Vec::new(),
            admin_token: None,
            cors_origins: Vec::new(),
            cors_any: false,
            body_deadline: Duration::from_secs(60),
            max_connections: 1024,
            allow_demo_clients: false,
        }
    }
}

impl NetConfig {
    /// The settings for `/__mock/config`: whether there is an admin token, never the token.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "allowed_hosts": self.allowed_hosts,
            "cors_origins": if self.cors_any { vec!["*".to_string()] } else { self.cors_origins.clone() },
            "admin_token": self.admin_token.is_some(),
            "body_deadline_secs": self.body_deadline.as_secs_f64(),
            "max_connections": self.max_connections,
        })
    }

    /// Why a server with these settings must not listen on `addr`, if it must not.
    ///
    /// Anything other than a loopback address can be reached by other machines: the admin
    /// surface then needs a token, and the demo clients, whose secrets are public, need to be
    /// allowed explicitly.
    pub(crate) fn exposure_problem(&self, addr: SocketAddr, secrets: &[&str]) -> Option<String> {
        if addr.ip().is_loopback() {
            return None;
        }
        if self.admin_token.is_none() {
            return Some(format!(
                "{addr} is not a loopback address: an admin token is required (--admin-token TOKEN)"
            ));
        }
        let demo = secrets
            .iter()
            .any(|s| *s == DEMO_CLIENT_SECRET || *s == READER_CLIENT_SECRET);
        if demo && !self.allow_demo_clients {
            return Some(format!(
                "{addr} is not a loopback address: the demo clients' secrets are public; \
                 use --no-default-clients with --client, or --allow-demo-clients"
            ));
        }
        None
    }
}

impl PeopleMockBuilder {
    /// Accepts requests whose `Host` is `name` (with any port), besides loopback names
    /// (`localhost`) and IP literals; repeatable. For a server reached through a proxy or a
    /// container name. Other names get a 421: a page on another site that a rebound DNS name
    /// points at this server cannot read it.
    pub fn allowed_host(mut self, name: &str) -> Self {
        let name = name.trim().to_ascii_lowercase();
        if !name.is_empty() && !self.config.net.allowed_hosts.contains(&name) {
            self.config.net.allowed_hosts.push(name);
        }
        self
    }

    /// Requires `Authorization: Bearer {token}` on the admin surface (`/__mock/`). Required
    /// when listening on an address other than loopback. An empty token is no token.
    pub fn admin_token(mut self, token: &str) -> Self {
        self.config.net.admin_token = (!token.is_empty()).then(|| token.to_string());
        self
    }

    /// Lets pages from `origin` (e.g. `https://app.example`) call the API from a browser; `*`
    /// lets every origin. Loopback origins (`http://localhost:5173`, `http://127.0.0.1:3000`)
    /// are always allowed. Never applies to the admin surface.
    pub fn cors_origin(mut self, origin: &str) -> Self {
        let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        if origin == "*" {
            self.config.net.cors_any = true;
        } else if !origin.is_empty() && !self.config.net.cors_origins.contains(&origin) {
            self.config.net.cors_origins.push(origin);
        }
        self
    }

    /// Longest time a request body may take from its first byte to its last, however steadily
    /// it trickles; past it the connection is closed. Zero turns the limit off. Default 60 s.
    pub fn body_deadline(mut self, deadline: Duration) -> Self {
        self.config.net.body_deadline = deadline;
        self
    }

    /// Most connections served at once (at least 1); a connection beyond it gets a 503 JSON
    /// answer and is closed. Default 1024.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.config.net.max_connections = max.max(1);
        self
    }

    /// Lets the demo clients, whose secrets are public, be served on a non-loopback address.
    pub fn allow_demo_clients(mut self) -> Self {
        self.config.net.allow_demo_clients = true;
        self
    }
}
