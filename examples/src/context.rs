//! Connecting: the SDK client, and the embedded mock server when no base URL is given.

use std::sync::Arc;

use people_sdk::{Client, ClientCredentials, RetryPolicy};

use crate::cli::Global;
use crate::embedded::EmbeddedMock;
use crate::failure::Failure;
use crate::output::Printer;

/// Everything a command needs.
pub struct Context {
    /// The SDK client.
    pub client: Client,
    /// The token source behind `client`, kept to show the token on request.
    pub credentials: Arc<ClientCredentials>,
    /// The client id in use.
    pub client_id: String,
    /// Where results go.
    pub printer: Printer,
    /// The embedded mock server, when `people` started one; it stops when this is dropped.
    pub mock: Option<EmbeddedMock>,
    /// `--quiet`: no notices on stderr.
    pub quiet: bool,
    /// The request timeout, for the requests made beside the SDK.
    pub timeout: std::time::Duration,
}

impl Context {
    /// A people-mock's limit named `name` in its `/__mock/config` (`photo_bytes`, say), or
    /// `None` when the server is not a people-mock.
    pub async fn mock_limit(&self, name: &str) -> Option<u64> {
        let config = crate::mock_probe::config(self.client.base_url(), self.timeout).await?;
        config["limits"][name].as_u64()
    }
}

/// Builds the client from the global options, starting an embedded mock when there is no base URL.
pub async fn connect(global: &Global) -> Result<Context, Failure> {
    let (base_url, mock) = match &global.base_url {
        Some(url) => (crate::base_url::with_scheme(url)?, None),
        None => {
            let state = crate::state::dir(global)?;
            let mock = EmbeddedMock::start(&state, global.quiet).await?;
            if !global.quiet {
                eprintln!(
                    "people: no --base-url given; using an embedded mock server at {} (client {}), \
                     its state kept in {}",
                    mock.base_url(),
                    mock.credentials().0,
                    state.display()
                );
            }
            (mock.base_url(), Some(mock))
        }
    };
    let (client_id, client_secret) = match (&global.client_id, &global.client_secret, &mock) {
        (Some(id), Some(secret), _) => (id.clone(), secret.clone()),
        (None, None, Some(mock)) => mock.credentials(),
        (Some(_), None, _) | (None, Some(_), _) => {
            return Err(Failure::Usage(
                "give both --client-id and --client-secret (or PEOPLE_CLIENT_ID and PEOPLE_CLIENT_SECRET)"
                    .to_owned(),
            ));
        }
        (None, None, None) => {
            match crate::remote_mock::demo_client(&base_url, global.timeout).await {
                Some((id, secret)) => {
                    if !global.quiet {
                        eprintln!(
                            "people: {base_url} is a people-mock; using its demo client ({id})"
                        );
                    }
                    (id, secret)
                }
                None => {
                    return Err(Failure::Usage(
                    "no credentials: give --client-id and --client-secret (or PEOPLE_CLIENT_ID and PEOPLE_CLIENT_SECRET)"
                        .to_owned(),
                ));
                }
            }
        }
    };
    let retry = if global.no_retry {
        RetryPolicy::none()
    } else {
        RetryPolicy::default()
    };
    // The SDK normalises the base URL; the token endpoint sits under it.
    let base = Client::builder()
        .base_url(&base_url)
        .build()?
        .base_url()
        .clone();
    let token_url = base
        .join("oauth/token")
        .map_err(|err| Failure::Usage(format!("no token URL under {base}: {err}")))?;
    let credentials = Arc::new(
        ClientCredentials::builder(token_url, client_id.clone(), client_secret)
            .retry(retry.clone())
            .timeout(Some(global.timeout))
            .build()?,
    );
    let client = Client::builder()
        .base_url(base.as_str())
        .token_source(credentials.clone())
        .timeout(global.timeout)
        .retry(retry)
        .user_agent(concat!("people-cli/", env!("CARGO_PKG_VERSION")))
        .build()?;
    Ok(Context {
        client,
        credentials,
        client_id,
        printer: Printer::new(global.output),
        mock,
        quiet: global.quiet,
        timeout: global.timeout,
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    /// Without a base URL, `people` runs against its embedded mock, or, built without one, stops
    /// with a usage error (exit 2) that says what to give.
    #[tokio::test(flavor = "multi_thread")]
    async fn without_a_base_url() {
        let mut cli = Cli::try_parse_from(["people", "list"]).expect("valid arguments");
        cli.global.base_url = None;
        cli.global.client_id = None;
        cli.global.client_secret = None;
        let state = tempfile::tempdir().expect("a temp dir");
        cli.global.state = Some(state.path().to_path_buf());
        let result = connect(&cli.global).await;
        if cfg!(feature = "embedded-mock") {
            let ctx = result.expect("the embedded mock starts");
            assert!(ctx.mock.is_some());
            assert_eq!(ctx.client_id, "demo-client");
        } else {
            let Err(failure) = result else {
                panic!("there is no embedded mock to start");
            };
            assert_eq!(failure.exit_code(), 2);
            assert!(failure.to_string().contains("--base-url"), "{failure}");
        }
    }
}
