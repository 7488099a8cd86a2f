//! How fresh a read model is: when its data is from, and how many changes that
//! affect it have been committed since.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared::{Prepare, Prepared};
use crate::domain::EventType;
use crate::read_models::catalog::{self, ReadModelName};

/// The freshness of one read model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    pub view: ReadModelName,
    /// Start of the last successful refresh; `None` if it never ran.
    pub as_of: Option<DateTime<Utc>>,
    /// Events that affect the view, committed after that refresh's snapshot.
    pub pending: i64,
    /// Moves whenever the view's rows may have changed (a live model's
    /// batches, rebuilds and repairs; a report's refreshes): pages' ETags
    /// hold it.
    pub generation: i64,
}

impl Freshness {
    /// Seconds between `as_of` and `now`.
    pub fn age_seconds(&self, now: DateTime<Utc>) -> Option<i64> {
        self.as_of.map(|t| (now - t).num_seconds().max(0))
    }

    /// The stalest of several (oldest `as_of`, most pending), for a page that
    /// reads more than one view. Live models share one snapshot, so their
    /// pending changes overlap: the largest count is the honest one.
    pub fn worst(all: &[Self]) -> Option<Self> {
        let mut it = all.iter();
        let first = it.next()?.clone();
        Some(it.fold(first, |acc, f| Self {
            view: acc.view,
            as_of: match (acc.as_of, f.as_of) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            },
            pending: acc.pending.max(f.pending),
            // Any one view's change changes the sum.
            generation: acc.generation.saturating_add(f.generation),
        }))
    }
}

/// The status of a read model as the read-model status page shows it.
#[derive(Debug, Clone, QueryableByName)]
pub struct StatusRow {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub as_of: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub watermark: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_run_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_outcome: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_duration_ms: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_rows: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
}

/// The event types whose changes `view` shows, bound as the status
/// functions' second argument.
fn event_types(view: ReadModelName) -> &'static [EventType] {
    catalog::get(view).event_types
}

/// The full status of the read model `view`.
pub async fn status(
    conn: &mut AsyncPgConnection,
    view: ReadModelName,
) -> Result<StatusRow, diesel::result::Error> {
    diesel::sql_query("SELECT * FROM read.read_model_status($1, $2)")
        .bind::<Text, _>(view)
        .bind::<Array<Text>, _>(event_types(view))
        .prepared()
        .get_result(conn)
        .await
}

/// One row of [`query`]'s answer.
#[derive(QueryableByName)]
pub struct Row {
    #[diesel(sql_type = BigInt)]
    ord: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    as_of: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    pending: i64,
    #[diesel(sql_type = BigInt)]
    generation: i64,
}

/// The statement that answers the freshness of each of `views`, for a
/// caller that sends it in the same round trip as the page's data
/// (pipelined ahead of it: the data is then at least as fresh as it says).
/// The view names and event types are bound, never spliced into the SQL.
pub fn query(
    views: &[ReadModelName],
) -> Prepared<BoxedSqlQuery<'static, diesel::pg::Pg, diesel::query_builder::SqlQuery>> {
    let sql = (0..views.len().max(1))
        .map(|i| {
            format!(
                "SELECT {i}::bigint AS ord, as_of, pending, generation \
                 FROM read.page_freshness(${}, ${})",
                2 * i + 1,
                2 * i + 2
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let mut query = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
    if views.is_empty() {
        // One row for no view at all, as the text above expects.
        let none: &[EventType] = &[];
        query = query.bind::<Text, _>("").bind::<Array<Text>, _>(none);
    }
    for &view in views {
        query = query
            .bind::<Text, _>(view)
            .bind::<Array<Text>, _>(event_types(view));
    }
    // One text per number of views: safe to keep prepared.
    query.prepared()
}

/// The freshness of each of `views` from [`query`]'s rows, in their order.
pub fn decode(views: &[ReadModelName], mut rows: Vec<Row>) -> Vec<Freshness> {
    rows.sort_by_key(|r| r.ord);
    rows.into_iter()
        .zip(views)
        .map(|(r, &view)| Freshness {
            view,
            as_of: r.as_of,
            pending: r.pending,
            generation: r.generation,
        })
        .collect()
}

/// The freshness of each of `views`, in one round trip.
pub async fn of(
    conn: &mut AsyncPgConnection,
    views: &[ReadModelName],
) -> Result<Vec<Freshness>, diesel::result::Error> {
    if views.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = query(views).load(conn).await?;
    Ok(decode(views, rows))
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

/// Whether the last refresh of `view` included event `event_id` (the user's own change).
pub async fn has_caught_up(
    conn: &mut AsyncPgConnection,
    view: ReadModelName,
    event_id: i64,
) -> Result<bool, diesel::result::Error> {
    let f: Flag = diesel::sql_query("SELECT read.has_caught_up($1, $2) AS flag")
        .bind::<Text, _>(view)
        .bind::<BigInt, _>(event_id)
        .prepared()
        .get_result(conn)
        .await?;
    Ok(f.flag)
}
