//! Checks of a server's settings before it starts: a value that cannot work is refused with a
//! [`ConfigError`] naming the setting, rather than silently changed or left to fail on a
//! request.
//!
//! | setting | accepted |
//! |---|---|
//! | `token_ttl`, `refresh_ttl` | more than zero; [`FOREVER`](crate::FOREVER) (100 years) or more: never expires |
//! | `rate_limit` | at least 1 request per window |
//! | `rate_window` | more than zero; 100 years or more: the window never ends |
//! | `header_read_timeout`, `body_read_timeout` | anything; zero or 100 years or more: no timeout |
//! | `people` | at most [`MAX_GENERATED_PEOPLE`]; none with `data` |
//! | `max_tokens_per_client` | at least 1 |
//! | `client` | a non-empty id and secret; scopes among `people:read` and `people:write` |

use crate::auth::{Client, KNOWN_SCOPES};
use crate::config::Config;

/// The most people [`people`](crate::PeopleMockBuilder::people) may generate.
pub const MAX_GENERATED_PEOPLE: usize = 100_000;

/// A setting that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    setting: &'static str,
    problem: String,
}

impl ConfigError {
    pub(crate) fn new(setting: &'static str, problem: impl Into<String>) -> Self {
        Self {
            setting,
            problem: problem.into(),
        }
    }

    /// The setting, named as the builder's method (`rate_limit`, `client`, …); the program's
    /// flag is the same name with dashes (`--rate-limit`, `--client`).
    pub fn setting(&self) -> &'static str {
        self.setting
    }

    /// What is wrong with its value.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.setting, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn check_client(client: &Client) -> Result<(), ConfigError> {
    if client.id.is_empty() || client.secret.is_empty() {
        return Err(ConfigError::new(
            "client",
            "the id and the secret must not be empty",
        ));
    }
    if let Some(unknown) = client
        .scopes
        .iter()
        .find(|s| !KNOWN_SCOPES.contains(&s.as_str()))
    {
        return Err(ConfigError::new(
            "client",
            format!(
                "client '{}' has the unknown scope '{unknown}' (known: {})",
                client.id,
                KNOWN_SCOPES.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Checks every setting; the first that cannot be used is the error.
pub(crate) fn check(config: &Config) -> Result<(), ConfigError> {
    let not_zero = [
        ("token_ttl", config.token_ttl.is_zero()),
        ("refresh_ttl", config.refresh_ttl.is_zero()),
        ("rate_window", config.rate_window.is_zero()),
    ];
    if let Some((setting, _)) = not_zero.iter().find(|(_, zero)| *zero) {
        return Err(ConfigError::new(setting, "must be more than zero"));
    }
    if config.rate_limit == 0 {
        return Err(ConfigError::new(
            "rate_limit",
            "must be at least 1 request per window",
        ));
    }
    if config.max_tokens_per_client == 0 {
        return Err(ConfigError::new(
            "max_tokens_per_client",
            "must be at least 1",
        ));
    }
    if config.people > MAX_GENERATED_PEOPLE {
        return Err(ConfigError::new(
            "people",
            format!("must be at most {MAX_GENERATED_PEOPLE}"),
        ));
    }
    if config.people > 0 && config.data.is_some() {
        return Err(ConfigError::new(
            "people",
            "cannot be combined with data, whose people replace the generated ones",
        ));
    }
    config.clients.iter().try_for_each(check_client)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::PeopleMock;

    fn setting(builder: crate::PeopleMockBuilder) -> Option<&'static str> {
        builder.validate().err().map(|e| e.setting())
    }

    #[test]
    fn unusable_values_are_named() {
        let b = PeopleMock::builder;
        assert_eq!(setting(b()), None);
        assert_eq!(setting(b().token_ttl(Duration::ZERO)), Some("token_ttl"));
        assert_eq!(
            setting(b().refresh_ttl(Duration::ZERO)),
            Some("refresh_ttl")
        );
        assert_eq!(
            setting(b().rate_limit(0, Duration::from_secs(1))),
            Some("rate_limit")
        );
        assert_eq!(
            setting(b().rate_limit(1, Duration::ZERO)),
            Some("rate_window")
        );
        assert_eq!(
            setting(b().max_tokens_per_client(0)),
            Some("max_tokens_per_client")
        );
        assert_eq!(setting(b().people(usize::MAX)), Some("people"));
        assert_eq!(setting(b().client("x", "y", &["admin"])), Some("client"));
        let fixture = crate::Fixture::from_json("{}").unwrap();
        assert_eq!(setting(b().people(1).data(fixture)), Some("people"));
        assert_eq!(
            setting(b().client("", "y", &["people:read"])),
            Some("client")
        );
        let err = b()
            .client("x", "y", &["people:read admin"])
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("'admin'"), "{err}");
    }

    #[test]
    fn huge_durations_are_accepted() {
        let huge = Duration::from_secs(u64::MAX);
        let builder = PeopleMock::builder()
            .token_ttl(huge)
            .refresh_ttl(huge)
            .rate_limit(1, huge)
            .header_read_timeout(huge)
            .body_read_timeout(huge);
        assert_eq!(setting(builder), None);
    }
}
