//! Which database can do what, right now: is the primary reachable (commands
//! run, "last seen" touches happen), and may reads use the standby (it
//! answers and is not lagging beyond the bound)? [`watch`] probes both every
//! `db_probe_ms`; requests that meet a dead database say so at once
//! ([`DbHealth::primary_unreachable`], [`DbHealth::standby_unreachable`]).
//! Every change of state is logged once, and the metrics follow.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Double, Integer};
use futures_util::FutureExt;

use super::Pools;
use super::retry;
use crate::observability;

/// Why reads left the standby.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    StandbyDown,
    Lagging,
}

impl Fallback {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StandbyDown => "standby_down",
            Self::Lagging => "lagging",
        }
    }
}

/// The shared state, kept in Rocket's managed state.
#[derive(Debug)]
pub struct DbHealth {
    primary_down: AtomicBool,
    standby_down: AtomicBool,
    lagging: AtomicBool,
    lag_bytes: AtomicI64,
    lag_millis: AtomicI64,
    max_lag: Duration,
}

impl DbHealth {
    /// Everything presumed up until a probe or a request says otherwise.
    pub fn new(max_lag: Duration) -> Self {
        Self {
            primary_down: AtomicBool::new(false),
            standby_down: AtomicBool::new(false),
            lagging: AtomicBool::new(false),
            lag_bytes: AtomicI64::new(0),
            lag_millis: AtomicI64::new(0),
            max_lag,
        }
    }

    /// True while the primary is known to be unreachable: changes are paused.
    pub fn primary_down(&self) -> bool {
        self.primary_down.load(Ordering::Relaxed)
    }

    /// Why reads should not use the standby now, if they should not.
    pub fn read_fallback(&self) -> Option<Fallback> {
        if self.standby_down.load(Ordering::Relaxed) {
            Some(Fallback::StandbyDown)
        } else if self.lagging.load(Ordering::Relaxed) {
            Some(Fallback::Lagging)
        } else {
            None
        }
    }

    /// The standby's last measured lag: (bytes, seconds).
    pub fn lag(&self) -> (i64, f64) {
        let millis = self.lag_millis.load(Ordering::Relaxed);
        (
            self.lag_bytes.load(Ordering::Relaxed),
            Duration::from_millis(u64::try_from(millis).unwrap_or(0)).as_secs_f64(),
        )
    }

    /// A request could not reach the primary.
    pub fn primary_unreachable(&self, error: &str) {
        self.set_primary(false, error);
    }

    /// A request could not reach the standby.
    pub fn standby_unreachable(&self, error: &str) {
        self.set_standby(false, error);
    }

    fn set_primary(&self, up: bool, detail: &str) {
        observability::set_database_up("primary", up);
        let was_down = self.primary_down.swap(!up, Ordering::Relaxed);
        if was_down && up {
            tracing::info!("the primary database answers again: changes resume");
        } else if !was_down && !up {
            tracing::warn!(
                error = %detail,
                "the primary database cannot be reached: changes are paused"
            );
        }
    }

    fn set_standby(&self, up: bool, detail: &str) {
        observability::set_database_up("standby", up);
        let was_down = self.standby_down.swap(!up, Ordering::Relaxed);
        if was_down && up {
            tracing::info!("the standby answers again: reads go back to it unless it lags");
        } else if !was_down && !up {
            tracing::warn!(
                error = %detail,
                "the standby cannot be reached: reads fall back to the primary"
            );
        }
    }

    fn set_lag(&self, bytes: i64, seconds: f64) {
        observability::set_replication_lag(bytes, seconds);
        self.lag_bytes.store(bytes, Ordering::Relaxed);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "milliseconds of lag fit an i64"
        )]
        self.lag_millis
            .store((seconds * 1000.0) as i64, Ordering::Relaxed);
        let over = seconds > self.max_lag.as_secs_f64();
        let was = self.lagging.swap(over, Ordering::Relaxed);
        if over && !was {
            tracing::warn!(
                lag_seconds = seconds,
                lag_bytes = bytes,
                bound_seconds = self.max_lag.as_secs(),
                "the standby lags beyond the bound: reads fall back to the primary"
            );
        } else if was && !over {
            tracing::info!(
                lag_seconds = seconds,
                "the standby has caught up: reads go back to it"
            );
        }
    }
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = Integer)]
    #[expect(dead_code, reason = "the answer is the point, not its value")]
    one: i32,
}

/// The standby's own view of its lag.
#[derive(QueryableByName)]
pub struct Lag {
    #[diesel(sql_type = Bool)]
    pub in_recovery: bool,
    #[diesel(sql_type = BigInt)]
    pub bytes: i64,
    #[diesel(sql_type = Double)]
    pub seconds: f64,
}

/// Lag as the read server sees it: WAL received but not replayed, and the
/// age of the last replayed commit while anything received is unreplayed
/// (an idle primary is not lag). A primary answers 0 and 0.
const LAG_SQL: &str = "SELECT pg_is_in_recovery() AS in_recovery, \
     coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint AS bytes, \
     CASE WHEN NOT pg_is_in_recovery() \
               OR pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0 \
          ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) \
     END::float8 AS seconds";

/// Whether a checkout failure means the server is not there (refused,
/// unresolvable, or silent past the timeout), as opposed to a pool that is
/// merely busy.
pub fn unreachable(e: &super::pools::PoolError) -> bool {
    use deadpool::managed::{PoolError as P, TimeoutType};
    matches!(e, P::Backend(_) | P::Timeout(TimeoutType::Create))
}

/// What a probe's failure says: down, or nothing (a busy pool).
fn down(failed: &retry::Failed) -> bool {
    match failed {
        retry::Failed::NoConnection(e) => unreachable(e),
        retry::Failed::Query(e) => retry::is_connection_error(e),
    }
}

/// One probe of each database, updating `health`.
pub async fn probe(pools: &Pools, health: &DbHealth) {
    use diesel_async::RunQueryDsl;
    let primary = retry::run(&pools.write, |c| {
        diesel::sql_query("SELECT 1 AS one")
            .get_result::<One>(c)
            .boxed()
    })
    .await;
    match primary {
        Ok(_) => health.set_primary(true, ""),
        Err(e) if down(&e) => health.set_primary(false, &e.to_string()),
        Err(e) => tracing::debug!(error = %e, "primary probe inconclusive"),
    }
    if !pools.reads_elsewhere() {
        return;
    }
    let lag = retry::run(&pools.read, |c| {
        diesel::sql_query(LAG_SQL).get_result::<Lag>(c).boxed()
    })
    .await;
    match lag {
        Ok(lag) => {
            health.set_standby(true, "");
            health.set_lag(lag.bytes, lag.seconds);
        }
        Err(e) if down(&e) => health.set_standby(false, &e.to_string()),
        Err(e) => tracing::debug!(error = %e, "standby probe inconclusive"),
    }
}

/// Probes every `every` until `shutdown` resolves.
pub async fn watch(
    pools: Pools,
    health: std::sync::Arc<DbHealth>,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        probe(&pools, &health).await;
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
