//! Products with stock and sales: the product list and one product. (The
//! order form finds products through `order_entry`.)

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::history::{self, HistoryEntry};
use super::{Freshness, contains_pattern, freshness};
use crate::db::read_schema::{inventory_status as inv, product_sales_30d as ps};

/// One product with its stock and all-time sales.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ProductRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub active: bool,
    pub version: i32,
    pub on_hand: i32,
    pub reserved: i32,
    pub available: i32,
    pub low_stock_threshold: i32,
    pub is_low: bool,
    pub units_sold: i64,
    pub revenue_cents: i64,
}

type Columns = (
    inv::product_id,
    inv::sku,
    inv::name,
    inv::description,
    inv::price_cents,
    inv::active,
    inv::version,
    inv::on_hand,
    inv::reserved,
    inv::available,
    inv::low_stock_threshold,
    inv::is_low,
    inv::units_sold,
    inv::revenue_cents,
);

const COLUMNS: Columns = (
    inv::product_id,
    inv::sku,
    inv::name,
    inv::description,
    inv::price_cents,
    inv::active,
    inv::version,
    inv::on_hand,
    inv::reserved,
    inv::available,
    inv::low_stock_threshold,
    inv::is_low,
    inv::units_sold,
    inv::revenue_cents,
);

/// A product row with its last-30-days sales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductListRow {
    pub product: ProductRow,
    pub units_30d: i64,
    pub revenue_30d_cents: i64,
}

/// What the product list shows.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub search: Option<String>,
    pub low_only: bool,
    /// Keyset: the SKU after which the page starts.
    pub after_sku: Option<String>,
    pub page_size: i64,
}

#[derive(Debug, Clone)]
pub struct ProductPage {
    pub rows: Vec<ProductListRow>,
    pub next_sku: Option<String>,
    pub freshness: Vec<Freshness>,
}

/// A page of products by SKU, with their sales over the last 30 shop days
/// (the live model `product_sales_30d`).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ProductFilter,
) -> Result<ProductPage, diesel::result::Error> {
    const VIEWS: &[&str] = &["inventory_status", "product_sales_30d"];
    let limit = filter.page_size.clamp(1, 200);
    let mut q = inv::table
        .left_join(ps::table)
        .select((COLUMNS, ps::units.nullable(), ps::revenue_cents.nullable()))
        .into_boxed();
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        q = q.filter(inv::search_text.like(contains_pattern(text)));
    }
    if filter.low_only {
        q = q.filter(inv::is_low).filter(inv::active);
    }
    if let Some(after) = &filter.after_sku {
        q = q.filter(inv::sku.gt(after.clone()));
    }
    // One round trip: the freshness, then the page with its sales, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let page = q
        .order(inv::sku.asc())
        .limit(limit + 1)
        .load::<(ProductRow, Option<i64>, Option<i64>)>(&mut &*shared);
    let (fresh, mut products) = futures_util::try_join!(fresh, page)?;
    let next_sku = if products.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        products.pop();
        products.last().map(|p| p.0.sku.clone())
    } else {
        None
    };
    let rows = products
        .into_iter()
        .map(|(product, units, revenue)| ProductListRow {
            units_30d: units.unwrap_or(0),
            revenue_30d_cents: revenue.unwrap_or(0),
            product,
        })
        .collect();
    Ok(ProductPage {
        rows,
        next_sku,
        freshness: freshness::decode(VIEWS, fresh).0,
    })
}

/// One product with its history and freshness, read in one round trip.
pub async fn detail(
    conn: &mut AsyncPgConnection,
    product_id: i64,
) -> Result<(Option<ProductRow>, Vec<HistoryEntry>, Freshness), diesel::result::Error> {
    const VIEWS: &[&str] = &["inventory_status"];
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let product = inv::table
        .find(product_id)
        .select(COLUMNS)
        .load::<ProductRow>(&mut &*shared);
    let history = history::query("product", product_id).load::<HistoryEntry>(&mut &*shared);
    let (fresh, product, history) = futures_util::try_join!(fresh, product, history)?;
    Ok((
        product.into_iter().next(),
        history,
        freshness::decode(VIEWS, fresh).0.remove(0),
    ))
}
