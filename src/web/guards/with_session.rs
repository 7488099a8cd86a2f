//! A page's own statements and the session look-up in one round trip.
//!
//! A signed-in page needs two answers from the database: whose session this
//! is, and the page's data. Asked one after the other they cost two round
//! trips and two checkouts from the pool. [`with_session`] sends both on one
//! read connection, pipelined (diesel-async sends the statements of futures
//! polled together at once, and PostgreSQL answers them in order), and hands
//! the page's answer back only when the session turned out live. For anyone
//! else the answer is dropped unread and the request fails as the guards
//! would have failed it (401: pages go to the sign-in form). The session it
//! found is left for the `CurrentUser` guard, which then asks nothing more.
//!
//! Whenever one go is not enough, the page is read the usual way: the session
//! through the guard (with its retry on a fresh connection and its look on the
//! primary for a sign-in the standby has not replayed yet), then the data on a
//! `ReadConn`. That is the case without a session cookie, when no connection
//! could be had, when the connection broke, and when the session is not on a
//! standby the reads go to.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;
use rocket::http::Status;
use rocket::outcome::try_outcome;
use rocket::request::{Outcome, Request};

use super::ReadConn;
use super::read_order::{ReadSide, note_fallback, read_order};
use super::session;
use super::user::{CurrentUser, found_with_page};
use crate::config::Settings;
use crate::db::Pools;
use crate::db::health::DbHealth;
use crate::db::retry::{discard, is_connection_error};

/// The page's answer, read together with the session look-up; fails like the
/// `CurrentUser` guard (401 without a live session, 503 without a database).
pub async fn with_session<T, F>(req: &Request<'_>, page: F) -> Outcome<QueryResult<T>, ()>
where
    F: for<'c> Fn(&'c AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>>,
{
    match in_one_go(req, &page).await {
        Some(outcome) => outcome,
        None => one_after_the_other(req, &page).await,
    }
}

/// Both statements on one connection; `None` when the usual way must answer.
async fn in_one_go<T, F>(req: &Request<'_>, page: &F) -> Option<Outcome<QueryResult<T>, ()>>
where
    F: for<'c> Fn(&'c AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>>,
{
    let rocket = req.rocket();
    let (settings, pools) = (rocket.state::<Settings>()?, rocket.state::<Pools>()?);
    let token = req
        .cookies()
        .get(settings.session_cookie_name())?
        .value()
        .to_owned();
    let health = rocket
        .state::<std::sync::Arc<DbHealth>>()
        .map(AsRef::as_ref);
    let (pool, side) = read_order(pools, health, Some(settings))
        .into_iter()
        .next()?;
    let conn = pool.get().await.ok()?;
    let shared: &AsyncPgConnection = &conn;
    // Both are polled together, so both are sent before either answer is
    // read; both are read to the end, so the connection stays in step.
    let (found, data) =
        futures_util::join!(session::lookup(shared, &token, settings), page(shared));
    match found {
        Ok(Some(found)) => {
            drop(conn);
            if let ReadSide::Fallback(why) = side {
                note_fallback(req, why);
            }
            found_with_page(req, Some(found)).await;
            Some(Outcome::Success(data))
        }
        // A sign-in the standby has not replayed yet: the guard looks on the primary.
        Ok(None) if side == ReadSide::Configured && pools.reads_elsewhere() => None,
        Ok(None) => {
            found_with_page(req, None).await;
            Some(Outcome::Error((Status::Unauthorized, ())))
        }
        Err(e) => {
            if is_connection_error(&e) {
                discard(pool, conn);
            }
            tracing::info!(
                error = %e,
                "the page's reads with the session failed; reading them one after the other"
            );
            None
        }
    }
}

/// The usual way: the session by its guard, then the page on a read connection.
async fn one_after_the_other<T, F>(req: &Request<'_>, page: &F) -> Outcome<QueryResult<T>, ()>
where
    F: for<'c> Fn(&'c AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>>,
{
    try_outcome!(req.guard::<CurrentUser>().await);
    let conn = match req.guard::<ReadConn>().await {
        Outcome::Success(conn) => conn,
        Outcome::Error((status, _)) | Outcome::Forward(status) => {
            return Outcome::Error((status, ()));
        }
    };
    Outcome::Success(page(&conn.0).await)
}
