//! The maintainer loop in the server: one task, one connection of its own.
//! It runs a batch whenever it is woken by the server itself after a command
//! (free: no NOTIFY, whose commit-time lock measurably slowed every writer),
//! and at least every poll interval, which picks up writes made by other
//! processes (the CLI, other servers); again straight away while keys are
//! carried over, and again shortly when another maintainer held the lock.
//! Each batch is recorded with what woke the loop (`Trigger::Startup`,
//! `Wake` or `Poll`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use tokio::sync::{Notify, watch};

use super::{BatchOutcome, batch};
use crate::read_models::Trigger;

/// How soon to try again when another maintainer held the lock (its batch
/// may have started before the change that woke this one).
const BUSY_RETRY: Duration = Duration::from_millis(20);

/// Shared between the maintainer and the web layer: wake it up, and learn
/// when a batch has committed.
#[derive(Debug)]
pub struct Signal {
    wake: Notify,
    applied: watch::Sender<u64>,
}

impl Default for Signal {
    fn default() -> Self {
        Self {
            wake: Notify::new(),
            applied: watch::Sender::new(0),
        }
    }
}

impl Signal {
    /// Asks for a batch soon. Any number of calls while a batch runs cause
    /// exactly one more.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A receiver that changes after every committed batch.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.applied.subscribe()
    }

    fn batch_committed(&self) {
        self.applied.send_modify(|n| *n += 1);
    }
}

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The write database (the maintainer always uses the primary).
    pub url: String,
    /// Batch even without a wake-up this often.
    pub poll: Duration,
    /// Keys recomputed per batch at most.
    pub max_keys: i64,
}

/// Runs until `shutdown` resolves; a batch in flight finishes first (it is
/// one transaction either way).
pub async fn run(signal: Arc<Signal>, options: Options, shutdown: impl Future<Output = ()>) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(work(signal, options, stop_rx));
    shutdown.await;
    tracing::info!("maintainer stopping");
    let _ = stop_tx.send(true);
    let _ = worker.await;
}

async fn work(signal: Arc<Signal>, options: Options, mut stop: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(250);
    loop {
        let mut conn = match connect(&options.url).await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "maintainer cannot connect; retrying");
                if sleep_or_stop(backoff, &mut stop).await {
                    return;
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        tracing::info!("maintainer running");
        // What woke the loop, recorded with each batch it runs: a batch that
        // carries keys over, or retries after another maintainer's lock or a
        // failure, keeps the cause it started from.
        let mut trigger = Trigger::Startup;
        loop {
            let outcome = batch(&mut conn, trigger, options.max_keys).await;
            match &outcome {
                BatchOutcome::Applied { .. } => {
                    backoff = Duration::from_millis(250);
                    signal.batch_committed();
                    if outcome.has_more() {
                        continue;
                    }
                }
                BatchOutcome::Busy => {
                    if sleep_or_stop(BUSY_RETRY, &mut stop).await {
                        return;
                    }
                    continue;
                }
                BatchOutcome::Failed(_) => {
                    // Recorded by the batch. A broken connection is replaced;
                    // anything else is retried after a pause, not in a tight loop.
                    if sleep_or_stop(backoff, &mut stop).await {
                        return;
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    if conn.batch_execute("SELECT 1").await.is_err() {
                        break;
                    }
                    continue;
                }
            }
            trigger = tokio::select! {
                () = signal.wake.notified() => Trigger::Wake,
                () = tokio::time::sleep(options.poll) => Trigger::Poll,
                _ = stop.changed() => return,
            };
        }
    }
}

/// Sleeps, or returns true when told to stop.
async fn sleep_or_stop(pause: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(pause) => false,
        _ = stop.changed() => true,
    }
}

/// How a maintainer's connection is set up:
/// - batches are many small statements: JIT compiling one costs more than it saves;
/// - its statements stay prepared (one round trip each, `db::prepared`), but
///   are planned for each batch's own keys: a generic plan, chosen after five
///   runs, guesses every key array at ten elements, and a batch of 2,000 keys
///   on such a plan took seconds (script/bench: 50 orders/s, p99 staleness
///   7.5 s against 0.3 s before the statements were kept prepared).
pub const SESSION_SETUP: &str = "SET application_name = 'orderdesk-maintainer'; \
     SET jit = off; SET plan_cache_mode = force_custom_plan";

async fn connect(url: &str) -> Result<AsyncPgConnection, String> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|e| e.to_string())?;
    conn.batch_execute(SESSION_SETUP)
        .await
        .map_err(|e| e.to_string())?;
    Ok(conn)
}
