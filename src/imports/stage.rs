//! Staging an upload: the file is read in a blocking thread (the `csv`
//! crate), its rows arrive here in batches and are inserted into
//! `import_rows` under a new `import_jobs` row, in one transaction: a file
//! refused half-way (binary, too many rows) leaves nothing behind. Rows that
//! cannot be parsed, and every row whose SKU or email the file names twice,
//! are refused now; the worker compares the rest with the records.

use std::path::PathBuf;

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::file::{self, FileRefusal};
use super::rows::StagedRow;
use super::{ImportError, MAX_ROWS};
use crate::db::prepared::Prepare;
use crate::db::schema::{import_jobs, import_rows};
use crate::domain::{Actor, Currency, ImportKind, ImportState, RowOutcome};

/// An uploaded file, on disk, to stage.
#[derive(Debug, Clone)]
pub struct Upload {
    pub kind: ImportKind,
    pub owner: Actor,
    pub file_name: String,
    pub path: PathBuf,
}

/// Stages `upload`; returns the new job's id. A file refusal writes nothing.
pub async fn stage(
    conn: &mut AsyncPgConnection,
    upload: Upload,
    currency: Currency,
) -> Result<i64, ImportError> {
    let path = upload.path.clone();
    let format = tokio::task::spawn_blocking(move || file::sniff(&path))
        .await
        .map_err(|e| FileRefusal::Io(e.to_string()))??;
    // One batch waiting while one is inserted: the reader never runs far
    // ahead of the database.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<StagedRow>>(1);
    let path = upload.path.clone();
    let kind = upload.kind;
    let reader = tokio::task::spawn_blocking(move || {
        file::read(&path, format, kind, currency, MAX_ROWS, |batch| {
            tx.blocking_send(batch).is_ok()
        })
    });
    conn.transaction(async move |conn| {
        let file_name: String = upload.file_name.chars().take(255).collect();
        let job_id: i64 = diesel::insert_into(import_jobs::table)
            .values((
                import_jobs::kind.eq(kind),
                import_jobs::state.eq(ImportState::Checking),
                import_jobs::owner_user_id.eq(upload.owner.user_id),
                import_jobs::owner.eq(&upload.owner.name),
                import_jobs::file_name.eq(&file_name),
                import_jobs::delimiter.eq(format.delimiter_text()),
                import_jobs::rows_total.eq(0),
            ))
            .returning(import_jobs::id)
            .get_result(conn)
            .await?;
        while let Some(batch) = rx.recv().await {
            insert(conn, job_id, &batch).await?;
        }
        let total = reader.await.map_err(|e| FileRefusal::Io(e.to_string()))??;
        refuse_duplicates(conn, job_id, kind).await?;
        let refused: i64 = import_rows::table
            .filter(import_rows::job_id.eq(job_id))
            .filter(import_rows::outcome.eq(RowOutcome::Refused))
            .count()
            .get_result(conn)
            .await?;
        diesel::update(import_jobs::table.find(job_id))
            .set((
                import_jobs::rows_total.eq(i32::try_from(total).unwrap_or(i32::MAX)),
                import_jobs::rows_checked.eq(i32::try_from(refused).unwrap_or(i32::MAX)),
            ))
            .execute(conn)
            .await?;
        Ok::<_, ImportError>(job_id)
    })
    .await
}

async fn insert(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    batch: &[StagedRow],
) -> Result<(), ImportError> {
    let values: Vec<_> = batch
        .iter()
        .map(|r| {
            let refused = !r.refusals.is_empty();
            (
                import_rows::job_id.eq(job_id),
                import_rows::seq.eq(r.seq),
                import_rows::line.eq(r.line),
                import_rows::key.eq(r.key.as_deref()),
                import_rows::fields.eq(&r.fields),
                import_rows::outcome.eq(refused.then_some(RowOutcome::Refused)),
                import_rows::refusals.eq(refused.then(|| serde_json::json!(r.refusals))),
            )
        })
        .collect();
    diesel::insert_into(import_rows::table)
        .values(values)
        .execute(conn)
        .await?;
    Ok(())
}

async fn refuse_duplicates(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    kind: ImportKind,
) -> Result<(), ImportError> {
    let what = match kind {
        ImportKind::Products | ImportKind::StockCounts => "SKU",
        ImportKind::Customers => "email",
    };
    diesel::sql_query(include_str!("sql/refuse_duplicates.sql"))
        .bind::<diesel::sql_types::BigInt, _>(job_id)
        .bind::<Text, _>(kind.key_column())
        .bind::<Text, _>(what)
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}
