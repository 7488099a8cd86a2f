//! The preview: the worker compares a job's staged rows with the records,
//! a chunk at a time (one transaction each, the job's row locked so two
//! workers never compare the same chunk), and records per row what
//! importing it would do: create, update (each field that changes, old →
//! new), unchanged, or refused (the column and the reason). An update keeps
//! the record's version (a stock count: the units on hand) so the apply can
//! tell whether the record moved since. When every row is compared, the job
//! is `previewed` with its count of each outcome.

mod customers;
mod products;
mod stock_counts;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Int8, Jsonb, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value, json};

use super::rows::Refusal;
use super::{CHUNK, ImportError};
use crate::db::prepared::Prepare;
use crate::db::schema::{import_jobs, import_rows};
use crate::domain::{Currency, ImportKind, ImportState, RowOutcome};

/// What one call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Rows of `job_id` compared.
    Chunk { job_id: i64, rows: usize },
    /// `job_id`'s preview is complete.
    Previewed { job_id: i64 },
}

/// One staged row, to compare.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub seq: i32,
    pub key: Option<String>,
    pub fields: Map<String, Value>,
}

/// What the preview found for one row.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Verdict {
    seq: i32,
    outcome: RowOutcome,
    target_id: Option<i64>,
    target_version: Option<i32>,
    fields: Value,
    changes: Option<Value>,
    refusals: Option<Value>,
}

impl Verdict {
    pub(super) fn refused(row: &Row, refusals: &[Refusal]) -> Self {
        Self {
            seq: row.seq,
            outcome: RowOutcome::Refused,
            target_id: None,
            target_version: None,
            fields: Value::Object(row.fields.clone()),
            changes: None,
            refusals: Some(json!(refusals)),
        }
    }
}

/// Compares the next chunk of the oldest job being checked (jobs another
/// worker holds are skipped); `None` when no job is being checked.
pub async fn check_next(
    conn: &mut AsyncPgConnection,
    currency: Currency,
) -> Result<Option<Checked>, ImportError> {
    conn.transaction(async move |conn| {
        let job: Option<(i64, ImportKind)> = import_jobs::table
            .filter(import_jobs::state.eq(ImportState::Checking))
            .order(import_jobs::id)
            .select((import_jobs::id, import_jobs::kind))
            .for_update()
            .skip_locked()
            .first(conn)
            .await
            .optional()?;
        let Some((job_id, kind)) = job else {
            return Ok(None);
        };
        let staged: Vec<(i32, Option<String>, Value)> = import_rows::table
            .filter(import_rows::job_id.eq(job_id))
            .filter(import_rows::outcome.is_null())
            .order(import_rows::seq)
            .limit(CHUNK)
            .select((import_rows::seq, import_rows::key, import_rows::fields))
            .load(conn)
            .await?;
        if staged.is_empty() {
            finish(conn, job_id).await?;
            return Ok(Some(Checked::Previewed { job_id }));
        }
        let rows: Vec<Row> = staged
            .into_iter()
            .map(|(seq, key, fields)| Row {
                seq,
                key,
                fields: match fields {
                    Value::Object(map) => map,
                    _ => Map::new(),
                },
            })
            .collect();
        let verdicts = match kind {
            ImportKind::Products => products::verdicts(conn, &rows, currency).await?,
            ImportKind::StockCounts => stock_counts::verdicts(conn, &rows).await?,
            ImportKind::Customers => customers::verdicts(conn, &rows).await?,
        };
        record(conn, job_id, &verdicts).await?;
        let n = i32::try_from(verdicts.len()).unwrap_or(i32::MAX);
        diesel::update(import_jobs::table.find(job_id))
            .set(import_jobs::rows_checked.eq(import_jobs::rows_checked + n))
            .execute(conn)
            .await?;
        Ok(Some(Checked::Chunk {
            job_id,
            rows: verdicts.len(),
        }))
    })
    .await
}

/// The preview is complete: the count of each outcome, and the new state.
async fn finish(conn: &mut AsyncPgConnection, job_id: i64) -> Result<(), ImportError> {
    let counts: Vec<(Option<RowOutcome>, i64)> = import_rows::table
        .filter(import_rows::job_id.eq(job_id))
        .group_by(import_rows::outcome)
        .select((import_rows::outcome, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    let count = |o: RowOutcome| {
        counts
            .iter()
            .find(|(k, _)| *k == Some(o))
            .map_or(0, |(_, n)| i32::try_from(*n).unwrap_or(i32::MAX))
    };
    diesel::update(import_jobs::table.find(job_id))
        .set((
            import_jobs::state.eq(ImportState::Previewed),
            import_jobs::rows_checked.eq(import_jobs::rows_total),
            import_jobs::creates.eq(count(RowOutcome::Create)),
            import_jobs::updates.eq(count(RowOutcome::Update)),
            import_jobs::unchanged.eq(count(RowOutcome::Unchanged)),
            import_jobs::refused.eq(count(RowOutcome::Refused)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

async fn record(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    verdicts: &[Verdict],
) -> Result<(), ImportError> {
    diesel::sql_query(include_str!("../sql/record_check.sql"))
        .bind::<BigInt, _>(job_id)
        .bind::<Array<Int4>, _>(verdicts.iter().map(|v| v.seq).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            verdicts
                .iter()
                .map(|v| v.outcome.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Int8>>, _>(verdicts.iter().map(|v| v.target_id).collect::<Vec<_>>())
        .bind::<Array<Nullable<Int4>>, _>(
            verdicts
                .iter()
                .map(|v| v.target_version)
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Jsonb>, _>(
            verdicts
                .iter()
                .map(|v| v.fields.clone())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Jsonb>>, _>(
            verdicts
                .iter()
                .map(|v| v.changes.clone())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Jsonb>>, _>(
            verdicts
                .iter()
                .map(|v| v.refusals.clone())
                .collect::<Vec<_>>(),
        )
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) fn keys(rows: &[Row]) -> Vec<String> {
    rows.iter().filter_map(|r| r.key.clone()).collect()
}

/// `(field, old, new)` as the preview shows it.
pub(super) fn change(field: &str, old: &str, new: &str) -> Value {
    json!({ "field": field, "old": old, "new": new })
}

/// The outcome of an existing record: unchanged, or updated with `changes`.
pub(super) fn existing(
    row: &Row,
    fields: Map<String, Value>,
    (id, version): (i64, i32),
    changes: Vec<Value>,
) -> Verdict {
    Verdict {
        seq: row.seq,
        outcome: if changes.is_empty() {
            RowOutcome::Unchanged
        } else {
            RowOutcome::Update
        },
        target_id: Some(id),
        target_version: Some(version),
        fields: Value::Object(fields),
        changes: (!changes.is_empty()).then_some(Value::Array(changes)),
        refusals: None,
    }
}

pub(super) fn created(row: &Row, fields: Map<String, Value>) -> Verdict {
    Verdict {
        seq: row.seq,
        outcome: RowOutcome::Create,
        target_id: None,
        target_version: None,
        fields: Value::Object(fields),
        changes: None,
        refusals: None,
    }
}
