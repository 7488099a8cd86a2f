//! The read-model maintainer: keeps every live model equal to its definition
//! over the write tables, one batch at a time.
//!
//! A batch is one REPEATABLE READ transaction, started only once the
//! maintainer's lock is held, so its snapshot is taken after the previous
//! batch committed:
//!
//! 1. the stored snapshot (`read_model_state`, locked `FOR UPDATE`: a second
//!    maintainer that got past the advisory lock would fail to serialize
//!    instead of applying the same events twice);
//! 2. the events committed since then: visible to this snapshot, not to the
//!    stored one (exact even when transactions commit out of id order);
//! 3. their keys (orders, customers, products; renames fan out to orders),
//!    queued, of which at most `max_keys` are recomputed now and the rest
//!    carried over;
//! 4. those rows recomputed from each model's definition (`read_def`), and
//!    the additive models moved by the signed difference of the order rows
//!    that changed;
//! 5. the new snapshot stored for every live model at once, the log written,
//!    COMMIT. Readers see all live models move together, and a batch that
//!    fails or loses its connection leaves nothing behind.

mod apply;
pub mod lock;
pub mod run;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Array, BigInt, Double, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

pub use apply::Applied;

use super::{ReadModelName, Trigger};
use crate::db::Prepare;

/// Keys recomputed per batch at most; the rest wait for the next batch.
pub const DEFAULT_MAX_KEYS: i64 = 2_000;

/// How many batches the log keeps.
const LOG_KEEP: i64 = 5_000;

/// How one batch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    Applied {
        applied: Applied,
        duration: Duration,
    },
    /// Another maintainer holds the lock (or committed first); nothing done.
    Busy,
    /// The batch rolled back; the live models keep their last good rows.
    Failed(String),
}

impl BatchOutcome {
    /// Whether more is queued: run another batch straight away.
    pub fn has_more(&self) -> bool {
        matches!(self, Self::Applied { applied, .. } if applied.carried > 0)
    }
}

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = Text)]
    snapshot: String,
}

#[derive(QueryableByName)]
struct Advanced {
    #[diesel(sql_type = BigInt)]
    batches: i64,
}

/// Runs one batch if no other maintainer is running one.
pub async fn batch(conn: &mut AsyncPgConnection, trigger: Trigger, max_keys: i64) -> BatchOutcome {
    match lock::try_lock(conn).await {
        Ok(true) => {}
        Ok(false) => return BatchOutcome::Busy,
        Err(e) => return BatchOutcome::Failed(e.to_string()),
    }
    let outcome = batch_locked(conn, trigger, max_keys).await;
    if let Err(e) = lock::unlock(conn).await {
        tracing::warn!(error = %e, "could not release the maintainer lock");
    }
    outcome
}

/// Runs batches until nothing is queued (for the CLI, rebuild and verify).
pub async fn catch_up(conn: &mut AsyncPgConnection, trigger: Trigger) -> BatchOutcome {
    let mut total = Applied::default();
    let clock = Instant::now();
    loop {
        match batch(conn, trigger, DEFAULT_MAX_KEYS).await {
            BatchOutcome::Applied { applied, .. } => {
                let more = applied.carried > 0;
                total.absorb(&applied);
                if !more {
                    return BatchOutcome::Applied {
                        applied: total,
                        duration: clock.elapsed(),
                    };
                }
            }
            other => return other,
        }
    }
}

