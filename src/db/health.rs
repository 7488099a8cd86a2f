//! Which database can do what, right now: is the primary reachable (commands
//! run, "last seen" touches happen), and may reads use the standby (it
//! answers and is not lagging beyond the bound)? [`watch`] probes both every
//! `db_probe_ms`; requests that meet a dead database say so at once
//! ([`DbHealth::primary_unreachable`], [`DbHealth::standby_unreachable`]).
//! Every change of state is logged once, and the metrics follow.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool};
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
    /// The primary's WAL positions as the probes saw them, oldest first.
    positions: Mutex<Positions>,
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
            positions: Mutex::new(Positions::default()),
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

    /// Notes the primary's WAL position, as a probe of the primary read it.
    pub fn primary_at(&self, lsn: i64, at: Instant) {
        if let Ok(mut positions) = self.positions.lock() {
            positions.seen(lsn, at);
        }
    }

    /// Measures the standby's lag from the position it has replayed, against
    /// what the primary had written (see [`Positions`]).
    pub fn standby_replayed(&self, replayed: i64, now: Instant) {
        let lag = self
            .positions
            .lock()
            .map_or((0, Duration::ZERO), |mut p| p.lag(replayed, now));
        self.set_lag(lag.0, lag.1.as_secs_f64());
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

/// The read server's replay position (the end of the last WAL record it
/// replayed); a primary answers `in_recovery = false` and is never behind.
#[derive(QueryableByName)]
pub struct Replayed {
    #[diesel(sql_type = Bool)]
    pub in_recovery: bool,
    #[diesel(sql_type = BigInt)]
    pub replayed: i64,
}

/// The standby's replay position, in bytes from the start of WAL.
const REPLAYED_SQL: &str = "SELECT pg_is_in_recovery() AS in_recovery, \
     coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0'), 0)::bigint AS replayed";

/// The primary's WAL write position, in bytes from the start of WAL.
#[derive(QueryableByName)]
struct Written {
    #[diesel(sql_type = BigInt)]
    written: i64,
}

/// The probe of the primary: it answers, and where its WAL stands.
const WRITTEN_SQL: &str = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS written";

/// The most positions kept while a standby replays none of them (at one
/// probe a second, over an hour; the oldest, which fixes the lag, is kept).
const MAX_POSITIONS: usize = 4096;

/// The primary's WAL positions, each with when a probe saw it. A standby is
/// as far behind as the oldest position it has not replayed is old: this
/// measures lag against the primary, so a standby whose WAL receiver has
/// stopped (it has replayed all it received, and receives nothing) shows as
/// lagging, where its own view (received − replayed) would say 0 forever.
#[derive(Debug, Default)]
pub struct Positions(VecDeque<(i64, Instant)>);

impl Positions {
    /// Records that the primary had written up to `lsn` at `at`.
    pub fn seen(&mut self, lsn: i64, at: Instant) {
        if self.0.back().is_some_and(|(last, _)| *last >= lsn) {
            return; // nothing new since the last probe: the older sighting counts
        }
        if self.0.len() < MAX_POSITIONS {
            self.0.push_back((lsn, at));
        }
    }

    /// The lag of a standby that has replayed up to `replayed`: (bytes behind
    /// the newest position seen, time since the oldest position it lacks).
    /// Positions it has replayed are forgotten.
    pub fn lag(&mut self, replayed: i64, now: Instant) -> (i64, Duration) {
        let bytes = self
            .0
            .back()
            .map_or(0, |(newest, _)| newest.saturating_sub(replayed).max(0));
        while self.0.front().is_some_and(|(lsn, _)| *lsn <= replayed) {
            self.0.pop_front();
        }
        let age = self
            .0
            .front()
            .map_or(Duration::ZERO, |(_, at)| now.saturating_duration_since(*at));
        (bytes, age)
    }
}

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
        diesel::sql_query(WRITTEN_SQL)
            .get_result::<Written>(c)
            .boxed()
    })
    .await;
    match primary {
        Ok(w) => {
            health.set_primary(true, "");
            health.primary_at(w.written, Instant::now());
        }
        Err(e) if down(&e) => health.set_primary(false, &e.to_string()),
        Err(e) => tracing::debug!(error = %e, "primary probe inconclusive"),
    }
    if !pools.reads_elsewhere() {
        return;
    }
    let replayed = retry::run(&pools.read, |c| {
        diesel::sql_query(REPLAYED_SQL)
            .get_result::<Replayed>(c)
            .boxed()
    })
    .await;
    match replayed {
        Ok(r) => {
            health.set_standby(true, "");
            if r.in_recovery {
                health.standby_replayed(r.replayed, Instant::now());
            } else {
                health.set_lag(0, 0.0);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standby_that_replays_everything_is_not_behind() {
        let start = Instant::now();
        let mut p = Positions::default();
        p.seen(100, start);
        p.seen(200, start + Duration::from_secs(1));
        assert_eq!(
            p.lag(200, start + Duration::from_secs(60)),
            (0, Duration::ZERO)
        );
    }

    #[test]
    fn a_stalled_standby_lags_from_the_oldest_position_it_lacks() {
        // Its receiver stopped at 100: it has replayed all it received, and
        // the primary went on writing.
        let start = Instant::now();
        let mut p = Positions::default();
        p.seen(100, start);
        p.seen(150, start + Duration::from_secs(1));
        p.seen(400, start + Duration::from_secs(2));
        let now = start + Duration::from_secs(40);
        assert_eq!(p.lag(100, now), (300, Duration::from_secs(39)));
        // It catches up to 150: the lag is measured from the next position.
        assert_eq!(p.lag(150, now), (250, Duration::from_secs(38)));
    }

    #[test]
    fn an_idle_primary_is_not_lag() {
        // The same position seen again and again keeps its first sighting,
        // and a standby at that position is not behind however long ago.
        let start = Instant::now();
        let mut p = Positions::default();
        for s in 0..10 {
            p.seen(500, start + Duration::from_secs(s));
        }
        assert_eq!(
            p.lag(500, start + Duration::from_secs(3600)),
            (0, Duration::ZERO)
        );
    }

    #[test]
    fn the_health_flags_a_lag_past_the_bound() {
        let health = DbHealth::new(Duration::from_secs(30));
        let start = Instant::now();
        health.primary_at(1_000, start);
        health.standby_replayed(1_000, start + Duration::from_secs(5));
        assert_eq!(health.read_fallback(), None);
        health.primary_at(2_000, start + Duration::from_secs(6));
        health.standby_replayed(1_000, start + Duration::from_secs(40));
        assert_eq!(health.read_fallback(), Some(Fallback::Lagging));
        assert_eq!(health.lag().0, 1_000);
    }
}
