//! Asking before a delete (or a reset of the embedded mock's state): on a terminal, a `[y/N]`
//! question; elsewhere, `--yes` or nothing.
//!
//! A script cannot answer a prompt, and a prompt that reads the script's own input would eat
//! it; so with stdin not a terminal a delete without `--yes` is a usage error (exit 2) and
//! nothing is sent, as `gh repo delete` does.

use std::io::{BufRead, IsTerminal, Write};

use crate::failure::Failure;

/// Returns when `action` (a sentence such as "Delete Farrell") may go ahead.
pub fn confirm(action: &str, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::Usage(format!(
            "{action}: stdin is not a terminal, so there is nobody to confirm; add --yes"
        )));
    }
    let mut stderr = std::io::stderr().lock();
    // One write: stderr is unbuffered, and an answer typed ahead is echoed by the terminal
    // between the pieces of a prompt written in several.
    let prompt = format!("{action}? This cannot be undone. [y/N] ");
    let _ = stderr.write_all(prompt.as_bytes());
    let _ = stderr.flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|err| Failure::Io(format!("cannot read the answer: {err}")))?;
    match answer.trim().to_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(Failure::Declined(format!(
            "{action}: not confirmed; nothing was changed"
        ))),
    }
}
