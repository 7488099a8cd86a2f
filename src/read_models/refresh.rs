//! Report views: `REFRESH MATERIALIZED VIEW CONCURRENTLY` (through
//! `read.refresh_report`, which runs it as the views' owner: the server's
//! role owns nothing in `read`) in a REPEATABLE READ transaction of its own
//! (never inside a write transaction), under a per-view advisory lock,
//! recorded in `read_model_refreshes`. Readers keep reading the old rows
//! while it runs. (Live models are never refreshed
//! whole: the maintainer keeps them, see `maintainer`.)
//!
//! The transaction's snapshot is taken before the refresh reads anything, and
//! the refresh reads with that same snapshot, so the stored snapshot says
//! exactly which events the view includes: pending counts are exact.

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{ReadModel, ReadModelName};
use crate::db::schema::read_model_refreshes as rr;
use crate::domain::sql_text::text_enum;

/// How many runs per view the log keeps.
const LOG_KEEP_PER_VIEW: i64 = 500;

text_enum! {
    /// What started a refresh or a maintainer batch (stored in their logs).
    pub enum Trigger (what = "trigger") {
        /// `orderdesk refresh`, usually from cron.
        Cron => "cron",
        /// The in-process schedule.
        Schedule => "schedule",
        /// The maintainer in the server, at start-up (or on a new connection
        /// after losing one): it catches up on whatever happened while it was away.
        Startup => "startup",
        /// The maintainer in the server, woken by the server itself after a
        /// command (the in-process signal, not a database NOTIFY).
        Wake => "wake",
        /// The maintainer in the server, on its poll interval: writes made by
        /// other processes (the CLI, other servers).
        Poll => "poll",
        /// A person pressed a button, or `orderdesk verify`/`--rebuild`.
        Manual => "manual",
    }
}

/// How one refresh of one view ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    Refreshed {
        rows: i64,
        duration: Duration,
        /// The highest event id the refresh saw.
        watermark: i64,
    },
    /// Another refresher holds this view's lock; nothing was done.
    Skipped,
    /// The refresh failed; the view keeps its last good data.
    Failed(String),
}

impl RefreshOutcome {
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed(_))
    }
}

impl fmt::Display for RefreshOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refreshed {
                rows,
                duration,
                watermark,
            } => write!(
                f,
                "ok, {rows} rows in {} ms (events up to #{watermark})",
                duration.as_millis()
            ),
            Self::Skipped => f.write_str("skipped: another refresh of this view is running"),
            Self::Failed(e) => write!(f, "FAILED: {e}"),
        }
    }
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

