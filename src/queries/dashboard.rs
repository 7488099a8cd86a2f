//! The dashboard: KPIs, 30 days of sales, top products, low stock, recent orders.
//! Everything comes from small views; KPIs are summed here at query time.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::orders::{COLUMNS, OrderRow};
use super::{Freshness, freshness};
use crate::db::read_schema::{
    daily_sales as ds, inventory_status as inv, order_status_counts as sc, order_summaries as os,
};

/// The views the dashboard reads.
pub const VIEWS: &[&str] = &[
    "daily_sales",
    "order_status_counts",
    "product_sales_daily",
    "inventory_status",
    "order_summaries",
];

/// Revenue and orders over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kpi {
    pub orders: i64,
    pub revenue_cents: i64,
}

/// One day of sales (days without orders are present, with zeros).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct DayRow {
    pub day: NaiveDate,
    pub orders: i64,
    pub revenue_cents: i64,
    pub units: i64,
    pub cancellations: i64,
}

/// A best seller over the last 30 days.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct TopProduct {
    #[diesel(sql_type = BigInt)]
    pub product_id: i64,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue_cents: i64,
}

/// A product at or under its low-stock threshold.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct LowStockRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub available: i32,
    pub low_stock_threshold: i32,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub today: Kpi,
    pub last_7_days: Kpi,
    pub last_30_days: Kpi,
    /// `(status, orders)` for every status.
    pub status_counts: Vec<(String, i64)>,
    /// Oldest first, exactly 30 days ending `today`.
    pub daily: Vec<DayRow>,
    pub top_products: Vec<TopProduct>,
    pub low_stock: Vec<LowStockRow>,
    pub low_stock_count: i64,
    pub recent_orders: Vec<OrderRow>,
    pub freshness: Vec<Freshness>,
}

/// The dashboard for `today` (the caller's UTC date).
pub async fn load(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
) -> Result<Dashboard, diesel::result::Error> {
    let start = today.checked_sub_days(Days::new(29)).unwrap_or(today);
    let days: Vec<DayRow> = ds::table
        .filter(ds::day.between(start, today))
        .order(ds::day.asc())
        .select((
            ds::day,
            ds::orders,
            ds::revenue_cents,
            ds::units,
            ds::cancellations,
        ))
        .load(conn)
        .await?;
    let daily: Vec<DayRow> = start
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|day| {
            days.iter()
                .find(|r| r.day == day)
                .cloned()
                .unwrap_or(DayRow {
                    day,
                    orders: 0,
                    revenue_cents: 0,
                    units: 0,
                    cancellations: 0,
                })
        })
        .collect();
    let sum = |n: usize| {
        daily.iter().rev().take(n).fold(Kpi::default(), |k, d| Kpi {
            orders: k.orders + d.orders,
            revenue_cents: k.revenue_cents + d.revenue_cents,
        })
    };
    let (today_kpi, week, month) = (sum(1), sum(7), sum(30));

    let status_counts: Vec<(String, i64)> = sc::table
        .select((sc::status, sc::orders))
        .load(conn)
        .await?;
    let top_products: Vec<TopProduct> = diesel::sql_query(
        "SELECT t.product_id, i.sku, i.name, t.units, t.revenue_cents
         FROM (SELECT product_id, sum(units)::bigint AS units, sum(revenue_cents)::bigint AS revenue_cents
               FROM read.product_sales_daily WHERE day BETWEEN $1 AND $2
               GROUP BY product_id ORDER BY 3 DESC, 1 LIMIT 10) t
         JOIN read.inventory_status i ON i.product_id = t.product_id
         ORDER BY t.revenue_cents DESC, t.product_id",
    )
    .bind::<Date, _>(start)
    .bind::<Date, _>(today)
    .load(conn)
    .await?;
    let low = inv::table.filter(inv::is_low).filter(inv::active);
    let low_stock: Vec<LowStockRow> = low
        .order((inv::available.asc(), inv::product_id.asc()))
        .select((
            inv::product_id,
            inv::sku,
            inv::name,
            inv::available,
            inv::low_stock_threshold,
        ))
        .limit(10)
        .load(conn)
        .await?;
    let low_stock_count: i64 = low.count().get_result(conn).await?;
    let recent_orders: Vec<OrderRow> = os::table
        .select(COLUMNS)
        .order((os::placed_at.desc(), os::id.desc()))
        .limit(10)
        .load(conn)
        .await?;
    let freshness = freshness::of(conn, VIEWS).await?;
    Ok(Dashboard {
        today: today_kpi,
        last_7_days: week,
        last_30_days: month,
        status_counts,
        daily,
        top_products,
        low_stock,
        low_stock_count,
        recent_orders,
        freshness,
    })
}
