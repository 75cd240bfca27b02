//! The program's settings for a server other machines or pages may reach.

use people_mock::PeopleMockBuilder;

/// Printed when the server listens on an address other than loopback.
pub(crate) const WARNING: &str = "people-mock: warning: listening on an address other than \
loopback: other machines can reach this server; the admin surface needs the admin token";

/// Applies `--allowed-host`, `--cors` and `--admin-token`.
pub(crate) fn apply(
    mut builder: PeopleMockBuilder,
    hosts: &[String],
    origins: &[String],
    admin_token: Option<&str>,
) -> PeopleMockBuilder {
    for host in hosts {
        builder = builder.allowed_host(host);
    }
    for origin in origins {
        builder = builder.cors_origin(origin);
    }
    if let Some(token) = admin_token {
        builder = builder.admin_token(token);
    }
    builder
}
