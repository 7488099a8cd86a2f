//! The maintainer loop in the server: one task, one connection of its own.
//! It runs a batch whenever it is woken — by the server itself after a
//! command (free), by a NOTIFY from the `events` trigger (writes made by
//! other processes), or by its poll interval (a lost notification delays
//! nothing for long) — and again straight away while keys are carried over.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::StreamExt;
use tokio::sync::{Notify, watch};
use tokio_postgres::{AsyncMessage, NoTls};

use super::{BatchOutcome, batch};
use crate::read_models::Trigger;

/// The channel the `events_notify` trigger notifies.
pub const CHANNEL: &str = "orderdesk_events";

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
    /// Also LISTEN for the `events` trigger's notifications.
    pub listen: bool,
}

/// Runs until `shutdown` resolves; a batch in flight finishes first (it is
/// one transaction either way).
pub async fn run(signal: Arc<Signal>, options: Options, shutdown: impl Future<Output = ()>) {
    let listener = options
        .listen
        .then(|| tokio::spawn(listen_forever(options.url.clone(), Arc::clone(&signal))));
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(work(Arc::clone(&signal), options, stop_rx));
    shutdown.await;
    tracing::info!("maintainer stopping");
    let _ = stop_tx.send(true);
    let _ = worker.await;
    if let Some(listener) = listener {
        listener.abort();
    }
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
        loop {
            let outcome = batch(&mut conn, Trigger::Notify, options.max_keys).await;
            match &outcome {
                BatchOutcome::Applied { .. } => {
                    backoff = Duration::from_millis(250);
                    signal.batch_committed();
                    if outcome.has_more() {
                        continue;
                    }
                }
                BatchOutcome::Busy => {}
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
            tokio::select! {
                () = signal.wake.notified() => {}
                () = tokio::time::sleep(options.poll) => {}
                _ = stop.changed() => return,
            }
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

async fn connect(url: &str) -> Result<AsyncPgConnection, String> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|e| e.to_string())?;
    conn.batch_execute("SET application_name = 'orderdesk-maintainer'")
        .await
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

async fn listen_forever(url: String, signal: Arc<Signal>) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match listen_once(&url, &signal).await {
            Ok(()) => tracing::warn!("maintainer lost its LISTEN connection; reconnecting"),
            Err(e) => tracing::warn!(error = %e, "maintainer cannot LISTEN; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

/// One connection's life: LISTEN, wake the maintainer (notifications sent
/// while nobody listened are lost), then wake it on every notification.
async fn listen_once(url: &str, signal: &Signal) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(_)) => {
                    if tx.send(()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "LISTEN connection failed");
                    break;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    tracing::info!(channel = CHANNEL, "maintainer listening");
    signal.wake();
    while rx.recv().await.is_some() {
        signal.wake();
    }
    driver.abort();
    Ok(())
}
