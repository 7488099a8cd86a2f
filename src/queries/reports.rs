//! The report views: monthly revenue and orders, top products per month, and
//! customer cohorts by month of first order — long-range history refreshed
//! nightly, so each comes with how old it is.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Freshness, freshness};
use crate::db::read_schema::{customer_cohorts as cc, monthly_sales as ms};
use crate::read_models::ReadModelName;

/// Net sales, tax, shipping, refunds and orders in one month (cancelled
/// orders excluded). `revenue_cents` is net sales: after discounts, before
/// tax and shipping; `shipping_cents` is net of its tax; `refunds_cents` is
/// what was refunded in the month, whichever month the order was placed in.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = ms, check_for_backend(diesel::pg::Pg))]
pub struct MonthRow {
    pub month: NaiveDate,
    pub orders: i64,
    pub revenue_cents: i64,
    pub units: i64,
    pub cancellations: i64,
    pub customers: i64,
    pub tax_cents: i64,
    pub shipping_cents: i64,
    pub refunds_cents: i64,
}

/// One product's sales in one month: units, net sales and the tax on them.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ProductMonthRow {
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
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
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub tax_cents: i64,
}

/// A cohort's activity `months_after` its first month.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cc, check_for_backend(diesel::pg::Pg))]
pub struct CohortRow {
    pub cohort: NaiveDate,
    pub months_after: i32,
    pub cohort_size: i64,
    pub active_customers: i64,
    pub orders: i64,
    pub revenue_cents: i64,
}

/// A report's rows and how old they are.
#[derive(Debug, Clone)]
pub struct Report<T> {
    pub rows: Vec<T>,
    pub freshness: Freshness,
}

async fn freshness_of(
    conn: &mut AsyncPgConnection,
    view: ReadModelName,
) -> Result<Freshness, diesel::result::Error> {
    Ok(freshness::of(conn, &[view]).await?.remove(0))
}

/// Every month since `from` (inclusive), oldest first.
pub async fn monthly(
    conn: &mut AsyncPgConnection,
    from: NaiveDate,
) -> Result<Report<MonthRow>, diesel::result::Error> {
    let rows = ms::table
        .filter(ms::month.ge(from))
        .order(ms::month.asc())
        .select(MonthRow::as_select())
        .load(conn)
        .await?;
    let freshness = freshness_of(conn, ReadModelName::MonthlySales).await?;
    Ok(Report { rows, freshness })
}

/// The `per_month` best sellers by revenue of each month since `from`,
/// newest month first: each month's first rows of the ranking index, so the
/// page never loads every product of every month.
pub async fn top_products(
    conn: &mut AsyncPgConnection,
    from: NaiveDate,
    per_month: i64,
) -> Result<Report<ProductMonthRow>, diesel::result::Error> {
    let rows = diesel::sql_query(include_str!("sql/top_products.sql"))
        .bind::<Date, _>(from)
        .bind::<BigInt, _>(per_month.max(1))
        .load(conn)
        .await?;
    let freshness = freshness_of(conn, ReadModelName::ProductSalesMonthly).await?;
    Ok(Report { rows, freshness })
}

/// Every cohort since `from`, by cohort then months after.
pub async fn cohorts(
    conn: &mut AsyncPgConnection,
    from: NaiveDate,
) -> Result<Report<CohortRow>, diesel::result::Error> {
    let rows = cc::table
        .filter(cc::cohort.ge(from))
        .order((cc::cohort.asc(), cc::months_after.asc()))
        .select(CohortRow::as_select())
        .load(conn)
        .await?;
    let freshness = freshness_of(conn, ReadModelName::CustomerCohorts).await?;
    Ok(Report { rows, freshness })
}
