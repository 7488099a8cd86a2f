//! Request guards that hand out pooled connections. When the pool cannot give
//! one within its wait timeout (exhausted, or the database is down) the request
//! is answered 503 at once instead of hanging.
//!
//! Reads go to the read pool (a standby when `read_database_url` points at
//! one) and fall back to the primary while the standby is down or lagging
//! ([`super::read_order`]). A command's connection comes from the primary; while the
//! primary is unreachable the guard forwards to the "changes are paused"
//! answer ([`crate::web::pages::paused`]), which keeps what the user typed.

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use super::read_order::{ReadSide, note_failure, note_fallback, read_order};
use super::{CurrentUser, session};
use crate::config::Settings;
use crate::db::health::{DbHealth, unreachable};
use crate::db::{PooledConn, Pools};

/// A write-pool connection, for commands.
pub struct WriteConn(pub PooledConn);

/// A read-pool connection (read-only, `read` schema only), for queries.
pub struct ReadConn(pub PooledConn);

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

/// Whether this request must not write: the primary is away, or was when
/// the request's session was looked up (then only the standby vouched for
/// it). Either way it is marked [`PrimaryAway`], for the paused page.
fn primary_away(req: &Request<'_>) -> bool {
    let health = req.rocket().state::<std::sync::Arc<DbHealth>>();
    let away = health.is_some_and(|h| h.primary_down()) || session::from_standby(req);
    if away {
        req.local_cache(|| Some(PrimaryAway));
    }
    away
}

async fn write_checkout(req: &Request<'_>) -> Outcome<PooledConn, String> {
    let Some(pools) = req.rocket().state::<Pools>() else {
        return Outcome::Error((
            Status::InternalServerError,
            "pools are not configured".into(),
        ));
    };
    let health = req.rocket().state::<std::sync::Arc<DbHealth>>();
    if primary_away(req) {
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

/// A handler that checks its write connections out itself, later than a
/// [`WriteConn`] would be (after its cheap refusals, and not across a slow
/// step such as argon2). Like [`WriteConn`] it forwards to the "changes are
/// paused" answer while the primary is away; it takes no connection.
pub struct WritesOpen;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WritesOpen {
    type Error = String;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        if primary_away(req) {
            return Outcome::Forward(Status::ServiceUnavailable);
        }
        Outcome::Success(WritesOpen)
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
