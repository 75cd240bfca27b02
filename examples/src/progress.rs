//! Progress bars for transfers over 1 MiB, drawn on stderr only when it is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use people_sdk::Progress;

/// Transfers smaller than this get no bar: they finish before one is worth drawing.
pub const BAR_THRESHOLD: u64 = 1024 * 1024;

/// A progress bar for a transfer of `total` bytes, or `None` when none should be drawn.
pub fn bar(total: Option<u64>, label: &str) -> Option<ProgressBar> {
    let total = total.filter(|total| *total > BAR_THRESHOLD)?;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(
        "{msg} [{bar:32}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    )
    .map(|style| style.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(label.to_owned());
    Some(bar)
}

/// A callback for the SDK that moves `bar` (or does nothing without one).
pub fn callback(bar: &Option<ProgressBar>) -> impl Fn(Progress) + Send + Sync + 'static {
    let bar = bar.clone();
    move |progress: Progress| {
        if let Some(bar) = &bar {
            bar.set_position(progress.transferred);
        }
    }
}

/// Clears `bar` from the terminal once the transfer is over.
pub fn finish(bar: Option<ProgressBar>) {
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