#[derive(QueryableByName)]
struct Mark {
    #[diesel(sql_type = Text)]
    snapshot: String,
    #[diesel(sql_type = BigInt)]
    watermark: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

enum Stop {
    Busy,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

/// Refreshes one report view and records the run. Never panics and never returns an
/// error: a failure is an outcome (logged and recorded), and readers keep the
/// last good data.
pub async fn refresh(
    conn: &mut AsyncPgConnection,
    model: &ReadModel,
    trigger: Trigger,
) -> RefreshOutcome {
    let started_at = Utc::now();
    let clock = Instant::now();
    let name = model.name;
    if model.is_live() {
        return RefreshOutcome::Failed(format!(
            "{name} is a live model: the maintainer keeps it (rebuild it with --rebuild)"
        ));
    }
    let result = conn
        .build_transaction()
        .repeatable_read()
        .run(async |conn| {
            let locked: Flag = diesel::sql_query(include_str!("sql/refresh_lock.sql"))
                .bind::<Text, _>(format!("orderdesk:refresh:{name}"))
                .get_result(conn)
                .await?;
            if !locked.flag {
                return Err(Stop::Busy);
            }
            let mark: Mark = diesel::sql_query(include_str!("sql/refresh_mark.sql"))
                .get_result(conn)
                .await?;
            // As the owner of the report views, through its SECURITY DEFINER
            // function: the caller (the server's orderdesk_app) owns nothing
            // in `read` (src/read_models/schema/read.sql).
            diesel::sql_query("SELECT read.refresh_report($1, true)")
                .bind::<Text, _>(name)
                .execute(conn)
                .await?;
            let rows: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM read.{name}"))
                .get_result(conn)
                .await?;
            let duration = clock.elapsed();
            record(
                conn,
                name,
                trigger,
                started_at,
                duration,
                Ok((rows.n, mark.watermark, &mark.snapshot)),
            )
            .await?;
            Ok((rows.n, duration, mark.watermark))
        })
        .await;
    let outcome = match result {
        Ok((rows, duration, watermark)) => RefreshOutcome::Refreshed {
            rows,
            duration,
            watermark,
        },
        Err(Stop::Busy) => RefreshOutcome::Skipped,
        Err(Stop::Db(e)) => RefreshOutcome::Failed(e.to_string()),
    };
    if !matches!(outcome, RefreshOutcome::Refreshed { .. }) {
        let error = match &outcome {
            RefreshOutcome::Failed(e) => Err(Some(e.as_str())),
            _ => Err(None),
        };
        if let Err(e) = record(conn, name, trigger, started_at, clock.elapsed(), error).await {
            tracing::error!(view = name.as_str(), error = %e, "could not record refresh run");
        }
    }
    match &outcome {
        RefreshOutcome::Refreshed { rows, duration, .. } => {
            crate::observability::record_refresh(name.as_str(), *duration, *rows, true);
        }
        RefreshOutcome::Failed(_) => {
            crate::observability::record_refresh(name.as_str(), clock.elapsed(), 0, false);
        }
        RefreshOutcome::Skipped => {}
    }
    match &outcome {
        RefreshOutcome::Failed(e) => {
            tracing::error!(
                view = name.as_str(),
                trigger = trigger.as_str(),
                error = %e,
                "refresh failed"
            );
        }
        RefreshOutcome::Skipped => tracing::info!(
            view = name.as_str(),
            trigger = trigger.as_str(),
            "refresh skipped: already running"
        ),
        RefreshOutcome::Refreshed {
            rows,
            duration,
            watermark,
        } => tracing::debug!(
            view = name.as_str(),
            trigger = trigger.as_str(),
            rows,
            watermark,
            ms = duration.as_millis(),
            "refreshed"
        ),
    }
    outcome
}

/// Refreshes each model in turn.
pub async fn refresh_all(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
    trigger: Trigger,
) -> Vec<(&'static ReadModel, RefreshOutcome)> {
    let mut out = Vec::with_capacity(models.len());
    for model in models {
        out.push((*model, refresh(conn, model, trigger).await));
    }
    out
}

/// Appends a run to the log and prunes old runs of the view.
/// `result`: Ok((rows, watermark, snapshot)) for a refresh, Err(None) for a
/// skip, Err(Some(error)) for a failure.
async fn record(
    conn: &mut AsyncPgConnection,
    view: ReadModelName,
    trigger: Trigger,
    started_at: DateTime<Utc>,
    duration: Duration,
    result: Result<(i64, i64, &str), Option<&str>>,
) -> Result<(), diesel::result::Error> {
    let (outcome, rows, watermark, snapshot, error) = match result {
        Ok((rows, watermark, snapshot)) => {
            ("ok", Some(rows), Some(watermark), Some(snapshot), None)
        }
        Err(None) => ("skipped", None, None, None, None),
        Err(Some(e)) => ("failed", None, None, None, Some(e)),
    };
    diesel::sql_query(include_str!("sql/record_refresh.sql"))
        .bind::<Text, _>(view)
        .bind::<Text, _>(trigger.as_str())
        .bind::<Timestamptz, _>(started_at)
        .bind::<BigInt, _>(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX))
        .bind::<Nullable<BigInt>, _>(rows)
        .bind::<Text, _>(outcome)
        .bind::<Nullable<Text>, _>(error)
        .bind::<Nullable<BigInt>, _>(watermark)
        .bind::<Nullable<Text>, _>(snapshot)
        .execute(conn)
        .await?;
    // Every run of the view older than its LOG_KEEP_PER_VIEW newest (none
    // while it has no more: `id <= NULL` is never true).
    let runs = diesel::alias!(rr as runs);
    let oldest_kept_but_one = runs
        .filter(runs.field(rr::view_name).eq(view))
        .order(runs.field(rr::id).desc())
        .offset(LOG_KEEP_PER_VIEW)
        .limit(1)
        .select(runs.field(rr::id))
        .single_value();
    diesel::delete(
        rr::table
            .filter(rr::view_name.eq(view))
            .filter(rr::id.nullable().le(oldest_kept_but_one)),
    )
    .execute(conn)
    .await?;
    Ok(())
}
