//! Capturing this thread's log lines in a test.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// A log sink shared with the test.
#[derive(Clone, Default)]
pub struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Routes the `log` crate's records (Rocket's own lines among them) into
/// tracing, as production's `init_tracing` does (`try_init` installs the
/// `tracing-log` bridge), so a [`Sink`] sees them too. Once per process and
/// before any Rocket is built: Rocket takes the `log` logger for itself when
/// it is still free, and its lines would then go to stdout, past the sink.
/// The global subscriber is a registry that is always interested; events go
/// to each thread's default (see [`Sink::install`]).
pub fn bridge() {
    use tracing_subscriber::util::SubscriberInitExt;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::registry().try_init();
    });
}

impl Sink {
    /// Captures every log line of this thread at `level` and above until the
    /// guard drops.
    ///
    /// tracing caches each callsite's interest process-wide, computed by the
    /// thread that first reaches it. With only a test's thread-local
    /// subscriber registered, a sibling test thread (no subscriber) reaching a
    /// callsite first would cache "never" and the capture would stay empty
    /// (seen once in CI). A global baseline subscriber that is always
    /// interested keeps the cache honest; events still go to each thread's
    /// default, here the sink.
    pub fn install(&self, level: tracing::Level) -> tracing::subscriber::DefaultGuard {
        bridge();
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            // Production's filter never lets these through (NEVER_LOGGED).
            .with_env_filter(orderdesk::observability::without_secrets(
                tracing_subscriber::EnvFilter::new(level.to_string()),
            ))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
