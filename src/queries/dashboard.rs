//! The dashboard: KPIs, 30 days of sales, top products, low stock, orders per
//! status, recent orders. All of it is one row of the live model
//! `read.dashboard`, read with its freshness in one statement.
//!
//! The row carries a version (its `xmin`, which every write of the row
//! changes). A caller that already holds a version (the web layer keeps the
//! page it rendered from it) asks with [`load_unless`], and the row itself is
//! sent only when it has changed: the usual answer is the version and the
//! freshness, a few bytes.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::Freshness;
use super::orders::OrderRow;
use crate::db::Prepare;
use crate::domain::FulfilmentStatus;
use crate::read_models::{ReadModelName, catalog};

/// The live model the dashboard reads.
pub const VIEW: ReadModelName = ReadModelName::Dashboard;

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

/// Orders in one fulfilment state.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusCount {
    pub fulfilment_status: FulfilmentStatus,
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
    /// NULL only in a row written before migration 000080's columns.
    #[serde(default)]
    awaiting_payment_orders: Option<i64>,
    #[serde(default)]
    awaiting_payment_cents: Option<i64>,
    /// NULL only in a row written before migration 000140's columns.
    #[serde(default)]
    to_ship_orders: Option<i64>,
    #[serde(default)]
    ships_on_account: Option<bool>,
}

/// The dashboard's figures: the stored row, decoded.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The shop day the figures are for, and the shop's time zone.
    pub day: NaiveDate,
    pub time_zone: String,
    pub today: Kpi,
    pub last_7_days: Kpi,
    pub last_30_days: Kpi,
    /// Every fulfilment state in lifecycle order.
    pub status_counts: Vec<StatusCount>,
    /// Oldest first, exactly 30 shop days ending `day`.
    pub daily: Vec<DayRow>,
    pub top_products: Vec<TopProduct>,
    pub low_stock: Vec<LowStockRow>,
    pub low_stock_count: i64,
    pub recent_orders: Vec<OrderRow>,
    /// Orders not cancelled with a balance due, and the sum due.
    pub awaiting_payment: Kpi,
    /// Unfulfilled orders ready to leave: nothing due, or every unfulfilled
    /// one when the shop ships on account.
    pub to_ship: i64,
    /// The shop ships on account (so "to ship" counts unpaid orders too).
    pub ships_on_account: bool,
}

/// One answer of the dashboard's statement.
#[derive(Debug, Clone)]
pub struct Snapshot<D = Dashboard> {
    /// The stored row's version; `None` before the maintainer built it.
    pub version: Option<i64>,
    /// The row: [`Dashboard`] from [`load`]; from [`load_unless`], `None`
    /// when the caller's version is current.
    pub data: D,
    pub freshness: Freshness,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<BigInt>)]
    version: Option<i64>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    dashboard: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    as_of: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pending: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    generation: Option<i64>,
}

/// The dashboard and its freshness, in one statement. Before the maintainer
/// has built the dashboard's row (never, once migrated) it is empty.
pub async fn load(conn: &mut AsyncPgConnection) -> Result<Snapshot, diesel::result::Error> {
    let s = load_unless(conn, None).await?;
    Ok(Snapshot {
        data: s.data.unwrap_or_else(|| Stored::empty().into()),
        version: s.version,
        freshness: s.freshness,
    })
}

/// The dashboard's version and freshness, and the row itself unless its
/// version is `known`; one statement either way. It takes a shared
/// connection, so a caller may pipeline it with other statements.
pub async fn load_unless(
    mut conn: &AsyncPgConnection,
    known: Option<i64>,
) -> Result<Snapshot<Option<Dashboard>>, diesel::result::Error> {
    let types: Vec<_> = catalog::find(VIEW.as_str())
        .map(|m| m.event_types.to_vec())
        .unwrap_or_default();
    let row: Row = diesel::sql_query(include_str!("sql/dashboard.sql"))
        .bind::<Array<Text>, _>(types)
        .bind::<Text, _>(VIEW)
        .bind::<Nullable<BigInt>, _>(known)
        .prepared()
        .get_result(&mut conn)
        .await?;
    let data = match (row.dashboard, row.version) {
        (Some(json), _) => Some(
            serde_json::from_value::<Stored>(json)
                .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?
                .into(),
        ),
        (None, None) => Some(Stored::empty().into()),
        (None, Some(_)) => None,
    };
    Ok(Snapshot {
        version: row.version,
        data,
        freshness: Freshness {
            view: VIEW,
            as_of: row.as_of,
            pending: row.pending.unwrap_or(0),
            generation: row.generation.unwrap_or(0),
        },
    })
}

impl From<Stored> for Dashboard {
    fn from(d: Stored) -> Self {
        Self {
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
            awaiting_payment: Kpi {
                orders: d.awaiting_payment_orders.unwrap_or(0),
                revenue_cents: d.awaiting_payment_cents.unwrap_or(0),
            },
            to_ship: d.to_ship_orders.unwrap_or(0),
            ships_on_account: d.ships_on_account.unwrap_or(false),
        }
    }
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
            awaiting_payment_orders: None,
            awaiting_payment_cents: None,
            to_ship_orders: None,
            ships_on_account: None,
        }
    }
}
