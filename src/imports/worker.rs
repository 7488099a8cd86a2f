//! The import worker: one task in the server, with a connection of its own,
//! that compares staged rows (the preview) and applies queued jobs, a chunk
//! per transaction, until nothing is left; then it waits for a wake-up (the
//! server wakes it after every form it answers with a redirect, like the
//! maintainer) or the poll, which picks up jobs other processes queued and
//! prunes expired jobs. After every chunk it wakes the maintainer, so the
//! read models follow the import in batches. `orderdesk import resume` runs
//! the same steps once, from the command line, until nothing is pending.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use tokio::sync::{Notify, watch};

use super::apply::{self, Applied};
use super::check::{self, Checked};
use super::{ImportError, prune};
use crate::domain::Currency;

/// How often the worker looks for work nobody woke it for (other processes' jobs).
const POLL: Duration = Duration::from_secs(1);
/// How long after a failed chunk (the database) the worker tries again.
const BACKOFF: Duration = Duration::from_secs(2);
/// How often expired jobs are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// Wakes the worker (shared with the web layer).
#[derive(Debug, Default)]
pub struct Signal {
    wake: Notify,
}

impl Signal {
    /// Asks for a look at the queue soon.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The write database.
    pub url: String,
    pub currency: Currency,
    /// Per statement; a chunk waiting longer for a row a clerk holds fails
    /// and is tried again.
    pub lock_timeout_ms: u64,
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Checked(Checked),
    Applied(Applied),
    /// Nothing to do.
    Idle,
}

/// One chunk of work: a preview's chunk first (staff are waiting to read
/// it), else an apply's.
pub async fn step(conn: &mut AsyncPgConnection, currency: Currency) -> Result<Step, ImportError> {
    if let Some(checked) = check::check_next(conn, currency).await? {
        return Ok(Step::Checked(checked));
    }
    Ok(match apply::apply_next(conn).await? {
        Some(applied) => Step::Applied(applied),
        None => Step::Idle,
    })
}

/// Steps until nothing is pending (the CLI's `import resume`, and tests);
/// returns the steps taken. Waits while another worker holds the applying job.
pub async fn run_pending(
    conn: &mut AsyncPgConnection,
    currency: Currency,
) -> Result<Vec<Step>, ImportError> {
    let mut steps = Vec::new();
    loop {
        match step(conn, currency).await? {
            Step::Idle => return Ok(steps),
            Step::Applied(Applied::Busy) => tokio::time::sleep(Duration::from_millis(50)).await,
            done => steps.push(done),
        }
    }
}

/// Runs until `shutdown` resolves; a chunk in flight finishes first.
pub async fn run(
    signal: Arc<Signal>,
    maintainer: Arc<crate::read_models::maintainer::run::Signal>,
    options: Options,
    shutdown: impl Future<Output = ()>,
) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(work(signal, maintainer, options, stop_rx));
    shutdown.await;
    let _ = stop_tx.send(true);
    let _ = worker.await;
}

async fn connect(options: &Options) -> Result<AsyncPgConnection, String> {
    let mut conn = AsyncPgConnection::establish(&options.url)
        .await
        .map_err(|e| e.to_string())?;
    conn.batch_execute(&format!(
        "SET lock_timeout = {}; SET application_name = 'orderdesk import worker'",
        options.lock_timeout_ms
    ))
    .await
    .map_err(|e| e.to_string())?;
    Ok(conn)
}

async fn work(
    signal: Arc<Signal>,
    maintainer: Arc<crate::read_models::maintainer::run::Signal>,
    options: Options,
    mut stop: watch::Receiver<bool>,
) {
    let mut conn: Option<AsyncPgConnection> = None;
    let mut last_prune: Option<tokio::time::Instant> = None;
    while !*stop.borrow() {
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match connect(&options).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    tracing::warn!(error = %e, "import worker cannot connect");
                    pause(&signal, &mut stop, BACKOFF).await;
                    continue;
                }
            },
        };
        if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            match prune::prune(c).await {
                Ok(n) if n > 0 => tracing::info!(jobs = n, "expired imports pruned"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning expired imports failed"),
            }
            last_prune = Some(tokio::time::Instant::now());
        }
        match step(c, options.currency).await {
            Ok(Step::Idle) => pause(&signal, &mut stop, POLL).await,
            Ok(Step::Applied(Applied::Busy)) => {
                pause(&signal, &mut stop, Duration::from_millis(200)).await;
            }
            Ok(done) => {
                if let Step::Applied(Applied::Chunk { job_id, .. } | Applied::Done { job_id }) =
                    done
                {
                    tracing::debug!(job_id, ?done, "import chunk committed");
                    maintainer.wake();
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "import chunk failed; it will be tried again");
                record_failure(c, &e).await;
                // A broken connection is made again; any other failure keeps it.
                conn = None;
                pause(&signal, &mut stop, BACKOFF).await;
            }
        }
    }
}

/// Keeps the failure on the job's row, so its page says why it is not moving.
async fn record_failure(conn: &mut AsyncPgConnection, error: &ImportError) {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;

    use crate::db::schema::import_jobs;
    use crate::domain::ImportState;
    let message = error.to_string();
    let _ = diesel::update(
        import_jobs::table.filter(
            import_jobs::state
                .eq_any([ImportState::Applying, ImportState::Checking])
                .and(import_jobs::last_error.is_distinct_from(&message)),
        ),
    )
    .set(import_jobs::last_error.eq(&message))
    .execute(conn)
    .await;
}

async fn pause(signal: &Signal, stop: &mut watch::Receiver<bool>, wait: Duration) {
    tokio::select! {
        () = signal.wake.notified() => {}
        () = tokio::time::sleep(wait) => {}
        _ = stop.changed() => {}
    }
}
