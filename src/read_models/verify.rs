//! `orderdesk verify [--repair]`: every live model compared with its
//! definition, exactly and in both directions (`EXCEPT ALL`), at a snapshot
//! where the maintainer has applied every committed event, so a write made
//! meanwhile cannot show up as drift. The same definition the maintainer uses
//! is the reference: there is no second copy to drift from.
//!
//! Without `--repair` the comparison runs lock-free: the maintainer's lock is
//! held only to catch up and take the snapshot, then released, and the
//! maintainer goes on while the comparison reads. With `--repair` the lock is
//! held throughout and exactly the differing keys are replaced by their rows
//! from the definition, in the same transaction.

use diesel::dsl::sum;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::maintainer::{self, lock};
use super::{ReadModel, ReadModelName, Trigger};
use crate::db::schema::{inventory as inv, stock_movements as m};

/// Rows of differing keys reported (and repaired) per model at most.
const MAX_DIFFERENCES: i64 = 10_000;

/// How a model compares with its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub name: ReadModelName,
    /// Rows the definition has that the model lacks (or has otherwise).
    pub missing: i64,
    /// Rows the model has that the definition does not.
    pub unexpected: i64,
    /// The keys of the differing rows, as JSON objects, sorted.
    pub keys: Vec<String>,
    /// Whether those keys were replaced by the definition's rows.
    pub repaired: bool,
}

impl Drift {
    pub fn ok(&self) -> bool {
        self.missing == 0 && self.unexpected == 0
    }
}

