//! Command metrics: how many ran, how many failed and why, and how long they
//! took. The web layer wraps each command call in [`instrument_command`];
//! the commands themselves stay free of it.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::commands::CommandError;

/// Runs a command future and records its outcome and latency under `name`
/// (e.g. `"place_order"`).
pub async fn instrument_command<T, F>(name: &'static str, command: F) -> Result<T, CommandError>
where
    F: Future<Output = Result<T, CommandError>>,
{
    let started = Instant::now();
    let result = command.await;
    record_command(name, started.elapsed(), result.as_ref().err());
    result
}

/// Records one command run; `error` is `None` when it succeeded.
pub fn record_command(name: &'static str, elapsed: Duration, error: Option<&CommandError>) {
    let outcome = if error.is_some() { "error" } else { "ok" };
    metrics::counter!("orderdesk_commands_total", "command" => name, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("orderdesk_command_duration_seconds", "command" => name)
        .record(elapsed.as_secs_f64());
    if let Some(error) = error {
        metrics::counter!("orderdesk_command_failures_total", "command" => name, "kind" => kind(error))
            .increment(1);
    }
}

/// A bounded label for why a command did not succeed.
fn kind(error: &CommandError) -> &'static str {
    match error {
        CommandError::Invalid(_) => "invalid",
        CommandError::NotFound { .. } => "not_found",
        CommandError::Conflict(_) => "conflict",
        CommandError::InsufficientStock(_) => "insufficient_stock",
        CommandError::InvalidTransition { .. } => "invalid_transition",
        CommandError::Database(_) => "database",
        CommandError::Invariant(_) => "invariant",
    }
}
