//! Probes for a service manager or load balancer, no login, nothing secret:
//! `GET /healthz` (the process is up and serving) and `GET /readyz` (it can
//! do its job: the primary and the read database (each reported apart, with
//! the standby's lag), every migration is applied, and every read model has
//! been refreshed at least once). Failures are named
//! generically in the answer and logged in detail.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use rocket::http::{ContentType, Status};
use rocket::{State, get, routes};
use serde_json::{Value, json};

use std::sync::Arc;

use futures_util::FutureExt;

use crate::config::Settings;
use crate::db::health::{DbHealth, Fallback, unreachable};
use crate::db::retry::{self, Failed};
use crate::db::{Pools, migrations};
use crate::queries::freshness;
use crate::read_models::READ_MODELS;
use crate::web::guards::read_order::{ReadSide, note_failure, read_order};

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

/// Readiness, per database: 200 `ready` when every check passes; 200
/// `read_only` while the primary is away but pages are served from the
/// standby (the "changes are paused" mode: taking the instance out of
/// service would hide the data too); else 503 `unavailable`, naming (not
/// explaining) what failed.
#[get("/readyz")]
async fn readyz(
    pools: &State<Pools>,
    health: &State<Arc<DbHealth>>,
    settings: &State<Settings>,
) -> Json {
    let write = retry::run(&pools.write, |c| {
        diesel::sql_query("SELECT count(*) AS n FROM __diesel_schema_migrations")
            .get_result::<Count>(c)
            .boxed()
    })
    .await
    .map_err(|e| {
        if let Failed::NoConnection(e) = &e {
            if unreachable(e) {
                health.primary_unreachable(&e.to_string());
            }
        }
        e.to_string()
    });
    let migrations = match &write {
        Ok(c) if usize::try_from(c.n).is_ok_and(|n| n >= migrations::count()) => Ok(()),
        Ok(c) => Err(format!("{} of {} applied", c.n, migrations::count())),
        Err(_) => Err("unknown".to_owned()),
    };
    let (read, configured, reads_from) = read_check(pools, health, settings).await;
    let never_refreshed = read.as_ref().map_or_else(|_| Vec::new(), Clone::clone);
    let reads_ok = read.as_ref().is_ok_and(Vec::is_empty);
    let ready = write.is_ok() && migrations.is_ok() && reads_ok;
    let read_only = write.is_err() && health.primary_down() && reads_ok;
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
    let standby = match (pools.reads_elsewhere(), health.read_fallback()) {
        (false, _) => "none",
        (true, None) => "ok",
        (true, Some(Fallback::Lagging)) => "lagging",
        (true, Some(Fallback::StandbyDown)) => "unavailable",
    };
    let (lag_bytes, lag_seconds) = health.lag();
    let write = write.as_ref().map(|_| ()).map_err(Clone::clone);
    let body = json!({
        "status": if ready { "ready" } else if read_only { "read_only" } else { "unavailable" },
        "write_database": outcome("write_database", write, "unavailable"),
        "read_database": outcome("read_database", configured, "unavailable"),
        "standby": standby,
        "reads_from": reads_from,
        "replication_lag_bytes": lag_bytes,
        "replication_lag_seconds": lag_seconds,
        "migrations": outcome("migrations", migrations, migrations_public),
        "read_models_never_refreshed": never_refreshed,
    });
    reply(
        if ready || read_only {
            Status::Ok
        } else {
            Status::ServiceUnavailable
        },
        &body,
    )
}

/// The read side's check, where reads go now: the read models never
/// refreshed, the configured read database's own answer (when it was asked),
/// and which server answered (`standby`, `primary`, or `none`).
async fn read_check(
    pools: &Pools,
    health: &DbHealth,
    settings: &Settings,
) -> (
    Result<Vec<&'static str>, String>,
    Result<(), String>,
    &'static str,
) {
    let names: Vec<_> = READ_MODELS.iter().map(|m| m.name).collect();
    let mut last = Err("no read database".to_owned());
    let mut configured = Err(match health.read_fallback() {
        Some(why) => format!("not asked: {}", why.as_str()),
        None => "not asked".to_owned(),
    });
    for (pool, side) in read_order(pools, Some(health), Some(settings)) {
        let run = retry::run(pool, |c| {
            let names = names.clone();
            async move { freshness::of(c, &names).await }.boxed()
        })
        .await;
        if side == ReadSide::Configured {
            configured = run.as_ref().map(|_| ()).map_err(ToString::to_string);
        }
        match run {
            Ok(all) => {
                let never: Vec<_> = all
                    .into_iter()
                    .filter(|f| f.as_of.is_none())
                    .map(|f| f.view.as_str())
                    .collect();
                let from = match side {
                    ReadSide::Configured if pools.reads_elsewhere() => "standby",
                    _ => "primary",
                };
                return (Ok(never), configured, from);
            }
            Err(e) => {
                if let Failed::NoConnection(e) = &e {
                    note_failure(pools, Some(health), side, e);
                }
                last = Err(e.to_string());
            }
        }
    }
    (last, configured, "none")
}
