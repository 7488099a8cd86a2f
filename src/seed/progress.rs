//! The seeder's progress bar on stderr: rows per second and time left. Hidden
//! when asked (tests) and drawn by indicatif only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// One bar over every unit of work of the load.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` units; `visible = false` draws nothing.
    pub fn new(total: u64, visible: bool) -> Self {
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg:16} [{bar:32}] {percent:>3}% {per_sec:>14} ETA {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Self { bar }
    }

    /// Names the table being loaded.
    pub fn table(&self, name: &'static str) {
        self.bar.set_message(name);
    }

    /// Records `n` more units done.
    pub fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Shows a note, e.g. a phase that has no units such as index building.
    pub fn note(&self, message: &'static str) {
        self.bar.set_message(message);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
