//! The shop's time zone as the read models count days. It is kept in
//! `read_model_state` beside the maintained snapshot, because the models'
//! definitions (SQL) turn each order's instant into a shop day with it.
//!
//! `orderdesk migrate` applies the configured `time_zone`: when it differs,
//! one transaction, under the maintainer's lock, applies every pending event,
//! stores the new zone and rebuilds the models that count per shop day beside
//! the old ones (readers keep the old tables until the swap), then the report
//! views are refreshed. The server refuses to start while they disagree, so a
//! page never mixes two zones' days.

use std::time::Instant;

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::maintainer::{self, lock};
use super::rebuild::{Rebuilt, build_beside, record, swap};
use super::{ReadModelName, Trigger, catalog};

/// The live models whose rows depend on the shop's day, in catalog order.
pub const PER_DAY: &[ReadModelName] = &[
    ReadModelName::DailySales,
    ReadModelName::ProductSalesDaily,
    ReadModelName::ProductSales30d,
    ReadModelName::Dashboard,
];

#[derive(QueryableByName)]
struct Zone {
    #[diesel(sql_type = Text)]
    time_zone: String,
}

/// The zone the read models count days in.
pub async fn stored(conn: &mut AsyncPgConnection) -> Result<String, diesel::result::Error> {
    let z: Zone = diesel::sql_query(include_str!("sql/stored_time_zone.sql"))
        .get_result(conn)
        .await?;
    Ok(z.time_zone)
}

/// Why [`check`] refused to serve.
#[derive(Debug, thiserror::Error)]
pub enum ZoneCheckError {
    #[error("could not read the read models' time zone")]
    Read(#[source] diesel::result::Error),
    #[error(
        "the read models count days in {stored} but time_zone is {configured}: \
         run `orderdesk migrate` to switch them (it rebuilds the per-day read models)"
    )]
    Differs { stored: String, configured: String },
}

/// An error unless the read models count days in `zone`.
pub async fn check(conn: &mut AsyncPgConnection, zone: &str) -> Result<(), ZoneCheckError> {
    let stored = stored(conn).await.map_err(ZoneCheckError::Read)?;
    if stored == zone {
        Ok(())
    } else {
        Err(ZoneCheckError::Differs {
            stored,
            configured: zone.to_owned(),
        })
    }
}

/// Switches the read models to `zone` (an IANA name PostgreSQL knows);
/// `None` when they already use it.
pub async fn change(
    conn: &mut AsyncPgConnection,
    zone: &str,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Option<Vec<Rebuilt>>, diesel::result::Error> {
    // An unknown zone fails here, before anything is locked or written.
    diesel::sql_query(include_str!("sql/check_time_zone.sql"))
        .bind::<Text, _>(zone)
        .execute(conn)
        .await?;
    if stored(conn).await? == zone {
        return Ok(None);
    }
    progress(format!(
        "switching the read models to {zone}: waiting for the maintainer's lock"
    ));
    lock::lock(conn).await?;
    let result = change_locked(conn, zone, progress).await;
    if let Err(e) = lock::unlock(conn).await {
        tracing::warn!(error = %e, "could not release the maintainer lock");
    }
    result
}

async fn change_locked(
    conn: &mut AsyncPgConnection,
    zone: &str,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Option<Vec<Rebuilt>>, diesel::result::Error> {
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    conn.build_transaction()
        .repeatable_read()
        .run(async |conn| {
            let applied = maintainer::apply_in_transaction(conn, i64::MAX).await?;
            diesel::sql_query(include_str!("sql/store_time_zone.sql"))
                .bind::<Text, _>(zone)
                .execute(conn)
                .await?;
            let mut done = Vec::with_capacity(PER_DAY.len());
            for model in catalog::live().filter(|m| PER_DAY.contains(&m.name)) {
                let model_clock = Instant::now();
                let rows = build_beside(conn, model, progress).await?;
                progress(format!("{}: swapping in", model.name));
                swap(conn, model).await?;
                record(conn, model, model_clock.elapsed()).await?;
                done.push(Rebuilt {
                    name: model.name,
                    rows,
                    duration: model_clock.elapsed(),
                });
            }
            maintainer::finish(conn, &applied, Trigger::Manual, started_at, clock.elapsed())
                .await?;
            Ok(Some(done))
        })
        .await
}
