//! Why a command failed, and the exit code that says so.

use std::fmt;

use people_sdk::{Error, ErrorKind};

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The SDK reported an error.
    Sdk(Error),
    /// The arguments or settings cannot work.
    Usage(String),
    /// A local file could not be read or written.
    Io(String),
    /// Anything else.
    // Today only the embedded mock server's start-up fails this way.
    #[cfg_attr(not(feature = "embedded-mock"), allow(dead_code))]
    Other(String),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Sdk(err)
    }
}

impl Failure {
    /// The process exit code (listed in `people --help`).
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Sdk(err) => sdk_exit_code(err),
            Failure::Usage(_) => 2,
            Failure::Io(_) | Failure::Other(_) => 1,
        }
    }

    /// A hint that helps with this failure, where one does.
    pub fn hint(&self) -> Option<String> {
        let Failure::Sdk(err) = self else {
            return None;
        };
        let hint = match err.kind() {
            ErrorKind::Auth | ErrorKind::Unauthorized => {
                "check --client-id and --client-secret (or PEOPLE_CLIENT_ID and PEOPLE_CLIENT_SECRET)"
                    .to_owned()
            }
            ErrorKind::Forbidden => {
                "this client's scopes do not allow it; writes need people:write".to_owned()
            }
            ErrorKind::Gone => "the person was deleted; `people create` brings the name back".to_owned(),
            ErrorKind::NotFound => "`people list` shows who exists".to_owned(),
            ErrorKind::PreconditionFailed => {
                "the person changed since that ETag; `people get` shows the current one".to_owned()
            }
            ErrorKind::RateLimited => match err.retry_after() {
                Some(wait) => format!("try again in {} s", wait.as_secs().max(1)),
                None => "slow down and try again".to_owned(),
            },
            ErrorKind::Connect => {
                "is the server running? check --base-url (or PEOPLE_BASE_URL)".to_owned()
            }
            ErrorKind::Timeout => "the server is slow; raise --timeout".to_owned(),
            _ => return None,
        };
        Some(hint)
    }
}

/// Exit codes by error class; `people --help` lists them.
fn sdk_exit_code(err: &Error) -> u8 {
    match err.kind() {
        ErrorKind::InvalidRequest | ErrorKind::Config => 2,
        ErrorKind::Unauthorized | ErrorKind::Forbidden | ErrorKind::Auth => 3,
        ErrorKind::NotFound | ErrorKind::Gone => 4,
        ErrorKind::Conflict | ErrorKind::PreconditionFailed => 5,
        ErrorKind::BadRequest
        | ErrorKind::PayloadTooLarge
        | ErrorKind::UnsupportedMediaType
        | ErrorKind::Unprocessable
        | ErrorKind::NotAcceptable
        | ErrorKind::MethodNotAllowed => 6,
        ErrorKind::RateLimited => 7,
        ErrorKind::Unavailable | ErrorKind::Server => 8,
        ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Transport => 9,
        _ => 1,
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Sdk(err) => {
                write!(f, "{err}")?;
                // The SDK's sentence says what failed; the innermost cause (connection refused,
                // no such file, the JSON decoder's complaint) says why.
                match root_cause(err) {
                    Some(cause) if !err.to_string().contains(&cause) => write!(f, ": {cause}"),
                    _ => Ok(()),
                }
            }
            Failure::Usage(text) | Failure::Io(text) | Failure::Other(text) => f.write_str(text),
        }
    }
}

/// The text of the last error in `err`'s source chain, if it has one.
///
/// The layers between (an HTTP client's "error sending request", "client error (Connect)") say
/// less than the innermost one, which is what a person can act on.
fn root_cause(err: &Error) -> Option<String> {
    let mut cause = std::error::Error::source(err)?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    Some(cause.to_string())
}
