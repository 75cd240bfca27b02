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
    /// A file is larger than the server takes; nothing was sent.
    TooLarge(String),
    /// The person at the terminal said no to a confirmation.
    Declined(String),
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
            Failure::TooLarge(_) => 6,
            Failure::Io(_) | Failure::Declined(_) | Failure::Other(_) => 1,
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
            ErrorKind::NotFound => match err.error() {
                Some("photo_not_found") => {
                    "this person has no photo; `people photo upload LNAME FILE` adds one".to_owned()
                }
                Some("attachment_not_found") => {
                    "`people attachments LNAME` lists the ids this person has".to_owned()
                }
                _ => "`people list` shows who exists".to_owned(),
            },
            ErrorKind::Conflict => {
                "that last name is taken; `people update LNAME --fname NAME` changes the person who has it"
                    .to_owned()
            }
            ErrorKind::PreconditionFailed => {
                "the person changed since that ETag; `people get` shows the current one".to_owned()
            }
            ErrorKind::PayloadTooLarge => too_large_hint(err)?,
            ErrorKind::RateLimited => match err.retry_after() {
                Some(wait) => format!("try again in {} s", wait.as_secs().max(1)),
                None => "slow down and try again".to_owned(),
            },
            ErrorKind::Connect => {
                "is the server running? check --base-url (or PEOPLE_BASE_URL)".to_owned()
            }
            ErrorKind::Transport => {
                "the connection dropped before the answer was complete: the server closed it or \
                 the network failed; try again"
                    .to_owned()
            }
            ErrorKind::Timeout => "the server is slow; raise --timeout".to_owned(),
            _ => return None,
        };
        Some(hint)
    }
}

/// What a 413 means in numbers: the limit in MiB, and the people-mock flag that raises it.
///
/// The API's error names the limit in its details (`photo_limit`, at most N bytes).
fn too_large_hint(err: &Error) -> Option<String> {
    let detail = err.details().first()?;
    let bytes: u64 = detail
        .message
        .split_whitespace()
        .find_map(|word| word.parse().ok())?;
    let flag = match detail.field.as_str() {
        "photo_limit" => "--photo-limit",
        "attachment_file_limit" => "--attachment-limit",
        "attachment_request_limit" | "request_limit" => "--attachment-request-limit",
        "json_limit" => "--json-limit",
        _ => return Some(format!("the server takes at most {}", mib(bytes))),
    };
    Some(format!(
        "the server takes at most {}; a people-mock raises this with {flag} BYTES",
        mib(bytes)
    ))
}

/// A byte count in MiB, to one decimal where that matters.
pub fn mib(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib.fract() == 0.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{mib:.1} MiB")
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
            Failure::Usage(text)
            | Failure::Io(text)
            | Failure::Declined(text)
            | Failure::TooLarge(text)
            | Failure::Other(text) => f.write_str(text),
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
