//! Products with stock and sales: the product list, one product, and the
//! product search of the order form.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Freshness, contains_pattern, freshness};
use crate::db::read_schema::inventory_status as inv;

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

#[derive(QueryableByName)]
struct Sales {
    #[diesel(sql_type = BigInt)]
    product_id: i64,
    #[diesel(sql_type = BigInt)]
    units: i64,
    #[diesel(sql_type = BigInt)]
    revenue_cents: i64,
}

/// A page of products by SKU, with their sales over the last 30 shop days
/// (the live model `product_sales_30d`).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ProductFilter,
) -> Result<ProductPage, diesel::result::Error> {
    let limit = filter.page_size.clamp(1, 200);
    let mut q = inv::table.select(COLUMNS).into_boxed();
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
    let mut products: Vec<ProductRow> = q.order(inv::sku.asc()).limit(limit + 1).load(conn).await?;
    let next_sku = if products.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        products.pop();
        products.last().map(|p| p.sku.clone())
    } else {
        None
    };
    let ids: Vec<i64> = products.iter().map(|p| p.product_id).collect();
    let sales: Vec<Sales> = diesel::sql_query(
        "SELECT product_id, units, revenue_cents FROM read.product_sales_30d WHERE product_id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .load(conn)
    .await?;
    let rows = products
        .into_iter()
        .map(|product| {
            let s = sales.iter().find(|s| s.product_id == product.product_id);
            ProductListRow {
                units_30d: s.map_or(0, |s| s.units),
                revenue_30d_cents: s.map_or(0, |s| s.revenue_cents),
                product,
            }
        })
        .collect();
    let freshness = freshness::of(conn, &["inventory_status", "product_sales_30d"]).await?;
    Ok(ProductPage {
        rows,
        next_sku,
        freshness,
    })
}

/// One product (for its page and its edit form).
pub async fn get(
    conn: &mut AsyncPgConnection,
    product_id: i64,
) -> Result<(Option<ProductRow>, Freshness), diesel::result::Error> {
    let row = inv::table
        .find(product_id)
        .select(COLUMNS)
        .first(conn)
        .await
        .optional()?;
    let freshness = freshness::of(conn, &["inventory_status"]).await?.remove(0);
    Ok((row, freshness))
}

/// Active products whose SKU or name contains `text`, for the order form.
pub async fn search_for_sale(
    conn: &mut AsyncPgConnection,
    text: &str,
    limit: i64,
) -> Result<Vec<ProductRow>, diesel::result::Error> {
    inv::table
        .select(COLUMNS)
        .filter(inv::active)
        .filter(inv::search_text.like(contains_pattern(text)))
        .order(inv::sku.asc())
        .limit(limit.clamp(1, 50))
        .load(conn)
        .await
}
