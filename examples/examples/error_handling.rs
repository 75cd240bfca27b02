//! Typed errors: match on the kind, read the API's message, code and field details.
//!
//! `cargo run -p people-examples --example error_handling`

use people_mock::PeopleMock;
use people_sdk::{Client, Error, ErrorKind};

fn describe(err: &Error) {
    // `Display` is this error's own sentence; what caused it (a connection refused, a file not
    // found, a body that is not JSON) is reached through `source()`, one layer at a time.
    println!("error: {err}");
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        println!("  caused by: {inner}");
        cause = inner.source();
    }
    match err.kind() {
        ErrorKind::Conflict => println!("  -> the last name is taken; choose another"),
        ErrorKind::NotFound => println!("  -> nobody by that name"),
        ErrorKind::Gone => println!("  -> deleted; create it again to bring it back"),
        ErrorKind::Unprocessable => {
            for detail in err.details() {
                println!("  -> field {}: {}", detail.field, detail.message);
            }
        }
        ErrorKind::InvalidRequest => println!("  -> refused before sending: fix the input"),
        _ if err.is_retryable() => println!("  -> worth trying again later"),
        _ => println!(
            "  -> status {:?}, code {:?}",
            err.status(),
            err.error_code()
        ),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mock = PeopleMock::start().await;
    let client = Client::builder()
        .base_url(mock.base_url().as_str())
        .client_credentials(mock.client_id(), mock.client_secret())
        .build()?;

    // 409: Farrell is one of the seed people.
    if let Err(err) = client.people().create("Doug", "Farrell").await {
        describe(&err);
    }
    // 404: never created.
    if let Err(err) = client.person("Nobody").get().await {
        assert!(err.is_not_found());
        describe(&err);
    }
    // 410: deleted.
    client.person("Easter").delete().send().await?;
    if let Err(err) = client.person("Easter").get().await {
        describe(&err);
    }
    // Caught by the SDK before sending: a last name may not contain '/'.
    if let Err(err) = client.people().create("A", "slash/name").await {
        describe(&err);
    }
    // No server on a port the system just handed back: a transport error, whose cause comes
    // through `source()`.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port");
    let nowhere = Client::builder()
        .base_url(format!("http://{closed}"))
        .bearer_token("unused")
        .no_retry()
        .build()?;
    if let Err(err) = nowhere.person("Farrell").get().await {
        assert!(err.is_connect());
        describe(&err);
    }
    Ok(())
}
