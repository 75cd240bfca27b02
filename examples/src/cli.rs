//! Command-line arguments.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use people_sdk::types::{Fname, Lname};

/// A command-line client for the People API v1.
///
/// With no --base-url, `people` starts an in-process mock server on a free loopback port and uses
/// its demo credentials, so every command works on a fresh machine.
#[derive(Debug, Parser)]
#[command(name = "people", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The exit codes, shown at the end of `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  any other failure (decoding, I/O)
  2  usage: bad arguments or invalid input caught before sending
  3  auth: missing, rejected or insufficient credentials (401, 403, token endpoint)
  4  not found: no such person, photo or attachment (404, 410)
  5  conflict: the person exists, or the If-Match tag is stale (409, 412)
  6  validation: the server rejected the input (400, 413, 415, 422)
  7  rate limited (429)
  8  unavailable: the server failed or is down (5xx)
  9  transport: could not connect, or timed out";

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The API's base URL, e.g. http://127.0.0.1:8080/api/v1. Omitted: an embedded mock server.
    #[arg(long, env = "PEOPLE_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Where the embedded mock keeps its state between runs (default: the user's data
    /// directory, e.g. ~/.local/share/people).
    #[arg(long, env = "PEOPLE_STATE", global = true, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// OAuth client id (default with the embedded mock: its demo client).
    #[arg(long, env = "PEOPLE_CLIENT_ID", global = true)]
    pub client_id: Option<String>,
    /// OAuth client secret.
    #[arg(
        long,
        env = "PEOPLE_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub client_secret: Option<String>,
    /// Request timeout in seconds.
    #[arg(long, global = true, value_parser = parse_seconds, default_value = "30")]
    pub timeout: Duration,
    /// Do not retry failed requests.
    #[arg(long, global = true)]
    pub no_retry: bool,
    /// Log requests, retries and token refreshes to stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns for people to read.
    Table,
    /// One JSON document.
    Json,
    /// One JSON object a line.
    Ndjson,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List people, a page at a time or all of them.
    List(ListArgs),
    /// Show one person.
    Get {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
    },
    /// Create a person.
    Create {
        /// First name.
        #[arg(long, value_parser = parse_fname)]
        fname: String,
        /// Last name (the key).
        #[arg(long, value_parser = parse_lname)]
        lname: String,
    },
    /// Replace a person's first name (PUT).
    Update {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The new first name.
        #[arg(long, value_parser = parse_fname)]
        fname: String,
        /// Only if the person's current ETag is this.
        #[arg(long)]
        if_match: Option<String>,
    },
    /// Change a person's first name with a merge patch (PATCH).
    Patch {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The new first name.
        #[arg(long, value_parser = parse_fname)]
        fname: Option<String>,
        /// Only if the person's current ETag is this.
        #[arg(long)]
        if_match: Option<String>,
    },
    /// Delete a person.
    Delete {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// Only if the person's current ETag is this.
        #[arg(long)]
        if_match: Option<String>,
    },
    /// Upload, download or delete a person's photo.
    #[command(subcommand)]
    Photo(PhotoCommand),
    /// Upload one or more files as attachments of a person.
    Attach {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The files to upload.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A note stored with each file.
        #[arg(long)]
        note: Option<String>,
    },
    /// List a person's attachments.
    Attachments {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
    },
    /// Download or delete one attachment.
    #[command(subcommand)]
    Attachment(AttachmentCommand),
    /// Show who you are: client, scopes and token expiry.
    Token {
        /// Also print the access token itself.
        #[arg(long)]
        show_token: bool,
    },
    /// A guided run through the API against the server, printing what it does.
    Tour,
    /// Start the embedded mock's state over from the seed people.
    Reset,
}

/// `people list` options.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The page to show.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub page: u64,
    /// People per page (1–100).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub per_page: u64,
    /// Stream every page instead of one.
    #[arg(long)]
    pub all: bool,
    /// Sort by this field.
    #[arg(long, value_enum, default_value_t = SortField::Lname)]
    pub sortby: SortField,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = SortDirection::Asc)]
    pub order: SortDirection,
    /// Only people with exactly this first name.
    #[arg(long)]
    pub fname: Option<String>,
    /// Only the person with exactly this last name.
    #[arg(long)]
    pub lname: Option<String>,
}

/// Fields people can be sorted by.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortField {
    /// Last name.
    Lname,
    /// First name.
    Fname,
    /// Last change.
    Timestamp,
}

/// Sort directions.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortDirection {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// `people photo …`
#[derive(Debug, Subcommand)]
pub enum PhotoCommand {
    /// Upload a photo (PNG, JPEG, GIF or WebP), streamed from disk.
    Upload {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The image file.
        file: PathBuf,
        /// A caption.
        #[arg(long)]
        caption: Option<String>,
    },
    /// Download the photo to a file.
    Get {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// Where to write it.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
    },
    /// Delete the photo.
    Delete {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
    },
}

/// `people attachment …`
#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// Download an attachment to a file.
    Get {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The attachment's id.
        id: String,
        /// Where to write it.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
    },
    /// Delete an attachment.
    Delete {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The attachment's id.
        id: String,
    },
}

/// A last name that the API can take as a key, checked before anything is sent: a name the
/// rules refuse (`..`, say, which a URL cannot carry) is a usage error.
fn parse_lname(text: &str) -> Result<String, String> {
    Lname::from_str(text)
        .map(String::from)
        .map_err(|err| err.to_string())
}

/// A first name that the API accepts, checked before anything is sent.
fn parse_fname(text: &str) -> Result<String, String> {
    Fname::from_str(text)
        .map(String::from)
        .map_err(|err| err.to_string())
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!("'{text}' must be between 0 and 86400 seconds"))
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
