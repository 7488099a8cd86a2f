//! The dashboard: KPIs, 30 days of sales, top products, low stock, orders per
//! status, recent orders. All of it is one row of the live model
//! `read.dashboard`, read with its freshness in one statement.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::Freshness;
use super::orders::OrderRow;
use crate::db::Prepare;
use crate::read_models::catalog;

/// The live model the dashboard reads.
pub const VIEW: &str = "dashboard";

/// Revenue and orders over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kpi {
    pub orders: i64,
    pub revenue_cents: i64,
}

/// One shop day of sales (days without orders are present, with zeros).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DayRow {
    pub day: NaiveDate,
    pub orders: i64,
    pub revenue_cents: i64,
    pub units: i64,
    pub cancellations: i64,
}

/// A best seller over the last 30 shop days.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TopProduct {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub units: i64,
    pub revenue_cents: i64,
}

/// A product at or under its low-stock threshold.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LowStockRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub available: i32,
    pub low_stock_threshold: i32,
}

/// Orders in one status.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusCount {
    pub status: String,
    pub orders: i64,
}

/// The stored row of `read.dashboard`.
#[derive(Debug, Clone, Deserialize)]
struct Stored {
    day: NaiveDate,
    time_zone: String,
    today_orders: i64,
    today_revenue_cents: i64,
    week_orders: i64,
    week_revenue_cents: i64,
    month_orders: i64,
    month_revenue_cents: i64,
    daily: Vec<DayRow>,
    status_counts: Vec<StatusCount>,
    top_products: Vec<TopProduct>,
    low_stock: Vec<LowStockRow>,
    low_stock_count: i64,
    recent_orders: Vec<OrderRow>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The shop day the figures are for, and the shop's time zone.
    pub day: NaiveDate,
    pub time_zone: String,
    pub today: Kpi,
    pub last_7_days: Kpi,
    pub last_30_days: Kpi,
    /// Every status in lifecycle order.
    pub status_counts: Vec<StatusCount>,
    /// Oldest first, exactly 30 shop days ending `day`.
    pub daily: Vec<DayRow>,
    pub top_products: Vec<TopProduct>,
    pub low_stock: Vec<LowStockRow>,
    pub low_stock_count: i64,
    pub recent_orders: Vec<OrderRow>,
    pub freshness: Freshness,
    /// When the live models last changed (for the page's ETag).
    pub changed_at: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<Jsonb>)]
    dashboard: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    as_of: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::BigInt>)]
    pending: Option<i64>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    changed_at: Option<DateTime<Utc>>,
}

/// The dashboard and its freshness, in one statement. Before the maintainer
/// has built the dashboard's row (never, once migrated) it is empty.
pub async fn load(conn: &mut AsyncPgConnection) -> Result<Dashboard, diesel::result::Error> {
    let types: Vec<&str> = catalog::find(VIEW)
        .map(|m| m.event_types.to_vec())
        .unwrap_or_default();
    let row: Row = diesel::sql_query(
        "SELECT (SELECT to_jsonb(d) FROM read.dashboard d ORDER BY d.day DESC LIMIT 1) AS dashboard,
                f.as_of, f.pending, f.last_batch_at AS changed_at
         FROM (SELECT 1) one
         LEFT JOIN read.live_model_status($1) f ON f.name = $2",
    )
    .bind::<Array<Text>, _>(types)
    .bind::<Text, _>(VIEW)
    .prepared()
    .get_result(conn)
    .await?;
    let freshness = Freshness {
        view: VIEW,
        as_of: row.as_of,
        pending: row.pending.unwrap_or(0),
    };
    let d: Stored = match row.dashboard {
        Some(json) => serde_json::from_value(json)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?,
        None => Stored::empty(),
    };
    Ok(Dashboard {
        day: d.day,
        time_zone: d.time_zone,
        today: Kpi {
            orders: d.today_orders,
            revenue_cents: d.today_revenue_cents,
        },
        last_7_days: Kpi {
            orders: d.week_orders,
            revenue_cents: d.week_revenue_cents,
        },
        last_30_days: Kpi {
            orders: d.month_orders,
            revenue_cents: d.month_revenue_cents,
        },
        status_counts: d.status_counts,
        daily: d.daily,
        top_products: d.top_products,
        low_stock: d.low_stock,
        low_stock_count: d.low_stock_count,
        recent_orders: d.recent_orders,
        freshness,
        changed_at: row.changed_at,
    })
}

impl Stored {
    fn empty() -> Self {
        Self {
            day: Utc::now().date_naive(),
            time_zone: "UTC".to_owned(),
            today_orders: 0,
            today_revenue_cents: 0,
            week_orders: 0,
            week_revenue_cents: 0,
            month_orders: 0,
            month_revenue_cents: 0,
            daily: Vec::new(),
            status_counts: Vec::new(),
            top_products: Vec::new(),
            low_stock: Vec::new(),
            low_stock_count: 0,
            recent_orders: Vec::new(),
        }
    }
}
