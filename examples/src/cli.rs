//! Command-line arguments.
//!
//! Defaults: `--output table`, `--timeout 30` seconds, retries on, no verbosity. The base URL,
//! the credentials and the state directory fall back to `PEOPLE_BASE_URL`, `PEOPLE_CLIENT_ID`,
//! `PEOPLE_CLIENT_SECRET` and `PEOPLE_STATE`,
//! read by [`Global::resolve_env`] rather than by clap, so that a value from the environment
//! never shows up in a usage line as if it were a required flag.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use people_sdk::types::{Fname, Lname};

/// The heading the options every command takes are listed under.
const GLOBAL: &str = "Global options";

/// What `--version` prints after the program's name.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (People API v1)");

/// Manage people, their photos and attachments through the People API v1.
///
/// With no --base-url, `people` starts an in-process mock server on a free loopback port and uses
/// its demo credentials, so every command works on a fresh machine; its state is kept between
/// runs (see [`Global::state`]).
#[derive(Debug, Parser)]
#[command(
    name = "people",
    version = VERSION,
    long_about = None,
    after_help = MAIN_AFTER_HELP,
    max_term_width = 80
)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Examples, the environment and the exit codes, shown at the end of `people --help`.
pub const MAIN_AFTER_HELP: &str = "\
Examples:
  people tour                         a guided run against an embedded mock
  people list --all -o ndjson         everyone, one JSON object a line
  people get Farrell
  people --base-url 127.0.0.1:8080/api/v1 list
  people completions bash > ~/.local/share/bash-completion/completions/people

Environment:
  PEOPLE_BASE_URL, PEOPLE_CLIENT_ID, PEOPLE_CLIENT_SECRET, PEOPLE_STATE
                      stand in for --base-url, --client-id, --client-secret, --state
  RUST_LOG            a tracing filter for the log on stderr (e.g. people_sdk=debug)
  NO_COLOR            no colour even on a terminal

Exit codes:
  0  success
  1  any other failure (decoding, I/O, a declined confirmation)
  2  usage: bad arguments or invalid input caught before sending
  3  auth: missing, rejected or insufficient credentials (401, 403, token endpoint)
  4  not found: no such person, photo or attachment (404, 410)
  5  conflict: the person exists, or the If-Match tag is stale (409, 412)
  6  validation: the server rejected the input (400, 413, 415, 422)
  7  rate limited (429)
  8  unavailable: the server failed or is down (5xx)
  9  transport: could not connect, the connection dropped, or timed out";

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The API's base URL [env: PEOPLE_BASE_URL]; without a scheme, http:// for a loopback host.
    /// Omitted: an embedded mock server.
    #[arg(long, global = true, value_name = "URL", help_heading = GLOBAL)]
    pub base_url: Option<String>,
    /// Where the embedded mock keeps its state between runs [env: PEOPLE_STATE] (default: the
    /// user's data directory, e.g. ~/.local/share/people).
    #[arg(long, global = true, value_name = "DIR", help_heading = GLOBAL)]
    pub state: Option<PathBuf>,
    /// OAuth client id [env: PEOPLE_CLIENT_ID] (default with the embedded mock: its demo client).
    #[arg(long, global = true, value_name = "ID", help_heading = GLOBAL)]
    pub client_id: Option<String>,
    /// OAuth client secret [env: PEOPLE_CLIENT_SECRET].
    #[arg(long, global = true, value_name = "SECRET", help_heading = GLOBAL)]
    pub client_secret: Option<String>,
    /// Seconds a request may take, more than 0 and at most 86400 (fractions allowed).
    #[arg(
        long,
        global = true,
        value_name = "SECS",
        value_parser = parse_seconds,
        default_value = "30",
        help_heading = GLOBAL
    )]
    pub timeout: Duration,
    /// Do not retry failed requests.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_retry: bool,
    /// Show each HTTP exchange on stderr; -vv adds headers (secrets redacted) and retries.
    #[arg(short, long, global = true, action = ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,
    /// Hide notices (such as the embedded mock's address); errors still show.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,
    /// Output format: table, json (one document) or ndjson (one object a line).
    #[arg(
        short,
        long,
        global = true,
        value_enum,
        hide_possible_values = true,
        value_name = "FORMAT",
        default_value_t = Output::Table,
        help_heading = GLOBAL
    )]
    pub output: Output,
}

