//! Command metrics: how many ran, how many failed and why, and how long they
//! took. The web layer wraps each command call in [`instrument_command`];
//! the commands themselves stay free of it.

use std::future::Future;
use std::time::{Duration, Instant};

/// A command's error, as a bounded label for why it did not succeed
/// (`invalid`, `conflict`, …). The commands implement it for their error
/// type, so this module knows no command.
pub trait FailureKind {
    fn failure_kind(&self) -> &'static str;
}

/// Runs a command future and records its outcome and latency under `name`
/// (e.g. `"place_order"`).
pub async fn instrument_command<T, E, F>(name: &'static str, command: F) -> Result<T, E>
where
    E: FailureKind,
    F: Future<Output = Result<T, E>>,
{
    let started = Instant::now();
    let result = command.await;
    let failure = result.as_ref().err().map(FailureKind::failure_kind);
    record_command(name, started.elapsed(), failure);
    result
}

/// Records one command run; `failure` is its error's kind, `None` when it
/// succeeded.
pub fn record_command(name: &'static str, elapsed: Duration, failure: Option<&'static str>) {
    let outcome = if failure.is_some() { "error" } else { "ok" };
    metrics::counter!("orderdesk_commands_total", "command" => name, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("orderdesk_command_duration_seconds", "command" => name)
        .record(elapsed.as_secs_f64());
    if let Some(kind) = failure {
        metrics::counter!("orderdesk_command_failures_total", "command" => name, "kind" => kind)
            .increment(1);
    }
}
