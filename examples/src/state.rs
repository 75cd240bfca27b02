//! Where the embedded mock keeps its state between runs of `people`, and what `people reset`
//! does with it.
//!
//! Default: `$XDG_DATA_HOME/people`, else `~/.local/share/people` (Linux and other Unix);
//! `~/Library/Application Support/people` on macOS; `%APPDATA%\people` on Windows. `--state DIR`
//! (or `PEOPLE_STATE`) chooses another directory. Only the embedded mock uses it: with
//! `--base-url` the server keeps its own state.

use std::path::PathBuf;

use crate::cli::Global;
use crate::context::Context;
use crate::failure::Failure;

/// The state directory `people` uses for its embedded mock.
pub fn dir(global: &Global) -> Result<PathBuf, Failure> {
    if let Some(dir) = &global.state {
        return Ok(dir.clone());
    }
    default_dir().ok_or_else(|| {
        Failure::Usage(
            "no data directory for the embedded mock's state (HOME is not set): give --state DIR \
             (or PEOPLE_STATE)"
                .to_owned(),
        )
    })
}

/// The user's data directory for `people`, where the platform has one.
fn default_dir() -> Option<PathBuf> {
    let env_dir = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if cfg!(windows) {
        return env_dir("APPDATA").map(|d| d.join("people"));
    }
    if cfg!(target_os = "macos") {
        return env_dir("HOME").map(|h| h.join("Library/Application Support/people"));
    }
    env_dir("XDG_DATA_HOME")
        .map(|d| d.join("people"))
        .or_else(|| env_dir("HOME").map(|h| h.join(".local/share/people")))
}

/// `people reset`: the embedded mock's people back to the seed ones, photos and attachments
/// gone; kept so from the next run on.
pub fn reset(ctx: &Context) -> Result<(), Failure> {
    let Some(mock) = &ctx.mock else {
        return Err(Failure::Usage(
            "`people reset` starts the embedded mock's state over; a server given with \
             --base-url keeps its own (a people-mock: POST /__mock/reset)"
                .to_owned(),
        ));
    };
    mock.reset();
    if !ctx.quiet {
        eprintln!("people: the embedded mock's state is back to the seed people");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    #[test]
    fn state_given_is_used_as_it_is() {
        let cli = Cli::try_parse_from(["people", "--state", "/tmp/somewhere", "list"])
            .expect("valid arguments");
        assert_eq!(
            dir(&cli.global).expect("a directory"),
            PathBuf::from("/tmp/somewhere")
        );
    }
}
