//! Request guards that hand out pooled connections. When the pool cannot give
//! one within its wait timeout (exhausted, or the database is down) the request
//! is answered 503 at once instead of hanging.
//!
//! Reads go to the read pool (a standby when `read_database_url` points at
//! one) and fall back to the primary while the standby is down or lagging
//! ([`read_order`]). A command's connection comes from the primary; while the
//! primary is unreachable the guard forwards to the "changes are paused"
//! answer ([`crate::web::pages::paused`]), which keeps what the user typed.

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use super::CurrentUser;
use crate::config::Settings;
use crate::db::health::{DbHealth, Fallback, unreachable};
use crate::db::pools::PoolError;
use crate::db::{PgPool, PooledConn, Pools};

/// A write-pool connection, for commands.
pub struct WriteConn(pub PooledConn);

/// A read-pool connection (read-only, `read` schema only), for queries.
pub struct ReadConn(pub PooledConn);

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

async fn read_checkout(req: &Request<'_>) -> Outcome<PooledConn, String> {
    // The session look-up goes first: it is the request's first statement and
    // retries on a fresh connection if a pooled one died (see db::retry).
    if req.cookies().iter().next().is_some() {
        let _ = req.guard::<Option<CurrentUser>>().await;
    }
    let Some(pools) = req.rocket().state::<Pools>() else {
        return Outcome::Error((
            Status::InternalServerError,
            "pools are not configured".into(),
        ));
    };
    let health = req
        .rocket()
        .state::<std::sync::Arc<DbHealth>>()
        .map(AsRef::as_ref);
    let mut last = String::new();
    for (pool, side) in read_order(pools, health, req.rocket().state::<Settings>()) {
        match pool.get().await {
            Ok(conn) => {
                if let ReadSide::Fallback(why) = side {
                    note_fallback(req, why);
                }
                return Outcome::Success(conn);
            }
            Err(e) => {
                note_failure(pools, health, side, &e);
                last = e.to_string();
            }
        }
    }
    tracing::warn!(uri = %req.uri(), error = %last, "no database connection");
    Outcome::Error((Status::ServiceUnavailable, last))
}

/// Marks this request as refused because the primary is away.
pub struct PrimaryAway;

async fn write_checkout(req: &Request<'_>) -> Outcome<PooledConn, String> {
    let Some(pools) = req.rocket().state::<Pools>() else {
        return Outcome::Error((
            Status::InternalServerError,
            "pools are not configured".into(),
        ));
    };
    let health = req.rocket().state::<std::sync::Arc<DbHealth>>();
    if health.is_some_and(|h| h.primary_down()) {
        req.local_cache(|| Some(PrimaryAway));
        return Outcome::Forward(Status::ServiceUnavailable);
    }
    match pools.write.get().await {
        Ok(conn) => Outcome::Success(conn),
        Err(e) => {
            tracing::warn!(uri = %req.uri(), error = %e, "no database connection");
            if let (Some(health), true) = (health, unreachable(&e)) {
                health.primary_unreachable(&e.to_string());
                req.local_cache(|| Some(PrimaryAway));
                return Outcome::Forward(Status::ServiceUnavailable);
            }
            Outcome::Error((Status::ServiceUnavailable, e.to_string()))
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WriteConn {
    type Error = String;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        write_checkout(req).await.map(WriteConn)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ReadConn {
    type Error = String;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        read_checkout(req).await.map(ReadConn)
    }
}
