//! `GET /healthz`: is the process up and does the write database answer?

use diesel_async::RunQueryDsl;
use rocket::http::Status;
use rocket::{State, get, routes};

use crate::db::Pools;

pub fn routes() -> Vec<rocket::Route> {
    routes![healthz]
}

/// 200 with `{"status":"ok"}` when a write-pool connection answers `SELECT 1`,
/// otherwise 503 with the reason. No login, nothing secret.
#[get("/healthz")]
async fn healthz(pools: &State<Pools>) -> (Status, (rocket::http::ContentType, String)) {
    let database = match pools.write.get().await {
        Ok(mut conn) => diesel::sql_query("SELECT 1")
            .execute(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let (status, body) = match database {
        Ok(()) => (
            Status::Ok,
            serde_json::json!({ "status": "ok", "database": "ok" }),
        ),
        Err(e) => (
            Status::ServiceUnavailable,
            serde_json::json!({ "status": "unavailable", "database": e }),
        ),
    };
    (status, (rocket::http::ContentType::JSON, body.to_string()))
}
