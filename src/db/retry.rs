//! Retry once on a fresh connection. The request pools hand out pooled
//! connections without a health query (`RecyclingMethod::Fast`); a connection
//! whose server went away is normally noticed by its closed socket and
//! dropped, but one can die between the check and its first statement. When a
//! statement fails because the *connection* failed (not because of the SQL),
//! the connection is discarded, the pool's idle connections with it (a
//! restart or failover killed them all), and the statement runs once more on
//! a newly opened connection.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use super::pools::{PgPool, PoolError, PooledConn};

/// Why [`run`] failed: no connection, or the statement's own error.
#[derive(Debug)]
pub enum Failed {
    NoConnection(PoolError),
    Query(DieselError),
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoConnection(e) => write!(f, "no connection: {e}"),
            Self::Query(e) => write!(f, "{e}"),
        }
    }
}

/// Whether `e` says the connection itself is gone (closed socket, a command
/// that could not be sent, the server ending the session: SQLSTATE 57P01-03,
/// whose answer can arrive as the reply to the next statement), as opposed to
/// an error of the statement.
pub fn is_connection_error(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        )
        | DieselError::BrokenTransactionManager => true,
        // diesel-async does not expose the SQLSTATE; PostgreSQL's messages are
        // fixed (lc_messages is English by default).
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let m = info.message();
            m.starts_with("terminating connection")
                || m.starts_with("the database system is shutting down")
        }
        _ => false,
    }
}

/// Throws `conn` away instead of returning it to its pool, and with it the
/// pool's idle connections (they most likely died the same way).
pub fn discard(pool: &PgPool, conn: PooledConn) {
    drop(deadpool::managed::Object::take(conn));
    pool.retain(|_, _| false);
}

/// Runs `statement` on a pooled connection; if the connection turns out
/// broken, once more on a fresh one. The connection is returned to the pool.
pub async fn run<T, F>(pool: &PgPool, mut statement: F) -> Result<T, Failed>
where
    F: for<'c> FnMut(&'c mut AsyncPgConnection) -> BoxFuture<'c, Result<T, DieselError>>,
{
    let mut conn = pool.get().await.map_err(Failed::NoConnection)?;
    match statement(&mut conn).await {
        Err(e) if is_connection_error(&e) => {
            tracing::info!(error = %e, "a pooled connection was broken; retrying on a fresh one");
            discard(pool, conn);
            let mut fresh = pool.get().await.map_err(Failed::NoConnection)?;
            statement(&mut fresh).await.map_err(Failed::Query)
        }
        other => other.map_err(Failed::Query),
    }
}
