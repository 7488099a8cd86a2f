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
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