impl Global {
    /// Fills the base URL and the credentials from the environment where no flag gave them.
    pub fn resolve_env(&mut self) {
        let from_env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        if self.base_url.is_none() {
            self.base_url = from_env("PEOPLE_BASE_URL");
        }
        if self.client_id.is_none() {
            self.client_id = from_env("PEOPLE_CLIENT_ID");
        }
        if self.client_secret.is_none() {
            self.client_secret = from_env("PEOPLE_CLIENT_SECRET");
        }
        if self.state.is_none() {
            self.state = std::env::var_os("PEOPLE_STATE")
                .filter(|value| !value.is_empty())
                .map(PathBuf::from);
        }
    }
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
    #[command(after_help = "\
Examples:
  people list                         the first 20, by last name
  people list --page 2 --per-page 5
  people list --all --sortby timestamp --order desc
  people list -o json --with-meta     the page with its paging numbers")]
    List(ListArgs),
    /// Show one person, with the ETag that --if-match takes.
    #[command(after_help = "\
Examples:
  people get Farrell
  people get 李 -o json")]
    Get {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
    },
    /// Create a person.
    #[command(after_help = "\
Examples:
  people create --fname Claude --lname Lévi-Strauss")]
    Create {
        /// First name.
        #[arg(long, value_parser = parse_fname)]
        fname: String,
        /// Last name (the key).
        #[arg(long, value_parser = parse_lname)]
        lname: String,
    },
    /// Replace a person's first name (PUT).
    #[command(after_help = "\
Examples:
  people update Farrell --fname Douglas
  people update Farrell --fname Douglas --if-match '\"3f2a…\"'   only if unchanged")]
    Update {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The new first name.
        #[arg(long, value_parser = parse_fname)]
        fname: String,
        /// Only if the person's current ETag (from `people get`) is this.
        #[arg(long, value_name = "ETAG")]
        if_match: Option<String>,
    },
    /// Change a person's first name with a merge patch (PATCH).
    #[command(after_help = "\
Examples:
  people patch Farrell --fname Doug")]
    Patch {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The new first name.
        #[arg(long, value_parser = parse_fname)]
        fname: Option<String>,
        /// Only if the person's current ETag (from `people get`) is this.
        #[arg(long, value_name = "ETAG")]
        if_match: Option<String>,
    },
    /// Delete a person (asks first on a terminal).
    #[command(after_help = "\
Examples:
  people delete Farrell               asks for confirmation
  people delete Farrell --yes         in scripts, where nobody can answer")]
    Delete {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// Only if the person's current ETag (from `people get`) is this.
        #[arg(long, value_name = "ETAG")]
        if_match: Option<String>,
        /// Delete without asking; required when stdin is not a terminal.
        #[arg(short, long)]
        yes: bool,
    },
    /// Upload, download or delete a person's photo.
    #[command(subcommand)]
    Photo(PhotoCommand),
    /// Upload one or more files as attachments of a person.
    #[command(after_help = "\
Examples:
  people attach Easter report.pdf notes.txt --note \"Q3\"")]
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
    #[command(after_help = "\
Examples:
  people attachments Easter
  people attachments Easter -o json   full sizes and SHA-256 digests")]
    Attachments {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
    },
    /// Download or delete one attachment.
    #[command(subcommand)]
    Attachment(AttachmentCommand),
    /// Show who you are: client, scopes and token expiry.
    #[command(after_help = "\
Examples:
  people token
  people token --show-token -o json")]
    Token {
        /// Also print the access token itself.
        #[arg(long)]
        show_token: bool,
    },
    /// A guided run through the API, printing what it does.
    #[command(after_help = "\
The tour creates and deletes the person Lévi-Strauss, uploads a photo and
injects a rate-limit fault. It runs on a people-mock (the embedded one by
default) and refuses any other server unless given --yes.

Examples:
  people tour
  people --base-url localhost:8080/api/v1 tour")]
    Tour {
        /// Run even against a server that is not a people-mock.
        #[arg(short, long)]
        yes: bool,
    },
    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  people completions bash > ~/.local/share/bash-completion/completions/people
  people completions zsh > \"${fpath[1]}/_people\"
  people completions fish > ~/.config/fish/completions/people.fish
  people completions powershell >> $PROFILE")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Start the embedded mock's state over from the seed people (asks first on a terminal).
    #[command(after_help = "\
The embedded mock keeps what commands change between runs, in the user's data
directory or --state DIR. This puts the seed people back and drops every other
person, photo and attachment. A server given with --base-url keeps its own.

Examples:
  people reset
  people reset --yes                  no question (needed in scripts)
  people --state ./people-state reset --yes")]
    Reset {
        /// Reset without asking; required when stdin is not a terminal.
        #[arg(short, long)]
        yes: bool,
    },
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
    #[arg(long, conflicts_with = "page")]
    pub all: bool,
    /// With -o json, print {"data": [...], "meta": {...}} instead of the bare array.
    #[arg(long, conflicts_with = "all")]
    pub with_meta: bool,
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
    #[command(after_help = "\
Examples:
  people photo upload Farrell face.png --caption \"Doug at work\"")]
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
    /// Download the photo to a file, or to stdout with -O -.
    #[command(after_help = "\
Examples:
  people photo get Farrell -O face.png
  people photo get Farrell -O - | display")]
    Get {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// Where to write it; - for stdout.
        #[arg(short = 'O', long = "out-file", value_name = "FILE")]
        out: PathBuf,
    },
    /// Delete the photo (asks first on a terminal).
    #[command(after_help = "\
Examples:
  people photo delete Farrell
  people photo delete Farrell --yes")]
    Delete {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// Delete without asking; required when stdin is not a terminal.
        #[arg(short, long)]
        yes: bool,
    },
}

/// `people attachment …`
#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// Download an attachment to a file, or to stdout with -O -.
    #[command(after_help = "\
Examples:
  people attachment get Easter att_00000001 -O report.pdf
  people attachment get Easter att_00000001 -O - | less")]
    Get {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The attachment's id (`people attachments LNAME` lists them).
        id: String,
        /// Where to write it; - for stdout.
        #[arg(short = 'O', long = "out-file", value_name = "FILE")]
        out: PathBuf,
    },
    /// Delete an attachment (asks first on a terminal).
    #[command(after_help = "\
Examples:
  people attachment delete Easter att_00000001 --yes")]
    Delete {
        /// The person's last name.
        #[arg(value_parser = parse_lname)]
        lname: String,
        /// The attachment's id.
        id: String,
        /// Delete without asking; required when stdin is not a terminal.
        #[arg(short, long)]
        yes: bool,
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

/// A timeout: a positive number of seconds, at most a day. Zero is refused rather than read as
/// "no timeout": a request that may hang forever is never what a command line wants.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "give more than 0 and at most 86400 seconds (fractions such as 0.5 are allowed), not '{text}'"
        ))
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
