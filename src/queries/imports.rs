//! CSV import jobs as their pages show them: a job's preview counts and
//! progress, and a page of its rows. The staging tables are written by the
//! import worker, not maintained as read models, so they are read live (no
//! freshness to report) through `read.import_jobs` and `read.import_rows`,
//! SECURITY DEFINER functions in schema `read`.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Int4, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::db::prepared::Prepare;
use crate::domain::{ImportKind, ImportState, RowOutcome};

/// Rows per page of a preview.
pub const PAGE_SIZE: i32 = 200;

/// One import job.
#[derive(Debug, Clone, QueryableByName)]
pub struct ImportJob {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: ImportKind,
    #[diesel(sql_type = Text)]
    pub state: ImportState,
    #[diesel(sql_type = Text)]
    pub owner: String,
    #[diesel(sql_type = Text)]
    pub file_name: String,
    #[diesel(sql_type = Text)]
    pub delimiter: String,
    #[diesel(sql_type = Int4)]
    pub rows_total: i32,
    #[diesel(sql_type = Int4)]
    pub rows_checked: i32,
    #[diesel(sql_type = Int4)]
    pub creates: i32,
    #[diesel(sql_type = Int4)]
    pub updates: i32,
    #[diesel(sql_type = Int4)]
    pub unchanged: i32,
    #[diesel(sql_type = Int4)]
    pub refused: i32,
    #[diesel(sql_type = Int4)]
    pub rows_applied: i32,
    #[diesel(sql_type = Int4)]
    pub apply_refused: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub expires_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub queued_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub finished_at: Option<DateTime<Utc>>,
    /// Jobs that apply before this one.
    #[diesel(sql_type = BigInt)]
    pub ahead: i64,
}

impl ImportJob {
    /// The rows an import writes: creates and updates.
    pub fn to_apply(&self) -> i32 {
        self.creates + self.updates
    }

    /// Rows the apply has been through (applied or refused).
    pub fn applied_so_far(&self) -> i32 {
        self.rows_applied + self.apply_refused
    }

    /// Whether "Import" may be pressed.
    pub fn importable(&self) -> bool {
        self.state == ImportState::Previewed && self.refused == 0 && self.expires_at > Utc::now()
    }

    /// Whether the page should look again soon (the worker is on it).
    pub fn in_progress(&self) -> bool {
        matches!(self.state, ImportState::Checking | ImportState::Applying)
    }

    /// How far the current stage is, in percent.
    pub fn percent(&self) -> i32 {
        let (done, total) = match self.state {
            ImportState::Checking => (self.rows_checked, self.rows_total),
            _ => (self.applied_so_far(), self.to_apply()),
        };
        if total <= 0 {
            100
        } else {
            i32::try_from(i64::from(done) * 100 / i64::from(total)).unwrap_or(100)
        }
    }
}

/// One staged row, as the preview shows it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ImportRow {
    #[diesel(sql_type = Int4)]
    pub seq: i32,
    #[diesel(sql_type = Int4)]
    pub line: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub outcome: Option<RowOutcome>,
    #[diesel(sql_type = Jsonb)]
    pub fields: Value,
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub changes: Option<Value>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub refusals: Option<Value>,
    #[diesel(sql_type = Nullable<Text>)]
    pub applied: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub apply_error: Option<String>,
}

/// `(label, old, new)`: a change or, for a new record, a value.
pub type Change = (String, String, String);

impl ImportRow {
    /// The changes of an update, `(field, old, new)`.
    pub fn changes(&self) -> Vec<Change> {
        self.changes
            .as_ref()
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|c| {
                        let text = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or_default();
                        (
                            text("field").to_owned(),
                            text("old").to_owned(),
                            text("new").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The reasons a row is refused, `(column, reason)`.
    pub fn refusals(&self) -> Vec<(String, String)> {
        self.refusals
            .as_ref()
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|r| {
                        let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
                        (text("column").to_owned(), text("reason").to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A new record's values, `(field, value)`, as the file gave them.
    pub fn values(&self) -> Vec<(String, String)> {
        self.fields
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s.clone(),
                            Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        (k.clone(), v)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Which rows a preview page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowFilter {
    #[default]
    All,
    Outcome(RowOutcome),
    /// Refused at apply time (the record changed after the preview).
    ApplyRefused,
}

impl RowFilter {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("apply_refused") => Self::ApplyRefused,
            Some(o) => RowOutcome::parse(o).map_or(Self::All, Self::Outcome),
            None => Self::All,
        }
    }

    /// The query string's value (empty for all).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "",
            Self::Outcome(o) => o.as_str(),
            Self::ApplyRefused => "apply_refused",
        }
    }
}

/// A job, or `None`.
pub async fn job(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<Option<ImportJob>> {
    let mut jobs: Vec<ImportJob> = diesel::sql_query(include_str!("sql/import_jobs.sql"))
        .bind::<Nullable<BigInt>, _>(Some(id))
        .bind::<Int4, _>(1)
        .prepared()
        .load(conn)
        .await?;
    Ok(jobs.pop())
}

/// The newest jobs, newest first.
pub async fn recent(
    conn: &mut AsyncPgConnection,
    limit: i32,
) -> diesel::QueryResult<Vec<ImportJob>> {
    diesel::sql_query(include_str!("sql/import_jobs.sql"))
        .bind::<Nullable<BigInt>, _>(None::<i64>)
        .bind::<Int4, _>(limit)
        .prepared()
        .load(conn)
        .await
}

/// A page of a job's rows after row `after`, and the row the next page starts after.
pub async fn rows(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    filter: RowFilter,
    after: i32,
) -> diesel::QueryResult<(Vec<ImportRow>, Option<i32>)> {
    let outcome = match filter {
        RowFilter::All => None,
        other => Some(other.as_str()),
    };
    let mut rows: Vec<ImportRow> = diesel::sql_query(include_str!("sql/import_rows.sql"))
        .bind::<BigInt, _>(job_id)
        .bind::<Nullable<Text>, _>(outcome)
        .bind::<Int4, _>(after)
        .bind::<Int4, _>(PAGE_SIZE + 1)
        .prepared()
        .load(conn)
        .await?;
    let next = if rows.len() > PAGE_SIZE as usize {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    Ok((rows, next))
}
