//! The log format: human-readable text for a terminal, or one JSON object per
//! line for a log collector (`log_format` in Rocket.toml). Text is coloured
//! only on a terminal: a log file or a pipe gets plain lines.

use std::io::IsTerminal;

use serde::{Deserialize, Serialize};
use tracing_subscriber::EnvFilter;

/// How log lines are written to stdout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Log targets that are off whatever `RUST_LOG` says: Rocket's form parser
/// logs every field it reads, passwords included, at TRACE
/// (`url-encoded field: ("password", "…")`).
pub const NEVER_LOGGED: &[&str] = &["rocket::form=off"];

/// `filter` with the [`NEVER_LOGGED`] targets turned off.
pub fn without_secrets(filter: EnvFilter) -> EnvFilter {
    NEVER_LOGGED
        .iter()
        .filter_map(|d| d.parse().ok())
        .fold(filter, EnvFilter::add_directive)
}

/// Installs the global tracing subscriber (once; later calls do nothing).
/// `RUST_LOG` overrides the default filter, but not [`NEVER_LOGGED`].
pub fn init_tracing(format: LogFormat) {
    let filter = without_secrets(
        EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,rocket=warn,orderdesk=info".into()),
    );
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stdout().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
}
