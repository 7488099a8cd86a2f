//! The read-model status page: per live model its snapshot's age, pending
//! changes, last batch (size, duration, rows changed), last rebuild and
//! verify; per report view its last refresh.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::freshness::{self, StatusRow};
use crate::read_models::{ReadModelName, catalog};

/// One live model's status (all live models share one snapshot).
#[derive(Debug, Clone, QueryableByName)]
pub struct LiveStatus {
    #[diesel(sql_type = Text)]
    pub name: ReadModelName,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub as_of: Option<DateTime<Utc>>,
    /// Committed events not yet applied, plus transactions with queued keys.
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
    #[diesel(sql_type = BigInt)]
    pub queued: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_batch_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Double>)]
    pub last_batch_ms: Option<f64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_rows_changed: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub rows_changed: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_rebuild_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_rebuild_ms: Option<i64>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_verify_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_verify_diffs: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
}

impl LiveStatus {
    /// The last batch's duration, rounded for the page.
    pub fn last_batch_ms_text(&self) -> String {
        self.last_batch_ms
            .map_or_else(String::new, |ms| format!("{ms:.1} ms"))
    }
}

/// One report view's status.
#[derive(Debug, Clone)]
pub struct ReportStatus {
    pub view: ReadModelName,
    pub status: StatusRow,
}

/// Everything the status page shows.
#[derive(Debug, Clone)]
pub struct Overview {
    pub live: Vec<LiveStatus>,
    pub reports: Vec<ReportStatus>,
}

/// The live models in one round trip, in catalog order.
pub async fn live(conn: &mut AsyncPgConnection) -> Result<Vec<LiveStatus>, diesel::result::Error> {
    let mut rows: Vec<LiveStatus> = diesel::sql_query(include_str!("sql/live_model_status.sql"))
        .load(conn)
        .await?;
    // Catalog order is `ReadModelName`'s order.
    rows.sort_by_key(|r| r.name as usize);
    Ok(rows)
}

/// The status of every read model.
pub async fn all(conn: &mut AsyncPgConnection) -> Result<Overview, diesel::result::Error> {
    let live = live(conn).await?;
    let mut reports = Vec::new();
    for model in catalog::reports() {
        reports.push(ReportStatus {
            view: model.name,
            status: freshness::status(conn, model.name).await?,
        });
    }
    Ok(Overview { live, reports })
}
