//! Probes for a service manager or load balancer, no login, nothing secret:
//! `GET /healthz` (the process is up and serving) and `GET /readyz` (it can
//! do its job: both pools reach the database, every migration is applied,
//! and every read model has been refreshed at least once). Failures are named
//! generically in the answer and logged in detail.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use rocket::http::{ContentType, Status};
use rocket::{State, get, routes};
use serde_json::{Value, json};

use crate::db::{Pools, migrations};
use crate::queries::freshness;
use crate::read_models::READ_MODELS;

pub fn routes() -> Vec<rocket::Route> {
    routes![healthz, readyz]
}

type Json = (Status, (ContentType, String));

fn reply(status: Status, body: &Value) -> Json {
    (status, (ContentType::JSON, body.to_string()))
}

/// Liveness: 200 whenever the process answers HTTP.
#[get("/healthz")]
fn healthz() -> Json {
    reply(Status::Ok, &json!({ "status": "ok" }))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Readiness: 200 when every check passes, else 503 naming (not explaining) what failed.
#[get("/readyz")]
async fn readyz(pools: &State<Pools>) -> Json {
    let write = match pools.write.get().await {
        Ok(mut conn) => diesel::sql_query("SELECT count(*) AS n FROM __diesel_schema_migrations")
            .get_result::<Count>(&mut conn)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let migrations = match &write {
        Ok(c) if usize::try_from(c.n).is_ok_and(|n| n >= migrations::count()) => Ok(()),
        Ok(c) => Err(format!("{} of {} applied", c.n, migrations::count())),
        Err(_) => Err("unknown".to_owned()),
    };
    let read = match pools.read.get().await {
        Ok(mut conn) => {
            let names: Vec<&'static str> = READ_MODELS.iter().map(|m| m.name).collect();
            freshness::of(&mut conn, &names)
                .await
                .map(|all| {
                    all.into_iter()
                        .filter(|f| f.as_of.is_none())
                        .map(|f| f.view)
                        .collect::<Vec<_>>()
                })
                .map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    };
    let never_refreshed = read.as_ref().map_or_else(|_| Vec::new(), Clone::clone);
    let ready = write.is_ok() && migrations.is_ok() && read.as_ref().is_ok_and(Vec::is_empty);
    // The answer is public: it says which check failed, never why (database
    // errors name hosts, roles and databases); the log gets the detail.
    let outcome = |check: &str, r: Result<(), String>, public: &'static str| match r {
        Ok(()) => "ok",
        Err(detail) => {
            tracing::warn!(check, detail = %detail, "not ready");
            public
        }
    };
    let migrations_public = if write.is_ok() { "pending" } else { "unknown" };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "write_database": outcome("write_database", write.as_ref().map(|_| ()).map_err(Clone::clone), "unavailable"),
        "read_database": outcome("read_database", read.as_ref().map(|_| ()).map_err(Clone::clone), "unavailable"),
        "migrations": outcome("migrations", migrations, migrations_public),
        "read_models_never_refreshed": never_refreshed,
    });
    reply(
        if ready {
            Status::Ok
        } else {
            Status::ServiceUnavailable
        },
        &body,
    )
}
