//! CSV imports with a preview (products, stock counts, customers), on the
//! write side: an upload is parsed into the staging table (`stage`), the
//! worker compares every row with the records (`check`: the preview), and
//! "Import" applies the rows as previewed in chunks of at most
//! [`CHUNK`] rows, each one transaction through the commands (`apply`),
//! with its progress recorded in the same transaction. Jobs expire a day after
//! their upload (`prune`). Nothing here reads the read models or knows the web.
//!
//! ```text
//! upload ─▶ stage (one transaction: job + rows, duplicates refused) ─▶ checking
//!   worker: check chunk … chunk ─▶ previewed (counts per outcome)
//!   "Import" (no row refused) ─▶ applying
//!   worker: apply chunk … chunk (oldest job first, one job at a time) ─▶ done
//! ```

pub mod address;
pub mod apply;
pub mod check;
pub mod file;
pub mod prune;
pub mod rows;
pub mod stage;
pub mod worker;

use crate::commands::CommandError;

/// Rows compared or applied per transaction at most.
pub const CHUNK: i64 = 1_000;

/// Rows one file may hold.
pub const MAX_ROWS: usize = 200_000;

/// The request id the events of job `id` carry, naming the import in the audit trail.
pub fn request_id(job_id: i64) -> String {
    format!("import-{job_id}")
}

/// Why an import step failed (a refused row is not a failure: it is recorded).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be previewed; nothing was staged.
    #[error(transparent)]
    File(#[from] file::FileRefusal),
    /// The database failed; the step's transaction rolled back whole.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// A command failed for a reason that is not the row's (the database).
    #[error("job {job_id}: {source}")]
    Command {
        job_id: i64,
        #[source]
        source: CommandError,
    },
    /// A staged row that should have parsed did not: a bug, never input.
    #[error("job {job_id}, row {seq}: {message}")]
    Corrupt {
        job_id: i64,
        seq: i32,
        message: String,
    },
}
