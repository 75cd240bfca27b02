//! The client secret and every token stay out of the SDK's `Debug` and `Display` output, the
//! mock's journal and the logs of both.
//!
//! A test binary of its own, with one test, because of how its logs are captured. `tracing`
//! decides once per call site whether the call site is enabled (its `Interest`) and caches that
//! decision globally, in the call site; the most verbose level any subscriber wants is one global
//! hint too. While a single dispatcher exists, `tracing-core` asks only the *current thread's*
//! subscriber when a call site is first reached. A subscriber installed with `set_default` belongs
//! to one thread: when another test's thread, which has no subscriber, reaches a call site first
//! (the mock's request log, say), the call site is cached as never enabled and the capture misses
//! its events on every thread. Which thread gets there first depends on scheduling, so on a loaded
//! machine the captured log came out empty. Registering a call site also races with registering a
//! dispatcher. Here the capturing subscriber is the global default, installed before anything logs,
//! in a process that runs no other test: every call site, reached on any thread, is decided by it.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use people_mock::{PeopleMock, REDACTED};
use people_sdk::{Client, ClientCredentials, Error, StaticToken, TokenSource};
use reqwest::StatusCode;
use serde_json::Value;
use support::token_endpoint::{grant, token_request};

const BOUND: Duration = Duration::from_secs(60);

/// Everything `tracing` writes, at every level.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Installs a global subscriber that writes everything at TRACE here; panics if a global
    /// subscriber is installed already.
    fn install() -> Self {
        let logs = LogCapture::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("the only global subscriber of this test binary");
        logs
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("the log buffer")).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("the log buffer")
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} holds a secret or a token: {text}"
        );
    }
}

/// The subscriber is installed before the runtime is built, so nothing logs before it; the
/// runtime has several threads, as the capture no longer depends on which one an event comes from.
#[test]
fn no_secret_or_token_in_debug_output_the_journal_or_the_logs() {
    let logs = LogCapture::install();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        tokio::time::timeout(BOUND, async {
            const SECRET: &str = "s3cret-of-the-robot-7f2c";
            let mock = PeopleMock::builder()
                .client("robot", SECRET, &["people:read", "people:write"])
                .start()
                .await;
            let http = reqwest::Client::new();
            let token_url = format!("{}oauth/token", mock.base_url());

            // The SDK's own token, read through its public token source.
            let creds = ClientCredentials::builder(&token_url, "robot", SECRET)
                .build()
                .expect("credentials");
            let sdk_token = creds.token().await.expect("a token");
            let sdk_token = sdk_token.expose_secret().to_owned();
            let client = Client::builder()
                .base_url(mock.base_url().as_str())
                .token_source(creds.clone())
                .build()
                .expect("a client");
            let mut errors: Vec<Error> = Vec::new();
            client.person("Farrell").get().await.expect("a read");
            errors.push(client.person("Nobody").get().await.map(drop).unwrap_err());
            errors.push(
                client
                    .people()
                    .create("Doug", "Farrell")
                    .await
                    .map(drop)
                    .unwrap_err(),
            );
            errors.push(
                client
                    .people()
                    .create("", "Bad/Key")
                    .await
                    .map(drop)
                    .unwrap_err(),
            );

            // Tokens obtained by hand, sent the ways a careless client might: Basic credentials,
            // form fields, a bearer header, a query parameter.
            let basic = http
                .post(&token_url)
                .basic_auth("robot", Some(SECRET))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .expect("an answer");
            let basic: Value = basic.json().await.expect("a token");
            let (form_token, refresh) = grant(&http, &mock, "robot", SECRET).await;
            let in_url = http
                .get(format!(
                    "{}people?access_token={form_token}&page=1",
                    mock.base_url()
                ))
                .bearer_auth(&form_token)
                .send()
                .await
                .expect("an answer");
            assert_eq!(in_url.status(), StatusCode::OK);
            let by_form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
                ("client_id", "robot"),
                ("client_secret", SECRET),
            ];
            let (status, _) = token_request(&http, &mock, &by_form).await;
            assert_eq!(status, StatusCode::OK);

            // A token revoked under the SDK: it recovers or fails, and says nothing secret either way.
            mock.revoke(&sdk_token);
            if let Err(err) = client.person("Farrell").get().await {
                errors.push(err);
            }
            let unauthorized = Client::builder()
                .base_url(mock.base_url().as_str())
                .bearer_token(StaticToken::new(sdk_token.clone()))
                .build()
                .expect("a client");
            errors.push(
                unauthorized
                    .person("Farrell")
                    .get()
                    .await
                    .map(drop)
                    .unwrap_err(),
            );

            let basic_access = basic["access_token"].as_str().expect("a token").to_owned();
            let basic_refresh = basic["refresh_token"].as_str().expect("a token").to_owned();
            let secrets = [
                SECRET,
                &sdk_token,
                &form_token,
                &refresh,
                &basic_access,
                &basic_refresh,
            ];

            assert_clean("Client", &format!("{client:?}"), &secrets);
            assert_clean(
                "a client with a fixed token",
                &format!("{unauthorized:?}"),
                &secrets,
            );
            assert_clean("ClientCredentials", &format!("{creds:?}"), &secrets);
            for err in &errors {
                let mut text = format!("{err:?} {err}");
                let mut source = std::error::Error::source(err);
                while let Some(cause) = source {
                    text.push_str(&format!(" {cause} {cause:?}"));
                    source = cause.source();
                }
                assert_clean("an SDK error", &text, &secrets);
            }

            let journal = mock.journal();
            assert!(journal.len() >= 8, "the journal recorded the requests");
            let journal_text: String = journal
                .iter()
                .map(|entry| format!("{entry:?} {}\n", entry.to_json()))
                .collect();
            assert_clean("the journal", &journal_text, &secrets);
            assert!(
                journal_text.contains(REDACTED),
                "credentials are shown as redacted"
            );
            assert!(journal_text.contains(&format!("access_token={REDACTED}")));

            let log = logs.text();
            assert!(
                log.contains("people_mock::request"),
                "the mock logged its requests: {log}"
            );
            assert_clean("the logs", &log, &secrets);
        })
        .await
        .expect("the test finished within its bound");
    });
}
