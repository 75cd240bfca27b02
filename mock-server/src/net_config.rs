//! The settings that decide who may reach the server and how much of it they may hold: allowed
//! `Host` names, the admin token, CORS origins, the body deadline and the connection cap.

use std::net::SocketAddr;
use std::time::Duration;

/// Network-facing settings of a server.
#[derive(Debug, Clone)]
pub(crate) struct NetConfig {
    /// Extra `Host` names accepted besides loopback names and IP literals, lower-case.
    pub(crate) allowed_hosts: Vec<String>,
    /// The bearer token the admin surface requires, if any.
    pub(crate) admin_token: Option<crate::redacted::Redacted<String>>,
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
    /// surface then needs a token, and the demo clients (`demo`: the server has one of them),
    /// whose secrets are public, need to be allowed explicitly.
    pub(crate) fn exposure_problem(&self, addr: SocketAddr, demo: bool) -> Option<String> {
        if addr.ip().is_loopback() {
            return None;
        }
        if self.admin_token.is_none() {
            return Some(format!(
                "{addr} is not a loopback address: an admin token is required (--admin-token TOKEN)"
            ));
        }
        if demo && !self.allow_demo_clients {
            return Some(format!(
                "{addr} is not a loopback address: the demo clients' secrets are public; \
                 use --no-default-clients with --client, or --allow-demo-clients"
            ));
        }
        None
    }
}