#[derive(QueryableByName)]
struct Difference {
    #[diesel(sql_type = Text)]
    side: String,
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Compares each live model in `models` with its definition; with `repair`,
/// replaces exactly the differing keys.
pub async fn verify(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
    repair: bool,
) -> Result<Vec<Drift>, diesel::result::Error> {
    let live: Vec<_> = models.iter().copied().filter(|m| m.is_live()).collect();
    lock::lock(conn).await?;
    let result = if repair {
        compare_and_repair(conn, &live).await
    } else {
        compare_at_clean_snapshot(conn, &live).await
    };
    // The lock may already be gone (released once the snapshot was taken).
    let _ = lock::unlock(conn).await;
    let drifts = result?;
    record(conn, &drifts).await?;
    Ok(drifts)
}

/// Repair: one transaction under the lock, caught up to its own snapshot.
async fn compare_and_repair(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
) -> Result<Vec<Drift>, diesel::result::Error> {
    let started_at = chrono::Utc::now();
    let clock = std::time::Instant::now();
    conn.build_transaction()
        .repeatable_read()
        .run(async |conn| {
            let applied = maintainer::apply_in_transaction(conn, i64::MAX).await?;
            let mut drifts = Vec::with_capacity(models.len());
            for &model in models {
                let mut drift = compare(conn, model).await?;
                if !drift.ok() {
                    replace_keys(conn, model, &drift.keys).await?;
                    drift.repaired = true;
                }
                drifts.push(drift);
            }
            maintainer::finish(conn, &applied, Trigger::Manual, started_at, clock.elapsed())
                .await?;
            Ok(drifts)
        })
        .await
}

/// Verify only: catch up under the lock, take a snapshot at which nothing is
/// pending, release the lock, compare.
async fn compare_at_clean_snapshot(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
) -> Result<Vec<Drift>, diesel::result::Error> {
    for _attempt in 0..50 {
        if let maintainer::BatchOutcome::Failed(e) =
            maintainer::batch_locked(conn, Trigger::Manual, i64::MAX).await
        {
            return Err(diesel::result::Error::QueryBuilderError(e.into()));
        }
        let compared = conn
            .build_transaction()
            .repeatable_read()
            .run(async |conn| {
                // Events of every type not yet applied, plus queued keys: the
                // same count the status page shows.
                let pending: Count = diesel::sql_query(include_str!("sql/pending.sql"))
                    .get_result(conn)
                    .await?;
                if pending.n > 0 {
                    return Ok(None);
                }
                lock::unlock(conn).await?;
                let mut drifts = Vec::with_capacity(models.len());
                for &model in models {
                    drifts.push(compare(conn, model).await?);
                }
                Ok::<_, diesel::result::Error>(Some(drifts))
            })
            .await?;
        if let Some(drifts) = compared {
            return Ok(drifts);
        }
    }
    Err(diesel::result::Error::QueryBuilderError(
        "writes never paused long enough to take a clean snapshot; try --repair (which holds the lock)".into(),
    ))
}

/// The differing rows' keys, both ways.
async fn compare(
    conn: &mut AsyncPgConnection,
    model: &'static ReadModel,
) -> Result<Drift, diesel::result::Error> {
    let key = key_object(model, "x");
    let sql = format!(
        "WITH expected AS MATERIALIZED ({definition}),
              actual AS MATERIALIZED (SELECT * FROM read.{name}),
              missing AS (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual),
              unexpected AS (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected),
              diff AS (SELECT 'missing' AS side, {key} AS key FROM missing x
                       UNION ALL SELECT 'unexpected', {key} FROM unexpected x)
         SELECT side, key::text AS key, count(*) OVER () AS total FROM diff ORDER BY key::text, side LIMIT $1",
        definition = model.definition,
        name = model.name,
    );
    let rows: Vec<Difference> = diesel::sql_query(sql)
        .bind::<BigInt, _>(MAX_DIFFERENCES)
        .load(conn)
        .await?;
    let mut keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
    keys.dedup();
    let total = <[Difference]>::first(&rows).map_or(0, |r| r.total);
    let missing =
        i64::try_from(rows.iter().filter(|r| r.side == "missing").count()).unwrap_or(i64::MAX);
    Ok(Drift {
        name: model.name,
        missing,
        unexpected: total - missing,
        keys,
        repaired: false,
    })
}

/// Deletes the rows of `keys` and inserts the definition's rows for them;
/// the model gets a new generation (pages' ETags hold it).
async fn replace_keys(
    conn: &mut AsyncPgConnection,
    model: &'static ReadModel,
    keys: &[String],
) -> Result<(), diesel::result::Error> {
    let name = model.name.as_str();
    diesel::sql_query(format!(
        "DELETE FROM read.{name} x WHERE {key} = ANY ($1::jsonb[])",
        key = key_object(model, "x")
    ))
    .bind::<Array<Text>, _>(keys)
    .execute(conn)
    .await?;
    diesel::sql_query(format!(
        "INSERT INTO read.{name} SELECT x.* FROM ({definition}) x WHERE {key} = ANY ($1::jsonb[])",
        definition = model.definition,
        key = key_object(model, "x")
    ))
    .bind::<Array<Text>, _>(keys)
    .execute(conn)
    .await?;
    diesel::sql_query(include_str!("sql/record_repair.sql"))
        .bind::<Text, _>(name)
        .execute(conn)
        .await?;
    Ok(())
}

/// `jsonb_build_object('id', x.id, …)` over the model's key columns.
fn key_object(model: &ReadModel, alias: &str) -> String {
    let fields: Vec<String> = model
        .key
        .iter()
        .map(|k| format!("'{k}', {alias}.{k}"))
        .collect();
    format!("jsonb_build_object({})", fields.join(", "))
}

async fn record(
    conn: &mut AsyncPgConnection,
    drifts: &[Drift],
) -> Result<(), diesel::result::Error> {
    for drift in drifts {
        diesel::sql_query(include_str!("sql/record_verify.sql"))
            .bind::<Text, _>(drift.name)
            .bind::<BigInt, _>(drift.missing + drift.unexpected)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The stock movement kinds that change `on_hand`, and those that change
/// `reserved` (a shipment ends its reservation too).
const ON_HAND_KINDS: [&str; 3] = ["receipt", "adjustment", "shipment"];
const RESERVED_KINDS: [&str; 3] = ["reservation", "release", "shipment"];

diesel::define_sql_function! {
    /// `coalesce(sum, 0)`: the sum over no movements is 0, not NULL.
    fn coalesce(sum: Nullable<BigInt>, otherwise: BigInt) -> BigInt;
}

/// A product whose stock figures disagree with its ledger.
#[derive(Debug, Queryable, serde::Serialize)]
struct LedgerDrift {
    product_id: i64,
    on_hand: i32,
    ledger_on_hand: i64,
    reserved: i32,
    ledger_reserved: i64,
}

/// The write model against its own stock ledger: `on_hand` is the sum of
/// receipts, adjustments and shipments, `reserved` of reservations, releases
/// and shipments. Returns the products whose figures disagree (at most 20),
/// each as a JSON object.
pub async fn stock_ledger(
    conn: &mut AsyncPgConnection,
) -> Result<Vec<String>, diesel::result::Error> {
    // A product without movements joins one row of NULLs: its kind matches
    // nothing (FILTER takes NULL as false), so the sums are NULL, then 0.
    let ledger_on_hand = || {
        coalesce(
            sum(m::quantity.nullable())
                .aggregate_filter(m::kind.nullable().eq_any(ON_HAND_KINDS).assume_not_null()),
            0_i64,
        )
    };
    let ledger_reserved = || {
        coalesce(
            sum(m::quantity.nullable())
                .aggregate_filter(m::kind.nullable().eq_any(RESERVED_KINDS).assume_not_null()),
            0_i64,
        )
    };
    let rows: Vec<LedgerDrift> = inv::table
        .left_join(m::table.on(m::product_id.eq(inv::product_id)))
        .group_by(inv::product_id)
        .having(
            inv::on_hand
                .cast::<BigInt>()
                .ne(ledger_on_hand())
                .or(inv::reserved.cast::<BigInt>().ne(ledger_reserved())),
        )
        .select((
            inv::product_id,
            inv::on_hand,
            ledger_on_hand(),
            inv::reserved,
            ledger_reserved(),
        ))
        .order(inv::product_id)
        .limit(20)
        .load(conn)
        .await?;
    rows.iter()
        .map(|r| {
            serde_json::to_string(r)
                .map_err(|e| diesel::result::Error::DeserializationError(e.into()))
        })
        .collect()
}
