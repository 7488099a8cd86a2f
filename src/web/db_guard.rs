//! Request guards that hand out pooled connections. When the pool cannot give
//! one within its wait timeout (exhausted, or the database is down) the request
//! is answered 503 at once instead of hanging.

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use crate::db::{PgPool, PooledConn, Pools};

/// A write-pool connection, for commands.
pub struct WriteConn(pub PooledConn);

/// A read-pool connection (read-only, `read` schema only), for queries.
pub struct ReadConn(pub PooledConn);

async fn checkout(req: &Request<'_>, pick: fn(&Pools) -> &PgPool) -> Outcome<PooledConn, String> {
    let Some(pools) = req.rocket().state::<Pools>() else {
        return Outcome::Error((
            Status::InternalServerError,
            "pools are not configured".into(),
        ));
    };
    match pick(pools).get().await {
        Ok(conn) => Outcome::Success(conn),
        Err(e) => {
            tracing::warn!(uri = %req.uri(), error = %e, "no database connection");
            Outcome::Error((Status::ServiceUnavailable, e.to_string()))
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WriteConn {
    type Error = String;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        checkout(req, |p| &p.write).await.map(WriteConn)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ReadConn {
    type Error = String;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        checkout(req, |p| &p.read).await.map(ReadConn)
    }
}