/// One batch; the caller holds the maintainer's lock.
pub(crate) async fn batch_locked(
    conn: &mut AsyncPgConnection,
    trigger: Trigger,
    max_keys: i64,
) -> BatchOutcome {
    let started_at = Utc::now();
    let clock = Instant::now();
    let result = conn
        .build_transaction()
        .repeatable_read()
        .run(async |conn| {
            let applied = apply_in_transaction(conn, max_keys).await?;
            let duration = clock.elapsed();
            finish(conn, &applied, trigger, started_at, duration).await?;
            Ok::<_, DieselError>((applied, duration))
        })
        .await;
    let outcome = match result {
        Ok((applied, duration)) => BatchOutcome::Applied { applied, duration },
        Err(DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => {
            BatchOutcome::Busy
        }
        Err(e) => BatchOutcome::Failed(e.to_string()),
    };
    report(&outcome, trigger);
    if let BatchOutcome::Failed(error) = &outcome {
        if let Err(e) = record_failure(conn, trigger, started_at, clock.elapsed(), error).await {
            tracing::error!(error = %e, "could not record the failed batch");
        }
    }
    outcome
}

/// Steps 1–4 inside the caller's REPEATABLE READ transaction (whose first
/// statement this must be). Rebuild and verify use it to reach a snapshot at
/// which every live model is exact.
pub(crate) async fn apply_in_transaction(
    conn: &mut AsyncPgConnection,
    max_keys: i64,
) -> Result<Applied, DieselError> {
    let stored: Stored = diesel::sql_query(include_str!("sql/stored_snapshot.sql"))
        .prepared()
        .get_result(conn)
        .await?;
    apply::apply(conn, &stored.snapshot, max_keys).await
}

/// Step 5: the new snapshot for every live model, their figures and the log.
pub(crate) async fn finish(
    conn: &mut AsyncPgConnection,
    applied: &Applied,
    trigger: Trigger,
    started_at: DateTime<Utc>,
    duration: Duration,
) -> Result<(), DieselError> {
    let advanced: Advanced = diesel::sql_query(include_str!("sql/advance_snapshot.sql"))
        .prepared()
        .get_result(conn)
        .await?;
    if !applied.did_work() {
        return Ok(());
    }
    let (names, counts): (Vec<ReadModelName>, Vec<i64>) =
        applied.rows_changed.iter().copied().unzip();
    diesel::sql_query(include_str!("sql/record_live.sql"))
        .bind::<Timestamptz, _>(started_at)
        .bind::<Double, _>(duration.as_secs_f64() * 1000.0)
        .bind::<Array<Text>, _>(&names)
        .bind::<Array<BigInt>, _>(&counts)
        .prepared()
        .execute(conn)
        .await?;
    diesel::sql_query(include_str!("sql/record_batch.sql"))
        .bind::<Timestamptz, _>(started_at)
        .bind::<Double, _>(duration.as_secs_f64() * 1000.0)
        .bind::<Text, _>(trigger.as_str())
        .bind::<BigInt, _>(applied.events)
        .bind::<BigInt, _>(applied.orders)
        .bind::<BigInt, _>(applied.customers)
        .bind::<BigInt, _>(applied.products)
        .bind::<BigInt, _>(applied.carried)
        .bind::<BigInt, _>(applied.total_rows_changed())
        .prepared()
        .execute(conn)
        .await?;
    if advanced.batches % 1_000 == 0 {
        diesel::sql_query(include_str!("sql/prune_batches.sql"))
            .bind::<BigInt, _>(LOG_KEEP)
            .prepared()
            .execute(conn)
            .await?;
    }
    Ok(())
}

async fn record_failure(
    conn: &mut AsyncPgConnection,
    trigger: Trigger,
    started_at: DateTime<Utc>,
    duration: Duration,
    error: &str,
) -> Result<(), DieselError> {
    diesel::sql_query(include_str!("sql/record_failure.sql"))
        .bind::<Timestamptz, _>(started_at)
        .bind::<Double, _>(duration.as_secs_f64() * 1000.0)
        .bind::<Text, _>(trigger.as_str())
        .bind::<Text, _>(error)
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts a batch, in the plain figures the metrics module takes.
fn record_metrics(outcome: &BatchOutcome) {
    use crate::observability::{BatchRecord, record_batch};
    match outcome {
        BatchOutcome::Applied { applied, duration } => {
            let rows_changed: Vec<(&'static str, i64)> = applied
                .rows_changed
                .iter()
                .map(|&(model, rows)| (model.as_str(), rows))
                .collect();
            record_batch(BatchRecord::Applied {
                did_work: applied.did_work(),
                duration: *duration,
                events: applied.events,
                orders: applied.orders,
                carried: applied.carried,
                rows_changed: &rows_changed,
            });
        }
        BatchOutcome::Busy => record_batch(BatchRecord::Busy),
        BatchOutcome::Failed(_) => record_batch(BatchRecord::Failed),
    }
}

/// Logs and counts a batch (quiet when it found nothing to do).
fn report(outcome: &BatchOutcome, trigger: Trigger) {
    record_metrics(outcome);
    match outcome {
        BatchOutcome::Applied { applied, duration } if applied.did_work() => tracing::debug!(
            trigger = trigger.as_str(),
            events = applied.events,
            orders = applied.orders,
            carried = applied.carried,
            rows = applied.total_rows_changed(),
            ms = duration.as_secs_f64() * 1000.0,
            "live read models maintained"
        ),
        BatchOutcome::Failed(e) => {
            tracing::error!(trigger = trigger.as_str(), error = %e, "maintainer batch failed");
        }
        _ => {}
    }
}
