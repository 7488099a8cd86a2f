//! Which server a request reads from: the read pools in order of preference
//! ([`read_order`]), and what a served or failed checkout says about its
//! server. A leaf of the guards: the session look-up ([`super::CurrentUser`])
//! and the connection guards ([`super::ReadConn`]) both use it, and it uses
//! neither, so guards → connections runs one way.

use rocket::request::Request;

use crate::config::Settings;
use crate::db::health::{DbHealth, Fallback, unreachable};
use crate::db::pools::PoolError;
use crate::db::{PgPool, Pools};

/// Which server a read pool in [`read_order`] is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadSide {
    /// The configured read database (the standby, or the primary itself).
    Configured,
    /// The primary, standing in for the standby.
    Fallback(Fallback),
}

/// The pools to read from, best first: the standby, then the primary if
/// falling back is allowed; the primary first while the standby is known to
/// be down or lagging (the standby stays as a last resort: stale beats none).
pub fn read_order<'p>(
    pools: &'p Pools,
    health: Option<&DbHealth>,
    settings: Option<&Settings>,
) -> Vec<(&'p PgPool, ReadSide)> {
    let configured = (&pools.read, ReadSide::Configured);
    // Nothing to fall back to while the primary itself is away.
    let allowed =
        settings.is_none_or(|s| s.read_fallback) && !health.is_some_and(DbHealth::primary_down);
    match (&pools.read_fallback, allowed) {
        (Some(primary), true) => match health.and_then(DbHealth::read_fallback) {
            Some(why) => vec![(primary, ReadSide::Fallback(why)), configured],
            None => vec![
                configured,
                (primary, ReadSide::Fallback(Fallback::StandbyDown)),
            ],
        },
        _ => vec![configured],
    }
}

/// Counts a read served by the primary for the standby (once per request).
pub fn note_fallback(req: &Request<'_>, why: Fallback) {
    struct Counted;
    let mut first = false;
    req.local_cache(|| {
        first = true;
        Counted
    });
    if first {
        tracing::debug!(uri = %req.uri(), reason = why.as_str(), "read served by the primary");
        crate::observability::record_read_fallback(why.as_str());
    }
}

/// Records what a failed checkout says about its server.
pub fn note_failure(pools: &Pools, health: Option<&DbHealth>, side: ReadSide, e: &PoolError) {
    let (Some(health), true) = (health, unreachable(e)) else {
        return;
    };
    match side {
        ReadSide::Configured if pools.reads_elsewhere() => {
            health.standby_unreachable(&e.to_string());
        }
        ReadSide::Configured => {}
        ReadSide::Fallback(_) => health.primary_unreachable(&e.to_string()),
    }
}
